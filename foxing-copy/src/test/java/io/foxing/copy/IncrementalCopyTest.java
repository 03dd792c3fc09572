// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.FilterRules;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-running a copy: what is skipped, what is redone, what --delete and --dry-run do. Needs no
 * root.
 */
class IncrementalCopyTest {
  @TempDir Path tmp;
  Path src;
  Path dst;

  @BeforeEach
  void tree() throws IOException {
    src = tmp.resolve("src");
    dst = tmp.resolve("dst");
    Files.createDirectories(src.resolve("sub/deeper"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.writeString(src.resolve("sub/b.log"), "bravo");
    Files.writeString(src.resolve("sub/deeper/c.txt"), "charlie");
    Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
  }

  private CopyReport copy(CopyOptions options) throws IOException {
    return SmartCopier.to(dst.toString(), options).copy(List.of(src + "/"), CopyListener.NONE);
  }

  private static CopyOptions.Builder archive() {
    return CopyOptions.builder();
  }

  @Test
  void unchangedTreeIsSkippedEntirely() throws IOException {
    CopyReport first = copy(archive().build());
    assertEquals(3, first.filesCopied());
    CopyReport second = copy(archive().build());
    assertEquals(0, second.filesCopied());
    assertEquals(3, second.filesUpToDate());
    assertEquals(0, second.directories());
    assertEquals(0, second.symlinks());
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void grownFileIsCopiedAgain() throws IOException {
    copy(archive().build());
    Files.writeString(src.resolve("sub/b.log"), "bravo bravo");
    CopyReport again = copy(archive().build());
    assertEquals(1, again.filesCopied());
    assertEquals("bravo bravo", Files.readString(dst.resolve("sub/b.log")));
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void sameSizeAndMtimeIsTrustedUnlessChecksumIsAsked() throws IOException {
    copy(archive().build());
    Path f = src.resolve("a.txt");
    FileTime t = Files.getLastModifiedTime(f);
    Files.writeString(f, "ALPHA");
    Files.setLastModifiedTime(f, t);
    assertEquals(0, copy(archive().build()).filesCopied(), "size+mtime match: skipped, like rsync");
    assertEquals("alpha", Files.readString(dst.resolve("a.txt")));
    assertEquals(
        1, copy(archive().checksum(true).build()).filesCopied(), "--checksum reads contents");
    assertEquals("ALPHA", Files.readString(dst.resolve("a.txt")));
  }

  @Test
  void deleteRemovesExtraneousEntriesButProtectsExcludedOnes() throws IOException {
    copy(archive().build());
    Files.writeString(dst.resolve("extra.txt"), "x");
    Files.createDirectories(dst.resolve("extra-dir/inner"));
    Files.writeString(dst.resolve("extra-dir/inner/f"), "x");
    Files.writeString(dst.resolve("kept.log"), "excluded names on the target are protected");

    assertEquals(0, copy(archive().build()).deleted(), "no --delete, nothing deleted");
    assertTrue(Files.exists(dst.resolve("extra.txt")));

    FilterRules rules = FilterRules.builder().exclude("*.log").build();
    CopyReport r = copy(archive().delete(true).filters(rules).build());
    assertFalse(Files.exists(dst.resolve("extra.txt")));
    assertFalse(Files.exists(dst.resolve("extra-dir")));
    assertTrue(Files.exists(dst.resolve("kept.log")));
    assertTrue(
        Files.exists(dst.resolve("sub/b.log")),
        "excluded from the transfer, so not deleted either");
    assertEquals(4, r.deleted(), "extra.txt, extra-dir, extra-dir/inner, extra-dir/inner/f");
  }

  @Test
  void dryRunChangesNothingButReportsWhatItWouldDo() throws IOException {
    Files.createDirectories(dst);
    Files.writeString(dst.resolve("extra.txt"), "x");
    String before = listing(dst);
    CopyReport r = copy(archive().dryRun(true).delete(true).build());
    assertEquals(before, listing(dst));
    assertTrue(r.dryRun());
    assertEquals(3, r.filesCopied());
    assertEquals(1, r.deleted());
    assertEquals(2, r.directories(), "sub and sub/deeper");
  }

  @Test
  void temporariesOfAnInterruptedRunAreRemovedByTheNextRun() throws IOException {
    copy(archive().build());
    Path stale = dst.resolve("sub/.fxcp~0badf00d~b.log");
    Files.writeString(stale, "half-written");
    markedAsOurs(stale);
    Files.writeString(src.resolve("new.txt"), "new");
    copy(archive().build());
    assertFalse(Files.exists(stale));
    assertEquals("new", Files.readString(dst.resolve("new.txt")));
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void cleanupRemovesOnlyTemporaries() throws IOException {
    copy(archive().build());
    Files.writeString(dst.resolve("sub/deeper/.fxcp~12345678~c.txt"), "half");
    markedAsOurs(dst.resolve("sub/deeper/.fxcp~12345678~c.txt"));
    Files.writeString(dst.resolve(".fxcp-not-ours"), "user file");
    Files.writeString(dst.resolve(".fxcp~87654321~unmarked"), "user file named like a temporary");
    List<String> removed = new java.util.ArrayList<>();
    assertEquals(1, SmartCopier.cleanup(dst.toString(), removed::add));
    assertEquals(List.of(dst + "/sub/deeper/.fxcp~12345678~c.txt"), removed);
    assertTrue(Files.exists(dst.resolve(".fxcp-not-ours")));
    assertTrue(Files.exists(dst.resolve(".fxcp~87654321~unmarked")));
  }

  /** The mark fxcp puts on its temporaries while they exist: what an interrupted run leaves. */
  private static void markedAsOurs(Path temporary) {
    Prerequisites.requireCommand("setfattr");
    Shell.run("setfattr", "-n", "user.foxing.tmp", "-v", "1", temporary.toString()).check();
  }

  @Test
  void inplaceKeepsTheTargetInode() throws IOException {
    copy(archive().build());
    long inode = inode(dst.resolve("a.txt"));
    Files.writeString(src.resolve("a.txt"), "alpha, longer");
    copy(archive().inplace(true).build());
    assertEquals(inode, inode(dst.resolve("a.txt")));
    Files.writeString(src.resolve("a.txt"), "alpha, longer still");
    copy(archive().build());
    assertTrue(inode != inode(dst.resolve("a.txt")), "default: temp file renamed over the old one");
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void typeChangesReplaceTheTargetEntryWithoutFollowingIt() throws IOException {
    Path outside = tmp.resolve("outside");
    Files.createDirectories(outside);
    Files.createDirectories(dst);
    Files.createDirectories(dst.resolve("a.txt")); // a directory where the source has a file
    Files.writeString(dst.resolve("link"), "file where the source has a symlink");
    Files.createSymbolicLink(
        dst.resolve("sub"), outside); // a symlink where the source has a directory
    CopyReport r = copy(archive().build());
    assertEquals(List.of(), r.failures());
    assertEquals(
        List.of(),
        Shell.run("ls", "-A", outside.toString()).stdout().lines().toList(),
        "nothing written through the symlink");
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void symlinksInTheSourceAreCopiedNotFollowed() throws IOException {
    Path outside = tmp.resolve("secret");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("key"), "do not copy");
    Files.createSymbolicLink(src.resolve("escape"), outside);
    copy(archive().build());
    assertTrue(Files.isSymbolicLink(dst.resolve("escape")));
    assertEquals(outside, Files.readSymbolicLink(dst.resolve("escape")));
    Oracles.assertFaithful(src, dst);
  }

  private static long inode(Path p) throws IOException {
    return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
  }

  private static String listing(Path dir) {
    return Shell.run(
            "bash",
            "-c",
            "cd \"$1\" && find . -printf '%p %y %s %m %T@\\n' | sort && find . -type f -exec md5sum {} + | sort",
            "bash",
            dir.toString())
        .check()
        .stdout();
  }
}
