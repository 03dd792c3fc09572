package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.copy.testing.Oracles;
import io.foxing.copy.testing.Prerequisites;
import io.foxing.copy.testing.Shell;
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
    assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), flags + " vs rsync " + rsyncFlags);
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
    assertFalse(Files.exists(dst.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "-r alone skips symlinks, as rsync");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dst.resolve("x"))),
        "an existing file keeps its permissions without -p");
    // the rest (new files' modes under the umask) as rsync left its copy; times are not kept by either
    assertEquals(List.of(), Shell.run("rsync", "-rlpgoDni", "--size-only", theirs + "/", dst + "/").check().stdout().lines().toList());
  }

  /** rsync -aHAXi and fxcp -ai on the same changes print the same lines (rsync's "created directory" aside). */
  @Test
  void itemizeIsRsyncsCharacterForCharacter() throws IOException {
    Prerequisites.requireCommand("setfattr");
    Path ours = tmp.resolve("ours");
    Path theirs = tmp.resolve("theirs");
    java.util.function.Supplier<List<String>> both = () -> List.of(
        String.join("\n", Shell.run("rsync", "-aHAXi", src + "/", theirs + "/").check().stdout().lines()
            .filter(l -> !l.startsWith("created directory")).sorted().toList()),
        String.join("\n", FxcpCommandTest.fxcp("-ai", src + "/", ours + "/").out().lines().sorted().toList()));
    List<String> first = both.get();
    assertTrue(first.get(0).contains("cd+++++++++ ./"), first.get(0));
    assertEquals(first.get(0), first.get(1), "a new tree");
    Files.writeString(src.resolve("x"), "longer x");
    Files.setPosixFilePermissions(src.resolve("x"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(src.resolve("dir/f"), "changed f");
    Shell.run("setfattr", "-n", "user.note", "-v", "1", src.resolve("dir/f").toString()).check();
    for (String f : new String[] {"x", "dir/f"}) { // a later second: rsync compares whole seconds, fxcp nanoseconds
      Files.setLastModifiedTime(src.resolve(f), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    }
    List<String> changed = both.get();
    assertTrue(changed.get(0).contains(">f.stp..... x") && changed.get(0).contains(">f.st.....x dir/f"), changed.get(0));
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
    Files.setLastModifiedTime(dst.resolve("x"), java.nio.file.attribute.FileTime.fromMillis(now + 60_000));
    Files.setLastModifiedTime(src.resolve("x"), java.nio.file.attribute.FileTime.fromMillis(now));
    Files.createDirectories(dst.resolve("dir"));
    Files.writeString(dst.resolve("dir/f"), "F"); // same size as src/dir/f, a second older
    Files.setLastModifiedTime(src.resolve("dir/f"), java.nio.file.attribute.FileTime.fromMillis(now));
    Files.setLastModifiedTime(dst.resolve("dir/f"), java.nio.file.attribute.FileTime.fromMillis(now - 1000));
    Files.writeString(src.resolve("only-in-src"), "new");
    for (String opt : new String[] {"-u", "--existing", "--ignore-existing", "--size-only", "-I", "--modify-window=2"}) {
      Path theirs = tmp.resolve("theirs" + opt);
      Path ours = tmp.resolve("ours" + opt);
      Shell.run("cp", "-a", dst.toString(), theirs.toString()).check();
      Shell.run("cp", "-a", dst.toString(), ours.toString()).check();
      String rsyncLines = Shell.run("rsync", "-aHAXi", opt, src + "/", theirs + "/").check().stdout().lines()
          .filter(l -> !l.startsWith(".d")).sorted().toList().toString(); // directory times: rsync sets them later
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-ai", opt, src + "/", ours + "/");
      assertEquals(0, r.exit(), opt + ": " + r.err());
      assertEquals(rsyncLines, r.out().lines().filter(l -> !l.startsWith(".d")).sorted().toList().toString(), opt);
      // with a window, rsync leaves a new symlink's time unset when it is within it (fxcp sets it): compared within it
      List<String> differences = opt.startsWith("--modify-window")
          ? Shell.run("rsync", "-aniHAX", "--delete", opt, theirs + "/", ours + "/").check().stdout().lines().toList()
          : Oracles.rsyncDifferences(theirs, ours);
      assertEquals(List.of(), differences, opt + ": the trees");
    }
    FxcpCommandTest.Run both = FxcpCommandTest.fxcp("-a", "--size-only", "-I", src + "/", tmp.resolve("z").toString());
    assertEquals(2, both.exit());
    assertEquals("fxcp: --size-only and --ignore-times contradict each other: choose one\n", both.err());
  }

  /** The NFS target has its own loop until the one-engine work: options it cannot honour are refused, never ignored. */
  @Test
  void planningOptionsAreRefusedForNfsTargetsBeforeAnythingIsWritten() {
    for (String opt : new String[] {"-u", "--existing", "--ignore-existing", "--size-only", "-I", "--modify-window=1"}) {
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-a", opt, src + "/", "nfs://127.0.0.1:1/export/x");
      assertEquals(2, r.exit(), opt);
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains("is not supported for nfs:// targets yet; drop it"), r.err());
    }
  }

  @Test
  void lettersComposeWithoutArchive() {
    sameAsRsync("-rlt", "-rlt");
    sameAsRsync("-rlptgoD", "-rlptgoD");
  }

  @Test
  void aDirectoryWithoutRecursionIsAnError() {
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp(src.resolve("dir").toString(), tmp.resolve("dst").toString());
    assertEquals(2, r.exit(), "nothing copied: " + r.err());
    assertTrue(r.err().contains("is a directory; omitted (give -r or -a"), r.err());
  }

  @Test
  void aNewTargetOnAReadOnlyFilesystemIsNothingDoneNamingThePath() {
    Path ro = io.foxing.copy.testing.LoopFilesystems.get(io.foxing.copy.testing.LoopFilesystems.Kind.TMPFS, "cli-ro");
    Shell.run("mount", "-o", "remount,ro", ro.toString()).check();
    try {
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-a", src.toString(), ro.resolve("new").toString());
      assertEquals(2, r.exit(), r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(r.err().contains(ro.resolve("new") + ": mkdir failed: Read-only file system (EROFS)"), r.err());
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
    assertTrue(Fxcp.isRemoteShellPath("host:/x") && !Fxcp.isRemoteShellPath("./host:x")
        && !Fxcp.isRemoteShellPath("/a/b:c") && !Fxcp.isRemoteShellPath("nfs://h/e") && !Fxcp.isRemoteShellPath("plain"));
  }
}
