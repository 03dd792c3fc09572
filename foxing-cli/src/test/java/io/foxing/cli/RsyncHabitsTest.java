// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command lines an rsync user types: the same letters mean the same thing, checked against rsync
 * itself on identical inputs (its tree beside ours, compared by rsync -ani).
 */
class RsyncHabitsTest {
  @TempDir Path tmp;
  Path src;

  @BeforeEach
  void tree() throws IOException {
    Prerequisites.requireCommand("rsync");
    src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("dir"));
    Files.writeString(src.resolve("dir/f"), "f");
    Files.writeString(src.resolve("x"), "x");
    Files.setPosixFilePermissions(src.resolve("x"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("x"));
  }

  /** Both tools' trees compared by rsync itself: what each flag kept must be the same. */
  private void sameAsRsync(String flags, String rsyncFlags) {
    Path ours = tmp.resolve("ours" + flags.replace('-', '_'));
    Path theirs = tmp.resolve("rsync" + flags.replace('-', '_'));
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp(flags, src + "/", ours.toString());
    Shell.run("rsync", rsyncFlags, src + "/", theirs.toString()).check();
    assertEquals(0, r.exit(), flags + ": " + r.err());
    assertEquals(
        List.of(), Oracles.rsyncDifferences(theirs, ours), flags + " vs rsync " + rsyncFlags);
  }

  @Test
  void clusteredLettersAsRsyncTakesThem() {
    sameAsRsync("-avh", "-avh");
    sameAsRsync("-aHAX", "-aHAX");
    sameAsRsync("-avP", "-aHAXvP"); // fxcp's -a is rsync's -aHAX
    sameAsRsync("-aq", "-aHAXq");
  }

  @Test
  void hIsHumanReadableAndHelpIsDoubleDash() {
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-avh", src + "/", tmp.resolve("dst").toString());
    assertEquals(0, r.exit(), r.err());
    assertFalse(r.out().contains("Usage:"), "-h is not help");
    assertTrue(Files.exists(tmp.resolve("dst/dir/f")), "and the copy happened");
    assertTrue(FxcpCommandTest.fxcp("--help").out().contains("Usage:"));
  }

  @Test
  void recursiveWithoutArchiveIsRsyncsR() throws IOException {
    Path dst = tmp.resolve("dst");
    Files.createDirectories(dst);
    Files.writeString(dst.resolve("x"), "old");
    Files.setPosixFilePermissions(dst.resolve("x"), PosixFilePermissions.fromString("rw-------"));
    Path theirs = tmp.resolve("theirs");
    Shell.run("cp", "-a", dst.toString(), theirs.toString()).check();
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-r", src + "/", dst.toString());
    Shell.run("rsync", "-r", src + "/", theirs.toString()).check();
    assertEquals(0, r.exit(), r.err());
    assertFalse(
        Files.exists(dst.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "-r alone skips symlinks, as rsync");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dst.resolve("x"))),
        "an existing file keeps its permissions without -p");
    // the rest (new files' modes under the umask) as rsync left its copy; times are not kept by
    // either
    assertEquals(
        List.of(),
        Shell.run("rsync", "-rlpgoDni", "--size-only", theirs + "/", dst + "/")
            .check()
            .stdout()
            .lines()
            .toList());
  }

  /**
   * rsync -aHAXi and fxcp -ai on the same changes print the same lines (rsync's "created directory"
   * aside).
   */
  @Test
  void itemizeIsRsyncsCharacterForCharacter() throws IOException {
    Prerequisites.requireCommand("setfattr");
    Path ours = tmp.resolve("ours");
    Path theirs = tmp.resolve("theirs");
    java.util.function.Supplier<List<String>> both =
        () ->
            List.of(
                String.join(
                    "\n",
                    Shell.run("rsync", "-aHAXi", src + "/", theirs + "/")
                        .check()
                        .stdout()
                        .lines()
                        .filter(l -> !l.startsWith("created directory"))
                        .sorted()
                        .toList()),
                String.join(
                    "\n",
                    FxcpCommandTest.fxcp("-ai", src + "/", ours + "/")
                        .out()
                        .lines()
                        .sorted()
                        .toList()));
    List<String> first = both.get();
    assertTrue(first.get(0).contains("cd+++++++++ ./"), first.get(0));
    assertEquals(first.get(0), first.get(1), "a new tree");
    Files.writeString(src.resolve("x"), "longer x");
    Files.setPosixFilePermissions(src.resolve("x"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(src.resolve("dir/f"), "changed f");
    Shell.run("setfattr", "-n", "user.note", "-v", "1", src.resolve("dir/f").toString()).check();
    for (String f :
        new String[] {
          "x", "dir/f"
        }) { // a later second: rsync compares whole seconds, fxcp nanoseconds
      Files.setLastModifiedTime(
          src.resolve(f),
          java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    }
    List<String> changed = both.get();
    assertTrue(
        changed.get(0).contains(">f.stp..... x") && changed.get(0).contains(">f.st.....x dir/f"),
        changed.get(0));
    assertEquals(changed.get(0), changed.get(1), "contents with mode, contents with an xattr");
  }

  /**
   * Options that choose what is left alone, each run by rsync and by fxcp on copies of the same
   * target: the trees must end the same and the itemized lines must be the same.
   */
  @Test
  void updateExistingSizeOnlyIgnoreTimesAndModifyWindowAsRsync() throws IOException {
    long now = System.currentTimeMillis() / 1000 * 1000;
    Path dst = Files.createDirectories(tmp.resolve("dst-base"));
    Files.writeString(dst.resolve("x"), "newer on the target"); // src/x is older
    Files.setLastModifiedTime(
        dst.resolve("x"), java.nio.file.attribute.FileTime.fromMillis(now + 60_000));
    Files.setLastModifiedTime(src.resolve("x"), java.nio.file.attribute.FileTime.fromMillis(now));
    Files.createDirectories(dst.resolve("dir"));
    Files.writeString(dst.resolve("dir/f"), "F"); // same size as src/dir/f, a second older
    Files.setLastModifiedTime(
        src.resolve("dir/f"), java.nio.file.attribute.FileTime.fromMillis(now));
    Files.setLastModifiedTime(
        dst.resolve("dir/f"), java.nio.file.attribute.FileTime.fromMillis(now - 1000));
    Files.writeString(src.resolve("only-in-src"), "new");
    for (String opt :
        new String[] {
          "-u", "--existing", "--ignore-existing", "--size-only", "-I", "--modify-window=2"
        }) {
      Path theirs = tmp.resolve("theirs" + opt);
      Path ours = tmp.resolve("ours" + opt);
      Shell.run("cp", "-a", dst.toString(), theirs.toString()).check();
      Shell.run("cp", "-a", dst.toString(), ours.toString()).check();
      String rsyncLines =
          Shell.run("rsync", "-aHAXi", opt, src + "/", theirs + "/")
              .check()
              .stdout()
              .lines()
              .filter(l -> !l.startsWith(".d"))
              .sorted()
              .toList()
              .toString(); // directory times: rsync sets them later
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-ai", opt, src + "/", ours + "/");
      assertEquals(0, r.exit(), opt + ": " + r.err());
      assertEquals(
          rsyncLines,
          r.out().lines().filter(l -> !l.startsWith(".d")).sorted().toList().toString(),
          opt);
      // with a window, rsync leaves a new symlink's time unset when it is within it (fxcp sets it):
      // compared within it
      List<String> differences =
          opt.startsWith("--modify-window")
              ? Shell.run("rsync", "-aniHAX", "--delete", opt, theirs + "/", ours + "/")
                  .check()
                  .stdout()
                  .lines()
                  .toList()
              : Oracles.rsyncDifferences(theirs, ours);
      assertEquals(List.of(), differences, opt + ": the trees");
    }
    FxcpCommandTest.Run both =
        FxcpCommandTest.fxcp("-a", "--size-only", "-I", src + "/", tmp.resolve("z").toString());
    assertEquals(2, both.exit());
    assertEquals(
        "fxcp: --size-only and --ignore-times contradict each other: choose one\n", both.err());
  }

  /**
   * --delete-excluded, --max-delete, --mkpath, --fsync, --numeric-ids and --info=progress2 beside
   * rsync on the same target.
   */
  @Test
  void deletionLimitsMkpathAndTheAcceptedLettersAsRsync() throws IOException {
    Path base = Files.createDirectories(tmp.resolve("base"));
    Shell.run("cp", "-a", src + "/.", base.toString()).check();
    for (int i = 0; i < 5; i++) {
      Files.writeString(base.resolve("extra" + i), "not in the source");
    }
    Files.writeString(base.resolve("dir/f.tmp"), "excluded, on the target only");
    // --safe-links: some of these point out of the tree (rsync's rules); a target entry named like
    // one stays, even under --delete
    for (String[] l :
        new String[][] {
          {"abs", "/etc/hostname"},
          {"up", "../x"},
          {"dir/up2", "../../x"},
          {"dir/in", "../x"},
          {"dir/deep", "a/../../x"},
          {"dir/dot", "./f"}
        }) {
      Files.createSymbolicLink(src.resolve(l[0]), Path.of(l[1]));
    }
    Files.writeString(base.resolve("abs"), "on the target, named like an unsafe symlink");
    String[][] cases = {
      {"--delete-excluded", "--exclude=*.tmp"},
      {"--delete", "--exclude=*.tmp"},
      {"--delete", "--max-delete=2"},
      {"--delete-before", "--exclude=*.tmp"},
      {"--delete-after", "--delete-excluded", "--exclude=*.tmp"},
      {"--delete-delay"},
      {"--delete", "--safe-links"},
      {"--del"},
      {"--fsync"},
      {"--numeric-ids"},
    };
    for (String[] opts : cases) {
      Path theirs =
          tmp.resolve("theirs" + String.join("", opts).replace('=', '_').replace('*', 'x'));
      Path ours = tmp.resolve("ours" + String.join("", opts).replace('=', '_').replace('*', 'x'));
      Shell.run("cp", "-a", base.toString(), theirs.toString()).check();
      Shell.run("cp", "-a", base.toString(), ours.toString()).check();
      Both both = Both.run(opts, src + "/", theirs, ours);
      Shell.Result rs = both.rsync();
      FxcpCommandTest.Run r = both.fxcp();
      String what = String.join(" ", opts);
      if (what.contains("--max-delete")) {
        assertEquals(25, rs.exitCode(), "rsync stops deleting with exit 25");
        assertEquals(1, r.exit(), "fxcp: partial, with one line saying why: " + r.err());
        // six entries the source does not have (five extras and dir/f.tmp): two go, four stay, as
        // with rsync
        assertTrue(
            r.err().contains("deletions stopped at the --max-delete limit of 2: 4 entries kept"),
            r.err());
        assertEquals(2, r.out().lines().filter(l -> l.startsWith("*deleting")).count(), r.out());
        assertEquals(
            2, rs.stdout().lines().filter(l -> l.startsWith("*deleting")).count(), rs.stdout());
        assertEquals(4, countFiles(ours) - countFiles(src));
        assertEquals(4, countFiles(theirs) - countFiles(src));
        continue;
      }
      assertEquals(0, rs.exitCode(), what + ": " + rs.stderr());
      assertEquals(0, r.exit(), what + ": " + r.err());
      assertEquals(sortedLines(rs.stdout()), sortedLines(r.out()), what);
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), what + ": the trees");
    }
    // --mkpath makes the target's missing parents, as mkdir -p
    FxcpCommandTest.Run missing =
        FxcpCommandTest.fxcp("-a", src + "/", tmp.resolve("no/such/parent/dst").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("create it first (or give --mkpath)"), missing.err());
    assertEquals(
        0,
        FxcpCommandTest.fxcp(
                "-a", "--mkpath", src + "/", tmp.resolve("no/such/parent/dst").toString())
            .exit());
    Oracles.assertFaithful(src, tmp.resolve("no/such/parent/dst"));
    FxcpCommandTest.Run dry =
        FxcpCommandTest.fxcp(
            "-an", "--mkpath", src.resolve("x").toString(), tmp.resolve("dry/new/x").toString());
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(!Files.exists(tmp.resolve("dry")), "a dry run makes nothing, not even the path");
    FxcpCommandTest.Run warned =
        FxcpCommandTest.fxcp("-a", "--exclude", "keep[", src + "/", tmp.resolve("w").toString());
    assertEquals(0, warned.exit(), warned.err());
    assertTrue(
        warned.err().startsWith("fxcp: warning: filter pattern 'keep[': a '[' with no ']'"),
        warned.err());
    FxcpCommandTest.Run progress2 =
        FxcpCommandTest.fxcp("-a", "--info=progress2", src + "/", tmp.resolve("p2").toString());
    assertEquals(0, progress2.exit(), progress2.err());
    FxcpCommandTest.Run other =
        FxcpCommandTest.fxcp("-a", "--info=stats2", src + "/", tmp.resolve("p3").toString());
    assertEquals(2, other.exit());
    assertEquals(
        "fxcp: --info=stats2: only progress2 is supported (it is --progress)\n", other.err());
  }

  /**
   * rsync's --filter rules beside rsync on the same source and target: hide, show, protect, risk,
   * clear, merge files, per-directory files (-F, -FF, dir-merge with modifiers), with and without
   * --delete-excluded, and a target-only directory whose protected entries keep it.
   */
  @Test
  void filterRulesAsRsync() throws IOException {
    Files.writeString(src.resolve(".rsync-filter"), "- *.o\n");
    Files.createDirectories(src.resolve("dir/sub"));
    Files.writeString(src.resolve("dir/.rsync-filter"), "+ keep.o\n- /sub/w.c\n");
    Files.writeString(src.resolve("dir/sub/.excl"), "v.c\n");
    Files.writeString(src.resolve(".excl"), "*.tmp\n");
    for (String f : List.of("a.o", "n.keep", "t.tmp", "dir/keep.o", "dir/y.o", "dir/sub/w.c")) {
      Files.writeString(src.resolve(f), f);
    }
    Files.writeString(src.resolve("dir/sub/v.c"), "v");
    Path rules = Files.writeString(tmp.resolve("rules"), "# merged\nP /extra0\n- *.tmp\n");
    Path base = Files.createDirectories(tmp.resolve("base"));
    Shell.run("cp", "-a", src + "/.", base.toString()).check();
    Files.createDirectories(base.resolve("olddir"));
    for (String f :
        List.of("extra0", "extra1.o", "dir/gone.keep", "dir/old.tmp", "olddir/p.o", "olddir/q")) {
      Files.writeString(base.resolve(f), "only on the target");
    }
    String[][] cases = {
      {"--delete", "-F"},
      {"--delete", "-FF"},
      {"--delete", "--filter=P *.keep", "--filter=H *.o"},
      {"--delete", "--delete-excluded", "-f", "- *.tmp", "-f", "protect /extra0"},
      {"--delete", "-f", "risk *.o", "-f", "- *.o"},
      {"--delete", "-f", "-! */"},
      {"--delete", "-f", "- *.c", "-f", "!", "-f", "- *.keep"},
      {"--delete", "-f", "merge " + rules},
      {"--delete", "-f", ".e " + rules, "-f", "+ dir/", "-f", "+ dir/*.o", "-f", "- *"},
      {"--delete", "-f", ":n- .excl"},
      {"-f", "dir-merge,s .rsync-filter", "--delete"},
      {"--delete", "-f", "hide,! *.o", "-f", "show */"},
    };
    for (String[] opts : cases) {
      String what = String.join(" ", opts);
      String tag = Integer.toHexString(what.hashCode());
      Path theirs = tmp.resolve("theirs" + tag);
      Path ours = tmp.resolve("ours" + tag);
      Shell.run("cp", "-a", base.toString(), theirs.toString()).check();
      Shell.run("cp", "-a", base.toString(), ours.toString()).check();
      Both.run(opts, src + "/", theirs, ours).sameChanges(what);
      if (Files.exists(theirs.resolve("olddir")) && Files.exists(ours.resolve("olddir"))) {
        // on the target only, each tool's deletions inside gave it a time of its own
        Shell.run("touch", "-r", theirs + "/olddir", ours + "/olddir").check();
      }
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), what + ": the trees");
    }
    FxcpCommandTest.Run bad = FxcpCommandTest.fxcp("-a", "-f", "-/ abs", src + "/", "x");
    assertEquals(2, bad.exit());
    assertEquals(
        List.of(
            "fxcp: filter rule '-/ abs': modifier '/' is rsync's absolute-path match, which fxcp"
                + " does not support"),
        bad.errLines());
    FxcpCommandTest.Run missing = FxcpCommandTest.fxcp("-a", "-f", ". /no/rules", src + "/", "x");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("merge file /no/rules does not exist"), missing.err());
    // a rule file that is not a regular file is never read (nor waited on): that directory is
    // left alone, with one line naming it
    Shell.run("mkfifo", src.resolve("dir/sub/.rsync-filter").toString()).check();
    FxcpCommandTest.Run fifo =
        FxcpCommandTest.fxcp("-a", "-F", src + "/", tmp.resolve("fifo").toString());
    assertEquals(1, fifo.exit(), fifo.err());
    assertTrue(fifo.err().contains("dir/sub/.rsync-filter"), fifo.err());
    assertFalse(Files.exists(tmp.resolve("fifo/dir/sub/v.c")));
    assertTrue(Files.exists(tmp.resolve("fifo/dir/keep.o")));
  }

  /**
   * --delete-before deletes in a pass before anything is copied, --delete-after in a pass after
   * everything is: the order of the itemized lines shows which (the trees are checked against
   * rsync's above). One --delete-WHEN at a time, as rsync.
   */
  @Test
  void deleteBeforeAndAfterAreTheirOwnPasses() throws IOException {
    Path base = Files.createDirectories(tmp.resolve("base"));
    for (int i = 0; i < 3; i++) {
      Files.createDirectories(base.resolve("old" + i));
      Files.writeString(base.resolve("old" + i + "/f"), "not in the source");
      Files.writeString(src.resolve("dir/new" + i), "new");
    }
    for (String when : List.of("--delete-before", "--delete-after")) {
      Path ours = tmp.resolve("ours" + when);
      Shell.run("cp", "-a", base.toString(), ours.toString()).check();
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-ai", when, src + "/", ours + "/");
      assertEquals(0, r.exit(), r.err());
      List<String> lines = r.out().lines().filter(l -> !l.startsWith(".d")).toList();
      int firstDelete = -1;
      int lastDelete = -1;
      int firstCopy = -1;
      int lastCopy = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith("*deleting")) {
          firstDelete = firstDelete < 0 ? i : firstDelete;
          lastDelete = i;
        } else {
          firstCopy = firstCopy < 0 ? i : firstCopy;
          lastCopy = i;
        }
      }
      assertEquals(6, lines.stream().filter(l -> l.startsWith("*deleting")).count(), r.out());
      assertTrue(firstCopy >= 0, r.out());
      if (when.equals("--delete-before")) {
        assertTrue(lastDelete < firstCopy, "every deletion before the first copy: " + r.out());
      } else {
        assertTrue(lastCopy < firstDelete, "every deletion after the last copy: " + r.out());
      }
      Oracles.assertFaithful(src, ours);
    }
    FxcpCommandTest.Run two =
        FxcpCommandTest.fxcp("-a", "--delete-before", "--delete-after", src + "/", "x");
    assertEquals(2, two.exit());
    assertEquals(
        List.of(
            "fxcp: --delete-before and --delete-after: give one of them (rsync allows one"
                + " --delete-WHEN)"),
        two.errLines());
  }

  /**
   * --partial beside rsync on a run nothing interrupts: the same itemized lines and trees, a file
   * large enough to be copied resumably among them, and nothing left beside it. (Interrupted runs,
   * where fxcp deliberately differs, are in InterruptedCopyTest.)
   */
  @Test
  void partialAsRsync() throws IOException {
    Shell.bash("head -c 70M /dev/urandom > \"$1\"/big", src.toString()).check();
    Path theirs = tmp.resolve("theirs");
    Path ours = tmp.resolve("ours");
    Both.run(new String[] {"--partial"}, src + "/", theirs, ours).sameChanges("--partial");
    assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours));
    assertEquals(List.of(), Oracles.rsyncDifferences(src, ours));
  }

  /**
   * -L and --copy-unsafe-links beside rsync: symlinks to files and directories inside and outside
   * the tree, relative and absolute, copied as what they lead to (all of them, or the unsafe ones
   * only). A dangling symlink and a loop fail with one line each and the rest is copied; a followed
   * file's xattrs are the file's (rsync reads them from the link, so it has none).
   */
  @Test
  void followingSymlinksAsRsync() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside/od"));
    Files.writeString(tmp.resolve("outside/of"), "outside");
    Files.writeString(outside.resolve("f"), "in a directory outside");
    Files.createSymbolicLink(src.resolve("lf"), Path.of("dir/f"));
    Files.createSymbolicLink(src.resolve("ld"), Path.of("dir"));
    Files.createSymbolicLink(src.resolve("uf"), Path.of("../outside/of"));
    Files.createSymbolicLink(src.resolve("ud"), Path.of("../outside/od"));
    Files.createSymbolicLink(src.resolve("absf"), tmp.resolve("outside/of"));
    for (String opt : List.of("-L", "--copy-links", "--copy-unsafe-links")) {
      Path theirs = tmp.resolve("theirs" + opt);
      Path ours = tmp.resolve("ours" + opt);
      Both.run(new String[] {opt}, src + "/", theirs, ours).sameChanges(opt);
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), opt + ": the trees");
      assertEquals(
          !opt.equals("--copy-unsafe-links"),
          Files.isRegularFile(ours.resolve("lf"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
      assertTrue(Files.isRegularFile(ours.resolve("uf"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
      assertTrue(Files.isDirectory(ours.resolve("ud"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
    Shell.run("setfattr", "-n", "user.t", "-v", "1", src.resolve("dir/f").toString()).check();
    Files.createSymbolicLink(src.resolve("loop"), Path.of("."));
    Files.createSymbolicLink(src.resolve("dangle"), Path.of("nowhere"));
    Shell.run("mkfifo", tmp.resolve("outside/fifo").toString()).check();
    Files.createSymbolicLink(src.resolve("tofifo"), tmp.resolve("outside/fifo"));
    Path ours = tmp.resolve("ours-bad");
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-a", "-L", src + "/", ours + "/");
    assertEquals(1, r.exit(), r.err());
    assertEquals(
        List.of(
            "fxcp: failed: dangle: symlink has no referent (it is followed: -L); remove it or copy"
                + " without -L",
            "fxcp: failed: loop: symlink loop: it leads back to ., which is being copied; it is"
                + " skipped",
            "fxcp: failed: tofifo: a symlink to a device, FIFO or socket; fxcp follows symlinks to"
                + " files and directories only"),
        r.errLines().stream().sorted().toList());
    assertEquals("f", Files.readString(ours.resolve("lf")));
    assertEquals("f", Files.readString(ours.resolve("ld/f")));
    for (String f : List.of("lf", "ld/f", "dir/f")) {
      assertEquals(
          "1",
          Shell.run("getfattr", "--only-values", "-n", "user.t", ours.resolve(f).toString())
              .check()
              .stdout(),
          f + ": the file's own xattrs");
    }
  }

  /**
   * --backup, --suffix and --backup-dir beside rsync: replaced files, deleted files, a deleted
   * directory and an entry replaced by one of another kind are kept as backups, older backups
   * survive --delete, and without a backup directory directory times are left alone (rsync's
   * implied --omit-dir-times). Directories made under a backup directory are 0700 (rsync copies the
   * target's), so those are compared without their modes.
   */
  @Test
  void backupsAsRsync() throws IOException {
    Path base = Files.createDirectories(tmp.resolve("base"));
    Shell.run("cp", "-a", src + "/.", base.toString()).check();
    Files.writeString(base.resolve("dir/f"), "an older, longer version");
    // older by far: rsync compares whole seconds, fxcp nanoseconds
    Files.setLastModifiedTime(
        base.resolve("dir/f"), java.nio.file.attribute.FileTime.fromMillis(1_500_000_000_000L));
    Files.writeString(base.resolve("extra"), "not in the source");
    Files.createDirectories(base.resolve("gone/deeper"));
    Files.writeString(base.resolve("gone/deeper/g"), "in a directory the source lacks");
    Files.delete(base.resolve("link"));
    Files.writeString(base.resolve("link"), "a file where the source has a symlink");
    Files.writeString(base.resolve("old~"), "an older backup");
    String[][] cases = {
      {"--delete", "--backup"},
      {"--delete", "-b", "--suffix=.bak"},
      {"-b"},
      {"--delete", "--backup-dir=../BK"},
      {"--backup-dir=../BK", "--suffix=.1"},
    };
    for (String[] opts : cases) {
      String what = String.join(" ", opts);
      Path dir =
          Files.createDirectories(tmp.resolve("case" + Integer.toHexString(what.hashCode())));
      Path theirs = dir.resolve("theirs/t");
      Path ours = dir.resolve("ours/t");
      Files.createDirectories(theirs.getParent());
      Files.createDirectories(ours.getParent());
      Shell.run("cp", "-a", base.toString(), theirs.toString()).check();
      Shell.run("cp", "-a", base.toString(), ours.toString()).check();
      FxcpCommandTest.Run r = Both.run(opts, src + "/", theirs, ours).sameChanges(what);
      assertEquals(List.of(), differences(theirs, ours, "-O"), what + ": the targets");
      if (what.contains("BK")) {
        assertEquals(
            List.of(),
            differences(dir.resolve("theirs/BK"), dir.resolve("ours/BK"), "-O", "--chmod=D700"),
            what + ": the backups");
      } else {
        assertTrue(
            r.out().lines().noneMatch(l -> l.startsWith(".d")),
            what + ": directory times are not copied beside backups, as rsync: " + r.out());
      }
    }
    // a backup directory inside the target: never deleted, never backed up into itself (rsync
    // backs up its own backups there, one level deeper each run)
    Path inside = tmp.resolve("inside");
    Shell.run("cp", "-a", base.toString(), inside.toString()).check();
    for (int run = 0; run < 2; run++) {
      FxcpCommandTest.Run r =
          FxcpCommandTest.fxcp("-a", "--delete", "--backup-dir=BK", src + "/", inside + "/");
      assertEquals(0, r.exit(), r.err());
    }
    assertEquals("not in the source", Files.readString(inside.resolve("BK/extra")));
    assertEquals(
        "in a directory the source lacks", Files.readString(inside.resolve("BK/gone/deeper/g")));
    assertFalse(Files.exists(inside.resolve("BK/BK")));
    FxcpCommandTest.Run both = FxcpCommandTest.fxcp("-a", "-b", "--inplace", src + "/", "x");
    assertEquals(2, both.exit());
    assertTrue(both.err().contains("inplace with backup is not supported"), both.err());
  }

  /**
   * --link-dest, --compare-dest and --copy-dest beside rsync, with a snapshot as the reference: an
   * unchanged file and symlink are linked (or left out, or copied silently), a file whose contents
   * match but mode differs is copied locally ({@code cf...p.....}), a changed one is measured
   * against the reference ({@code >f.s.......}), a new one is new. The same itemized lines, the
   * same trees, and the same link counts; two kinds at once are refused, as rsync.
   */
  @Test
  void referenceDirectoriesAsRsync() throws IOException {
    Files.writeString(src.resolve("c"), "c");
    Files.writeString(src.resolve("dir/f2"), "f2");
    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.fromMillis(1_500_000_000_000L);
    for (String f : List.of("x", "c", "dir/f", "dir/f2")) {
      Files.setLastModifiedTime(src.resolve(f), old);
    }
    Path snap = tmp.resolve("snap1");
    Shell.run("cp", "-a", src.toString(), snap.toString()).check(); // nanosecond times kept
    Files.writeString(src.resolve("c"), "changed");
    Files.setLastModifiedTime(src.resolve("c"), old);
    Files.setPosixFilePermissions(
        src.resolve("dir/f2"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(src.resolve("new"), "new");
    for (String opt : List.of("--link-dest", "--compare-dest", "--copy-dest")) {
      Path theirs = Files.createDirectories(tmp.resolve("theirs" + opt));
      Path ours = Files.createDirectories(tmp.resolve("ours" + opt));
      Both.run(new String[] {opt + "=../snap1"}, src + "/", theirs, ours).sameChanges(opt);
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), opt + ": the trees");
      for (String f : List.of("x", "link", "dir/f", "dir/f2", "c")) {
        Path t = theirs.resolve(f);
        if (Files.exists(t, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          assertEquals(
              Files.getAttribute(t, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS),
              Files.getAttribute(
                  ours.resolve(f), "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS),
              opt + ": " + f + "'s links");
        } else {
          assertFalse(Files.exists(ours.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS), f);
        }
      }
    }
    assertEquals(
        3,
        Files.getAttribute(tmp.resolve("ours--link-dest/x"), "unix:nlink"),
        "one file: the snapshot's, rsync's link to it and ours");
    FxcpCommandTest.Run mixed =
        FxcpCommandTest.fxcp(
            "-a", "--link-dest=a", "--compare-dest=b", src + "/", tmp.resolve("m").toString());
    assertEquals(2, mixed.exit());
    assertEquals(
        List.of(
            "fxcp: --link-dest, --compare-dest: give one kind of reference directory (rsync does"
                + " not mix them either)"),
        mixed.errLines());
  }

  /**
   * -R (and cp's --parents), --files-from and -0 beside rsync: each path keeps its place below the
   * target, its parents made with their metadata, nothing else of them copied or deleted; a listed
   * directory gets its contents only with -r; --delete works inside what is named only.
   */
  @Test
  void relativePathsAndFilesFromAsRsync() throws IOException {
    Files.createDirectories(src.resolve("dir/sub"));
    Files.writeString(src.resolve("dir/sub/g"), "g");
    Files.writeString(src.resolve("dir/sub/h"), "h");
    Files.writeString(src.resolve("dir/other"), "not named");
    Path list = Files.writeString(tmp.resolve("list"), "dir/sub\nx\n\n");
    Files.writeString(src.resolve("new\nline"), "a name only -0 can list");
    Path list0 = Files.writeString(tmp.resolve("list0"), "dir/sub\0new\nline\0");
    Path rules0 = Files.writeString(tmp.resolve("rules0"), "g\0- h\0"); // patterns
    Path merge0 = Files.writeString(tmp.resolve("merge0"), "- g\0+ h\0- *\0"); // rules
    String[][] cases = {
      {"-0", "--files-from=" + list0, src + "/"},
      {"-0", "--exclude-from=" + rules0, "-R", src + "/./dir/sub"},
      {"--from0", "--filter=merge " + merge0, "-R", src + "/./dir/sub"},
      {"-R", src + "/./dir/sub/g", src + "/./x"},
      {"-R", src + "/./dir/sub"},
      {"-R", src.resolve("x").toString()},
      {"--files-from=" + list, src + "/"},
      {"-r", "--files-from=" + list, src.toString()},
      {"-R", "--delete", src + "/./dir/sub"},
    };
    for (String[] c : cases) {
      String what = String.join(" ", c).replace(tmp.toString(), "");
      String tag = Integer.toHexString(what.hashCode());
      Path theirs = Files.createDirectories(tmp.resolve("theirs" + tag));
      Path ours = Files.createDirectories(tmp.resolve("ours" + tag));
      for (Path t : List.of(theirs, ours)) {
        Files.createDirectories(t.resolve("dir/sub"));
        Files.writeString(t.resolve("dir/sub/stale"), "deleted by --delete only");
        Files.writeString(t.resolve("dir/keep"), "in a parent: never deleted");
      }
      Both both = Both.run(c, null, theirs, ours);
      assertEquals(0, both.rsync().exitCode(), what + ": " + both.rsync().stderr());
      assertEquals(0, both.fxcp().exit(), what + ": " + both.fxcp().err());
      // rsync itemizes a path taken from / with its leading slash; fxcp below the target
      String theirs1 = both.rsync().stdout();
      String theirLines = what.contains("/./") ? theirs1 : theirs1.replace(" /", " ");
      assertEquals(sortedLines(theirLines), sortedLines(both.fxcp().out()), what);
      // the target itself is not copied (the base is not named): each tool's new entries gave it
      // a time of its own
      Shell.run("touch", "-r", theirs.toString(), ours.toString()).check();
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), what + ": the trees");
    }
    // cp's --parents is -R
    Path parents = Files.createDirectories(tmp.resolve("parents"));
    Path viaR = Files.createDirectories(tmp.resolve("viaR"));
    assertEquals(
        0, FxcpCommandTest.fxcp("-a", "--parents", src + "/./dir/sub/g", parents + "/").exit());
    assertEquals(0, FxcpCommandTest.fxcp("-aR", src + "/./dir/sub/g", viaR + "/").exit());
    assertEquals(List.of(), Oracles.rsyncDifferences(viaR, parents));
    assertEquals("g", Files.readString(parents.resolve("dir/sub/g")));
    FxcpCommandTest.Run up = FxcpCommandTest.fxcp("-aR", "../x", parents + "/");
    assertEquals(2, up.exit());
    assertTrue(up.err().contains("'..' in a relative path (-R) would leave its base"), up.err());
    FxcpCommandTest.Run two =
        FxcpCommandTest.fxcp("-a", "--files-from=" + list, src + "/", tmp + "/", parents + "/");
    assertEquals(2, two.exit());
    assertTrue(two.err().contains("--files-from takes one source directory"), two.err());
  }

  /**
   * -m beside rsync: new directories that only directories (or only what the filters leave out)
   * would go into are not made; a chain leading to a file is made, each directory itemized before
   * what goes in; a dry run says the same.
   */
  @Test
  void pruneEmptyDirsAsRsync() throws IOException {
    Files.createDirectories(src.resolve("empty/deeper/still"));
    Files.createDirectories(src.resolve("tmps/sub"));
    Files.writeString(src.resolve("tmps/sub/a.tmp"), "left out by the filter");
    Files.createDirectories(src.resolve("chain/to"));
    Files.writeString(src.resolve("chain/to/file"), "kept");
    String[][] cases = {{"-m"}, {"-m", "--exclude=*.tmp"}, {"-mn", "--exclude=*.tmp"}};
    for (String[] opts : cases) {
      String what = String.join(" ", opts);
      Path theirs = Files.createDirectories(tmp.resolve("theirs" + opts.length + opts[0]));
      Path ours = Files.createDirectories(tmp.resolve("ours" + opts.length + opts[0]));
      Both.run(opts, src + "/", theirs, ours).sameChanges(what);
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), what + ": the trees");
      assertFalse(Files.exists(ours.resolve("empty")), what);
    }
    assertTrue(Files.isRegularFile(tmp.resolve("ours1-m/chain/to/file")));
    assertTrue(Files.exists(tmp.resolve("ours1-m/tmps/sub/a.tmp")));
    assertFalse(Files.exists(tmp.resolve("ours2-m/tmps")), "only a filtered file: not made");
  }

  /**
   * rsync's comparison, with options that leave out what each tool gives its own way (directory
   * times: -O; directory modes: --chmod=D700 with ours made 0700).
   */
  private static List<String> differences(Path a, Path b, String... leaveOut) {
    List<String> cmd = new java.util.ArrayList<>(List.of("rsync", "-aniHAX", "--delete"));
    cmd.addAll(List.of(leaveOut));
    cmd.addAll(List.of(a + "/", b + "/"));
    String out = Shell.run(cmd.toArray(new String[0])).check().stdout();
    return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
  }

  /** rsync -aHAXi and fxcp -ai with the same options and sources, each into its own target. */
  private record Both(Shell.Result rsync, FxcpCommandTest.Run fxcp) {
    /**
     * @param source appended to {@code options} (null: the options name the sources)
     */
    static Both run(String[] options, String source, Path theirs, Path ours) {
      List<String> args = new java.util.ArrayList<>(List.of(options));
      if (source != null) {
        args.add(source);
      }
      List<String> rsync = new java.util.ArrayList<>(List.of("rsync", "-aHAXi"));
      rsync.addAll(args);
      rsync.add(theirs + "/");
      List<String> fxcp = new java.util.ArrayList<>(List.of("-ai"));
      fxcp.addAll(args);
      fxcp.add(ours + "/");
      return new Both(
          Shell.run(rsync.toArray(new String[0])),
          FxcpCommandTest.fxcp(fxcp.toArray(new String[0])));
    }

    /**
     * Both succeeded and itemized the same changes (directory times aside).
     *
     * @return fxcp's run
     */
    FxcpCommandTest.Run sameChanges(String what) {
      assertEquals(0, rsync.exitCode(), what + ": " + rsync.stderr());
      assertEquals(0, fxcp.exit(), what + ": " + fxcp.err());
      assertEquals(sortedLines(rsync.stdout()), sortedLines(fxcp.out()), what);
      return fxcp;
    }
  }

  private static String sortedLines(String out) {
    // directory times: rsync sets them later; "created directory": rsync's note, not an itemized
    // change
    return out.lines()
        .filter(
            l ->
                !l.startsWith(".d")
                    && !l.startsWith("created directory")
                    && !l.startsWith("cannot delete non-empty directory"))
        .sorted()
        .toList()
        .toString();
  }

  private static long countFiles(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  /**
   * -x: a filesystem mounted inside the source is not walked; its mount point is made, empty, as
   * rsync makes it.
   */
  @Test
  void oneFileSystemStopsAtMountPointsAsRsync() throws IOException {
    Prerequisites.requireRoot("mounting a tmpfs inside the source");
    Path mnt = Files.createDirectories(src.resolve("mnt"));
    Shell.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()).check();
    try {
      Files.writeString(mnt.resolve("on-another-fs"), "not copied under -x");
      Path theirs = tmp.resolve("theirs");
      Path ours = tmp.resolve("ours");
      String rsyncLines =
          sortedLines(Shell.run("rsync", "-aHAXix", src + "/", theirs + "/").check().stdout());
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-aix", src + "/", ours + "/");
      assertEquals(0, r.exit(), r.err());
      assertEquals(rsyncLines, sortedLines(r.out()));
      assertTrue(
          Files.isDirectory(ours.resolve("mnt"))
              && !Files.exists(ours.resolve("mnt/on-another-fs")));
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours));
      // and without -x it is walked like any directory
      assertEquals(0, FxcpCommandTest.fxcp("-a", src + "/", tmp.resolve("all").toString()).exit());
      assertEquals("not copied under -x", Files.readString(tmp.resolve("all/mnt/on-another-fs")));
    } finally {
      Shell.run("umount", mnt.toString()).check();
    }
  }

  /**
   * nfs:// targets run on the same engine, so rsync's planning options work there (the copier
   * contract checks them on ganesha); what the target cannot do is refused before it is even
   * reached (port 1: nothing listens), with one line and exit 2.
   */
  @Test
  void optionsAnNfsTargetCannotHonourAreRefusedBeforeItIsReached() {
    for (String opt :
        new String[] {
          "--fsync",
          "--checksum",
          "--generate-sigs",
          "--inplace",
          "--copy-method=reflink",
          "--sparse=never",
          "--backup-dir=b",
          "--link-dest=l"
        }) {
      FxcpCommandTest.Run r =
          FxcpCommandTest.fxcp("-a", opt, src + "/", "nfs://127.0.0.1:1/export/x");
      assertEquals(2, r.exit(), opt);
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains("is not supported for this target; drop it"), r.err());
    }
  }

  /**
   * --remove-source-files beside rsync's on identical sources and targets: the same source names go
   * (files, symlinks, specials, every name of a hard-link group, files already up to date),
   * directories stay, and the targets come out the same. A dry run removes nothing.
   */
  @Test
  void removeSourceFilesAsRsync() throws IOException {
    Files.writeString(src.resolve("dir/old"), "same");
    Files.createLink(src.resolve("hard"), src.resolve("x"));
    Shell.run("mkfifo", src.resolve("fifo").toString()).check();
    Path theirsSrc = tmp.resolve("theirs-src");
    Path theirs = tmp.resolve("theirs");
    Path ours = tmp.resolve("ours");
    Shell.run("cp", "-a", src.toString(), theirsSrc.toString()).check();
    for (Path t : List.of(theirs, ours)) { // one file already there and up to date
      Files.createDirectories(t.resolve("dir"));
      Shell.run("cp", "-a", src + "/dir/old", t + "/dir/old").check();
    }
    FxcpCommandTest.Run dry =
        FxcpCommandTest.fxcp("-an", "--remove-source-files", src + "/", ours.toString());
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(Files.exists(src.resolve("x")), "a dry run removes nothing");

    Shell.run("rsync", "-aHAX", "--remove-source-files", theirsSrc + "/", theirs.toString())
        .check();
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp("-a", "--remove-source-files", src + "/", ours.toString());
    assertEquals(0, r.exit(), r.err());
    List<String> left = Shell.run(src, "find", ".").check().stdout().lines().sorted().toList();
    assertEquals(
        Shell.run(theirsSrc, "find", ".").check().stdout().lines().sorted().toList(),
        left,
        "the same source names are left");
    assertEquals(List.of(".", "./dir"), left, "only directories stay");
    assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours));
  }

  /**
   * --chmod beside rsync's: the same rules on the same tree (files and directories of many modes,
   * setuid and setgid among them) give the same modes, with -p (the target gets them) and without
   * (new entries get them less the umask).
   */
  @Test
  void chmodAsRsync() throws IOException {
    Path modes = Files.createDirectories(tmp.resolve("modes"));
    String[][] entries = {
      {"d755", "755"}, {"d700", "700"}, {"d2775", "2775"}, {"d755/f644", "644"},
      {"d755/f755", "755"}, {"d700/f600", "600"}, {"d2775/f4755", "4755"}, {"f640", "640"},
      {"f2750", "2750"}, {"f1777", "1777"}
    };
    for (String[] e : entries) {
      Path p = modes.resolve(e[0]);
      if (e[0].startsWith("d") && !e[0].contains("/")) {
        Files.createDirectories(p);
      } else {
        Files.writeString(p, e[0]);
      }
    }
    for (int i = entries.length - 1; i >= 0; i--) { // files first, then their directories
      Shell.run("chmod", entries[i][1], modes.resolve(entries[i][0]).toString()).check();
    }
    List<String> rules =
        List.of(
            "D2775,F664",
            "Dg+s,ug+w,Fo-w,+X",
            "u+x",
            "go-rwx",
            "a=r",
            "a=rX",
            "+X",
            "o+t",
            "u=rw,g=r,o=",
            "g+s",
            "F600",
            "ug=rwX",
            "-w",
            "=r",
            "u-s,g-s",
            "a+s",
            "o+s",
            "u+s",
            "a+t,u+t",
            "a-x",
            "a=",
            "0",
            "Fu+x,Dg-x");
    int n = 0;
    for (String r : rules) {
      for (String perms : List.of("-rp", "-r")) {
        Path theirs = tmp.resolve("chmod-theirs-" + n);
        Path ours = tmp.resolve("chmod-ours-" + n++);
        Shell.run("rsync", perms, "--chmod=" + r, modes + "/", theirs.toString()).check();
        FxcpCommandTest.Run f =
            FxcpCommandTest.fxcp(perms, "--chmod=" + r, modes + "/", ours.toString());
        assertEquals(0, f.exit(), r + ": " + f.err());
        assertEquals(modesOf(theirs), modesOf(ours), perms + " --chmod=" + r);
      }
    }
    assertEquals(modesOf(tmp.resolve("chmod-theirs-0")).size(), entries.length + 1);

    // what rsync refuses, fxcp refuses, with one line naming the item
    assertNotEquals(
        0, Shell.run("rsync", "-r", "--chmod=g+w-x", src + "/", tmp + "/r2").exitCode());
    FxcpCommandTest.Run two = FxcpCommandTest.fxcp("-a", "--chmod=g+w-x", src + "/", tmp + "/bad");
    assertEquals(
        List.of(
            "fxcp: --chmod item 'g+w-x': one operator per item: split it at the second one with a"
                + " comma"),
        two.errLines());
    FxcpCommandTest.Run bad = FxcpCommandTest.fxcp("-a", "--chmod=u+z", src + "/", tmp + "/bad");
    assertEquals(2, bad.exit());
    assertEquals(
        List.of("fxcp: --chmod item 'u+z': 'z' is not one of r, w, x, X, s, t"), bad.errLines());
    assertFalse(Files.exists(tmp.resolve("bad")));
  }

  private static List<String> modesOf(Path root) {
    return Shell.run(root, "find", ".", "-exec", "stat", "-c", "%n %a", "{}", "+")
        .check()
        .stdout()
        .lines()
        .sorted()
        .toList();
  }

  @Test
  void lettersComposeWithoutArchive() {
    sameAsRsync("-rlt", "-rlt");
    sameAsRsync("-rlptgoD", "-rlptgoD");
  }

  @Test
  void aDirectoryWithoutRecursionIsAnError() {
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp(src.resolve("dir").toString(), tmp.resolve("dst").toString());
    assertEquals(2, r.exit(), "nothing copied: " + r.err());
    assertTrue(r.err().contains("is a directory; omitted (give -r or -a"), r.err());
  }

  @Test
  void aNewTargetOnAReadOnlyFilesystemIsNothingDoneNamingThePath() {
    Path ro =
        io.foxing.testkit.LoopFilesystems.get(
            io.foxing.testkit.LoopFilesystems.Kind.TMPFS, "cli-ro");
    Shell.run("mount", "-o", "remount,ro", ro.toString()).check();
    try {
      FxcpCommandTest.Run r =
          FxcpCommandTest.fxcp("-a", src.toString(), ro.resolve("new").toString());
      assertEquals(2, r.exit(), r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(
          r.err().contains(ro.resolve("new") + ": mkdir failed: Read-only file system (EROFS)"),
          r.err());
    } finally {
      Shell.run("mount", "-o", "remount,rw", ro.toString()).check();
    }
  }

  @Test
  void hostColonPathIsRefusedNotMadeALocalDirectory() {
    Path cwd = tmp;
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-a", src + "/", "backuphost:dst");
    assertEquals(2, r.exit());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("backuphost:dst: HOST:PATH is a remote shell path"), r.err());
    assertFalse(Files.exists(cwd.resolve("backuphost:dst")));
    assertTrue(
        Fxcp.isRemoteShellPath("host:/x")
            && !Fxcp.isRemoteShellPath("./host:x")
            && !Fxcp.isRemoteShellPath("/a/b:c")
            && !Fxcp.isRemoteShellPath("nfs://h/e")
            && !Fxcp.isRemoteShellPath("plain"));
  }
}
