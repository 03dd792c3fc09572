// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.FilterRules;
import io.foxing.api.Preserve;
import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Directory records: a resync leaves the entries of a directory alone only when nothing in it
 * changed on either side. Every change below is one a quick check of sizes and mtimes alone would
 * miss or that only the target shows; after each, rsync must find the target faithful again and
 * exactly the changed directory must have been examined entry by entry.
 */
class DirRecordsTest {
  private static final CopyOptions SIGNED =
      CopyOptions.builder().generateSignatures(true).delete(true).build();

  private Path src;
  private Path dst;
  private long dirs;

  @BeforeEach
  void tree() throws IOException {
    src = LoopFilesystems.freshDir(LoopFilesystems.Kind.BTRFS, "a", "records-src");
    dst = LoopFilesystems.get(LoopFilesystems.Kind.XFS, "a").resolve("records-dst");
    Shell.run("rm", "-rf", dst.toString()).check();
    Shell.bash(
            "cd \"$1\" && mkdir -p a b/c/d && echo one > a/f1 && echo two > a/f2 && ln -s f1 a/l"
                + " && echo deep > b/c/d/g && echo top > h && echo linked > b/x && ln b/x b/c/y"
                + " && setfattr -n user.k -v v a/f2 && head -c 2000000 /dev/urandom > b/big",
            src.toString())
        .check();
    try (Stream<Path> s = Files.walk(src)) {
      dirs = s.filter(Files::isDirectory).count();
    }
    settle();
    CopyReport first = copy(SIGNED);
    assertEquals(List.of(), first.failures());
    assertEquals(0, first.directoriesUnchanged(), "no records yet");
    assertFaithful();
  }

  /**
   * Entries changed within the last 50 ms get no record (their ctime might repeat): let changes
   * age.
   */
  private static void settle() {
    try {
      Thread.sleep(120);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private CopyReport copy(CopyOptions options) throws IOException {
    return SmartCopier.to(dst.toString(), options).copy(List.of(src + "/"), CopyListener.NONE);
  }

  private void assertFaithful() {
    String diff =
        Shell.run(
                "rsync",
                "-aniHAX",
                "--delete",
                "--filter=-x user.foxing.*",
                "--filter=-x trusted.SGI_ACL_*",
                "--exclude=.foxing_meta/",
                src + "/",
                dst + "/")
            .check()
            .stdout();
    assertEquals("", diff, "rsync -aniHAX --delete finds the target different");
  }

  /**
   * Runs again after {@code change} (a shell script run in the tree's parent) and checks what was
   * examined.
   */
  private CopyReport afterChange(String change, long examined) throws IOException {
    Shell.bash(
            "cd \"$1\" && " + change,
            src.getParent().toString(),
            src.getFileName().toString(),
            dst.toString())
        .check();
    settle();
    CopyReport r = copy(SIGNED);
    assertEquals(List.of(), r.failures(), change);
    assertEquals(dirs - examined, r.directoriesUnchanged(), change + ": directories left alone");
    assertFaithful();
    return r;
  }

  @Test
  void anUnchangedTreeIsTrustedDirectoryByDirectory() throws IOException {
    for (Path d : List.of(dst, dst.resolve("a"), dst.resolve("b/c/d"))) {
      String attr =
          Shell.run("getfattr", "--only-values", "-n", "user.foxing.dir", d.toString())
              .check()
              .stdout();
      assertTrue(attr.startsWith("FXDR"), d + " carries a record");
    }
    CopyReport plain = copy(CopyOptions.builder().build());
    assertEquals(dirs, plain.directoriesUnchanged(), "a later plain fxcp -a uses the records too");
    assertEquals(0, plain.filesCopied());
    assertEquals(0, plain.metadataUpdated());
    assertEquals(
        6,
        plain.filesUpToDate(),
        "f1, f2, g, h, big left alone, and the first of the hard-linked pair checked");
    assertEquals(
        0,
        copy(CopyOptions.builder().checksum(true).build()).directoriesUnchanged(),
        "--checksum compares contents");
    assertFaithful();
  }

  @Test
  void aChangeOnEitherSideIsSeen() throws IOException {
    // target side: changes a size-and-mtime check cannot see
    afterChange("chmod 600 \"$3/a/f1\"", 1);
    afterChange("setfattr -n user.planted -v 1 \"$3/b/c/d/g\"", 1);
    afterChange("setfattr -x user.k \"$3/a/f2\"", 1);
    afterChange("rm \"$3/h\"", 1);
    afterChange("echo stray > \"$3/b/c/stray\"", 1);
    afterChange("rm \"$3/a/l\" && ln -s f2 \"$3/a/l\" && touch -h -r \"$2/a/l\" \"$3/a/l\"", 1);
    afterChange("chown 1:1 \"$3/b/big\"", 1);
    // a sidecar signature removed: the file's own ctime does not move, the sidecar directory's
    // mtime does
    afterChange("rm \"$3/b/.foxing_meta/big.fxsig\"", 1);
    assertTrue(Files.exists(dst.resolve("b/.foxing_meta/big.fxsig")), "big signed again");
    // source side
    afterChange("setfattr -n user.new -v 2 \"$2/a/f1\"", 1);
    afterChange("chmod 640 \"$2/h\"", 1);
    // names: one directory gains an entry, and the parent of a new directory lists a new name
    afterChange("echo new > \"$2/b/c/d/n\"", 1);
    dirs++;
    afterChange("mkdir \"$2/b/e\"", 2);
    // contents of a large file: a delta copy inside an otherwise trusted tree
    CopyReport delta =
        afterChange("printf X | dd of=\"$2/b/big\" bs=1 seek=4096 conv=notrunc status=none", 1);
    assertEquals(1, delta.deltaFiles());
    // and with nothing changed, everything is trusted again
    assertEquals(dirs, copy(SIGNED).directoriesUnchanged());
  }

  @Test
  void otherOptionsOrAWarningMeanNoShortcut() throws IOException {
    CopyOptions filtered =
        SIGNED.toBuilder().filters(FilterRules.builder().exclude("*.tmp").build()).build();
    assertEquals(
        0, copy(filtered).directoriesUnchanged(), "filters shape the target: other records");
    assertEquals(
        dirs, copy(filtered).directoriesUnchanged(), "and those hold for the next run with them");

    // a warning anywhere (a FIFO not copied in a/) means no record for any directory open
    // meanwhile:
    // a/ itself, and its ancestor, the root, whose own entries all look copied
    Shell.bash("mkfifo \"$1/a/fifo\"", src.toString()).check();
    settle();
    EnumSet<Preserve> noSpecials = EnumSet.copyOf(SIGNED.preserve());
    noSpecials.remove(Preserve.SPECIALS);
    CopyOptions withoutSpecials = SIGNED.toBuilder().preserve(noSpecials).build();
    assertEquals(0, copy(withoutSpecials).directoriesUnchanged(), "other options");
    long trusted = copy(withoutSpecials).directoriesUnchanged();
    assertTrue(
        trusted <= dirs - 2,
        "a/ and the root were examined again: " + trusted + " of " + dirs + " trusted");
    // without the warning, the same options give records everywhere
    Shell.bash("rm \"$1/a/fifo\"", src.toString()).check();
    settle();
    copy(withoutSpecials);
    assertEquals(dirs, copy(withoutSpecials).directoriesUnchanged());
  }

  @Test
  void aRecordThatCannotBeWrittenIsNoFailure() throws IOException {
    // a/ loses its record and becomes immutable: nothing to copy there, and storing the record
    // fails (EPERM)
    Shell.bash("setfattr -x user.foxing.dir \"$1/a\" && chattr +i \"$1/a\"", dst.toString())
        .check();
    try {
      CopyReport r = copy(SIGNED);
      assertEquals(List.of(), r.failures(), "a record is never worth a failure");
      assertEquals(dirs - 1, r.directoriesUnchanged());
      assertEquals(dirs - 1, copy(SIGNED).directoriesUnchanged(), "a/ is still without a record");
    } finally {
      Shell.run("chattr", "-i", dst.resolve("a").toString()).check();
    }
    assertFaithful();
  }
}
