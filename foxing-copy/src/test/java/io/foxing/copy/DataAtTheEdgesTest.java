// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No data lost at the edges: each test is a way an earlier fxcp destroyed or corrupted a user's
 * file (issue 13's list), reproduced and pinned down. They run unprivileged on any local filesystem
 * with user xattrs (the build's temporary directory).
 */
class DataAtTheEdgesTest {
  @TempDir Path tmp;

  private static CopyReport copy(
      Path target, CopyOptions options, CopyListener listener, String... sources)
      throws IOException {
    return SmartCopier.to(target.toString(), options).copy(List.of(sources), listener);
  }

  private static CopyReport copy(Path target, String... sources) throws IOException {
    return copy(target, CopyOptions.archive(), CopyListener.NONE, sources);
  }

  private static String reasons(CopyReport r) {
    return r.failures().toString();
  }

  @Test
  void aDeltaUpdateNeverWritesIntoAFileSharedWithASnapshot() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    byte[] original = new byte[4 << 20];
    new Random(1).nextBytes(original);
    Files.write(src.resolve("big"), original);
    CopyOptions signed = CopyOptions.builder().generateSignatures(true).build();
    assertEquals(List.of(), copy(dst, signed, CopyListener.NONE, src + "/").failures());
    Path snapshot = Files.createDirectories(tmp.resolve("snapshot"));
    Files.createLink(
        snapshot.resolve("big"), dst.resolve("big")); // cp -al dst snapshot, as rsnapshot does
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("big").toFile(), "rw")) {
      f.seek(1 << 20);
      f.write(new byte[4096]); // one chunk changes: a delta update would write only it
    }
    CopyReport r = copy(dst, signed, CopyListener.NONE, src + "/");
    assertEquals(List.of(), r.failures());
    assertEquals(
        0, r.deltaFiles(), "the target has another link: replaced whole, not written in place");
    assertArrayEquals(
        original,
        Files.readAllBytes(snapshot.resolve("big")),
        "the snapshot keeps the old version");
    assertEquals(-1, Files.mismatch(src.resolve("big"), dst.resolve("big")));
  }

  @Test
  void aNonEmptyDirectoryIsNotReplacedByAFileWithoutDelete() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("x"), "f");
    Files.writeString(src.resolve("e"), "f");
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.createDirectories(dst.resolve("x"));
    Files.writeString(dst.resolve("x/keep"), "keep");
    Files.createDirectories(dst.resolve("e")); // empty: nothing to lose, replaced as rsync does
    CopyReport r = copy(dst, src + "/");
    assertEquals(CopyReport.Status.PARTIAL, r.status());
    assertEquals(1, r.failures().size(), reasons(r));
    assertTrue(
        r.failures().get(0).reason().contains("cannot replace a non-empty directory"), reasons(r));
    assertEquals("keep", Files.readString(dst.resolve("x/keep")));
    assertEquals("f", Files.readString(dst.resolve("e")));

    CopyReport deleting =
        copy(dst, CopyOptions.builder().delete(true).build(), CopyListener.NONE, src + "/");
    assertEquals(List.of(), deleting.failures(), "--delete lets it go with its contents");
    assertEquals("f", Files.readString(dst.resolve("x")));
  }

  @Test
  void aDirectoryIsNeverCopiedIntoItself() throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Files.writeString(a.resolve("x"), "x");
    for (String target : List.of(a.toString(), a + "/")) { // fxcp -a a a; fxcp -a a a/
      CopyReport r =
          SmartCopier.to(target, CopyOptions.archive())
              .copy(List.of(a.toString()), CopyListener.NONE);
      assertEquals(CopyReport.Status.FAILED, r.status(), target);
      assertTrue(reasons(r).contains("cannot copy a directory into itself"), reasons(r));
    }
    CopyReport r = copy(a, a + "/"); // its contents onto itself
    assertEquals(CopyReport.Status.FAILED, r.status());
    assertEquals(
        List.of("x"),
        Shell.run("ls", "-A", a.toString()).stdout().lines().toList(),
        "nothing created");
  }

  @Test
  void aTreeTenThousandLevelsDeepEndsWithACopyOrOneClearLine() throws IOException {
    Prerequisites.requireCommand("python3");
    int depth = 10_000;
    Path src = Files.createDirectories(tmp.resolve("deep"));
    // paths this deep exceed PATH_MAX: built and checked one relative step at a time
    Shell.run(
            "python3",
            "-c",
            "import os,sys\nos.chdir(sys.argv[1])\nfor i in range(int(sys.argv[2])):\n"
                + "    os.mkdir('d'); os.chdir('d')\nopen('leaf', 'w').write('leaf')",
            src.toString(),
            "" + depth)
        .check();
    Path dst = tmp.resolve("deep-copy");
    try {
      deepCopy(src, dst, depth);
    } finally {
      Shell.run("rm", "-rf", src.toString(), dst.toString())
          .check(); // JUnit's own cleanup cannot go this deep
    }
  }

  private static void deepCopy(Path src, Path dst, int depth) throws IOException {
    CopyReport r =
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> copy(dst, src + "/"), "no hang");
    long limit = openFileLimit();
    if (limit > 2L * depth + 1000) {
      assertEquals(List.of(), r.failures(), "room for every level's descriptors: a whole copy");
      String leaf =
          Shell.run(
                  "python3",
                  "-c",
                  "import os,sys\nos.chdir(sys.argv[1])\nfor i in range(int(sys.argv[2])):\n"
                      + "    os.chdir('d')\nprint(open('leaf').read())",
                  dst.toString(),
                  "" + depth)
              .check()
              .stdout()
              .strip();
      assertEquals("leaf", leaf);
    } else {
      assertEquals(1, r.failures().size(), "one failure at the depth where descriptors ran out");
      String reason = r.failures().get(0).reason();
      assertTrue(
          reason.contains("ulimit -n") && reason.length() < 400,
          reason.substring(0, Math.min(400, reason.length())));
    }
  }

  private static long openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    throw new IOException("no open-file limit in /proc/self/limits");
  }

  @Test
  void aFileIsNeverCopiedOntoItself() throws IOException {
    Path foo = tmp.resolve("foo");
    Files.writeString(foo, "XYZ");
    Files.createSymbolicLink(tmp.resolve("link"), Path.of("foo"));
    Files.createLink(tmp.resolve("hard"), foo);
    for (String[] pair :
        new String[][] {{"link", "foo"}, {"hard", "foo"}, {"foo", "hard"}, {"foo", "foo"}}) {
      CopyReport r = copy(tmp.resolve(pair[1]), tmp.resolve(pair[0]).toString());
      assertEquals(CopyReport.Status.FAILED, r.status(), String.join(" onto ", pair));
      assertTrue(reasons(r).contains("are the same file"), reasons(r));
      assertTrue(Files.isRegularFile(foo, java.nio.file.LinkOption.NOFOLLOW_LINKS));
      assertEquals("XYZ", Files.readString(foo));
    }
    Path into = Files.createDirectories(tmp.resolve("into"));
    Files.createLink(into.resolve("foo"), foo);
    CopyReport r = copy(into, foo.toString()); // into a directory holding a hard link of it
    assertTrue(reasons(r).contains("are the same file"), reasons(r));
    assertEquals("XYZ", Files.readString(foo));
  }

  @Test
  void onlyMarkedTemporariesAreRemovedNeverAUsersFileWithTheirName() throws IOException {
    Prerequisites.requireCommand("setfattr");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve(".fxcp~87654321~theirs"), "copied user data");
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(dst.resolve(".fxcp~12345678~mine"), "target-only user data");
    Path leftover = dst.resolve(".fxcp~0badcafe~x");
    Files.writeString(leftover, "half a copy");
    Shell.run("setfattr", "-n", "user.foxing.tmp", "-v", "1", leftover.toString())
        .check(); // as an interrupted run leaves it
    assertEquals(List.of(), copy(dst, src + "/").failures());
    assertEquals("target-only user data", Files.readString(dst.resolve(".fxcp~12345678~mine")));
    assertEquals("copied user data", Files.readString(dst.resolve(".fxcp~87654321~theirs")));
    assertFalse(Files.exists(leftover), "our marked temporary is cleaned up by the next run");

    Files.writeString(leftover, "half a copy");
    Shell.run("setfattr", "-n", "user.foxing.tmp", "-v", "1", leftover.toString()).check();
    List<String> removed = new ArrayList<>();
    assertEquals(1, SmartCopier.cleanup(dst.toString(), removed::add), removed.toString());
    assertFalse(Files.exists(leftover));
    assertTrue(Files.exists(dst.resolve(".fxcp~12345678~mine")));
    assertTrue(Files.exists(dst.resolve(".fxcp~87654321~theirs")));
  }

  @Test
  void aFileRewrittenDuringItsCopyIsCopiedAgainAndReportedIfItKeepsChanging() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path file = src.resolve("log");
    Files.writeString(file, "old contents, version 1");
    AtomicInteger writes = new AtomicInteger();
    CopyListener writerOnce =
        new CopyListener() {
          @Override
          public void fileStart(String path, long size) {
            if (writes.getAndIncrement() == 0) {
              rewrite(file, "new contents, version 2"); // same size: only mtime and ctime tell
            }
          }
        };
    CopyReport r = copy(tmp.resolve("once"), CopyOptions.archive(), writerOnce, src + "/");
    assertEquals(List.of(), r.failures());
    assertEquals(
        "new contents, version 2",
        Files.readString(tmp.resolve("once/log")),
        "copied again, whole");
    Oracles.assertFaithful(src, tmp.resolve("once"));

    // written all the time by another thread: every try sees it change, and nothing torn is
    // published
    byte[] big = new byte[64 << 20];
    Files.write(file, big);
    Path dst = Files.createDirectories(tmp.resolve("always"));
    Files.writeString(dst.resolve("log"), "what the target had");
    Files.setLastModifiedTime(dst.resolve("log"), java.nio.file.attribute.FileTime.fromMillis(0));
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              try (java.nio.channels.FileChannel ch =
                  java.nio.channels.FileChannel.open(
                      file, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                for (long i = 0; !stop.get(); i++) {
                  one.clear().put(0, (byte) i);
                  ch.write(one, (i * 4099) % big.length);
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    writer.start();
    CopyReport busy;
    try {
      busy = copy(dst, CopyOptions.archive(), CopyListener.NONE, src + "/");
    } finally {
      stop.set(true);
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    assertEquals(CopyReport.Status.PARTIAL, busy.status());
    assertTrue(reasons(busy).contains("file changed as we read it"), reasons(busy));
    assertEquals(
        "what the target had",
        Files.readString(dst.resolve("log")),
        "no mix of versions published");
  }

  /** Rewrites a file in place, the way an editor without rename does. */
  private static void rewrite(Path file, String contents) {
    try {
      Files.writeString(file, contents);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void signatureStateIsNeverTakenFromTheSourceNorBlocksOnAFifo() throws IOException {
    Prerequisites.requireCommand("mkfifo");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "data");
    Files.createDirectories(src.resolve(".foxing_meta"));
    Shell.run("mkfifo", src.resolve(".foxing_meta/f.fxsig").toString()).check();
    Path dst = tmp.resolve("dst");
    CopyOptions signed = CopyOptions.builder().generateSignatures(true).build();
    assertTimeoutPreemptively(
        Duration.ofSeconds(60), () -> copy(dst, signed, CopyListener.NONE, src + "/"));
    assertFalse(
        Files.exists(dst.resolve(".foxing_meta/f.fxsig")),
        "the source's signature state is not copied");

    // planted on the target itself: read without blocking, and not trusted
    Files.createDirectories(dst.resolve(".foxing_meta"));
    Shell.run("setfattr", "-x", "user.foxing.sig", dst.resolve("f").toString());
    Shell.run("mkfifo", dst.resolve(".foxing_meta/f.fxsig").toString()).check();
    CopyReport r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60), () -> copy(dst, signed, CopyListener.NONE, src + "/"));
    assertEquals(List.of(), r.failures());
    assertEquals("data", Files.readString(dst.resolve("f")));
  }

  /**
   * ramfs has no extended attributes: temporaries cannot be marked, and replacing files must still
   * work.
   */
  @Test
  void filesAreReplacedOnAFilesystemWithoutExtendedAttributes() throws IOException {
    Path dst =
        io.foxing.testkit.LoopFilesystems.freshDir(
            io.foxing.testkit.LoopFilesystems.Kind.RAMFS, "edges", "replace");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "first");
    CopyOptions contents =
        CopyOptions.builder()
            .preserve(
                java.util.EnumSet.of(io.foxing.api.Preserve.TIMES, io.foxing.api.Preserve.MODE))
            .build();
    assertEquals(List.of(), copy(dst, contents, CopyListener.NONE, src + "/").failures());
    Files.writeString(
        src.resolve("f"), "second, longer"); // replaced under a temporary name, renamed over
    CopyReport r = copy(dst, contents, CopyListener.NONE, src + "/");
    assertEquals(List.of(), r.failures());
    assertEquals("second, longer", Files.readString(dst.resolve("f")));
  }

  /**
   * -I with --inplace over a hard-linked snapshot of the same files: nothing to copy, nothing
   * truncated.
   */
  @Test
  void aTargetThatIsTheSourceFileIsNeverWrittenEvenWithIgnoreTimesAndInplace() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(src.resolve("f"), "precious");
    Path snap = tmp.resolve("snap");
    Shell.run("cp", "-al", src.toString(), snap.toString())
        .check(); // every name in snap is the same inode
    CopyReport r =
        copy(
            snap,
            CopyOptions.builder().ignoreTimes(true).inplace(true).build(),
            CopyListener.NONE,
            src + "/");
    assertEquals(List.of(), r.failures());
    assertEquals(0, r.filesCopied());
    assertEquals("precious", Files.readString(src.resolve("f")));
  }

  /**
   * -x stops at mount points on the target side too: --delete never reaches into another filesystem
   * there.
   */
  @Test
  void oneFileSystemNeverDeletesInsideAFilesystemMountedOnTheTarget() throws IOException {
    Prerequisites.requireRoot("mounting a tmpfs inside the target");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/a"), "a");
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path sub = Files.createDirectories(dst.resolve("sub"));
    Shell.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", sub.toString()).check();
    try {
      Files.writeString(sub.resolve("on-the-backup-disk"), "keep");
      CopyReport r =
          copy(
              dst,
              CopyOptions.builder().delete(true).oneFileSystem(true).build(),
              CopyListener.NONE,
              src + "/");
      assertEquals(List.of(), r.failures());
      assertEquals("keep", Files.readString(sub.resolve("on-the-backup-disk")));
      assertFalse(Files.exists(sub.resolve("a")), "not walked either");
    } finally {
      Shell.run("umount", sub.toString()).check();
    }
  }

  /**
   * -I looks at every file again: a directory record from --generate-sigs does not let it skip any.
   */
  @Test
  void ignoreTimesIsNotShortCutByDirectoryRecords() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(src.resolve("f" + i), "f" + i);
    }
    Thread.sleep(200); // entries changed within 50 ms of a listing get no record (DirRecords.racy)
    Path dst = tmp.resolve("dst");
    CopyOptions signed = CopyOptions.builder().generateSignatures(true).ignoreTimes(true).build();
    assertEquals(5, copy(dst, signed, CopyListener.NONE, src + "/").filesCopied());
    CopyReport again = copy(dst, signed, CopyListener.NONE, src + "/");
    assertEquals(0, again.directoriesUnchanged());
    assertEquals(5, again.filesCopied(), "-I copies every file again");
  }

  @Test
  void aUsersOwnUserFoxingAttributesAreCopied() throws IOException {
    Prerequisites.requireCommand("setfattr");
    Prerequisites.requireCommand("rsync");
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "data");
    Shell.run("setfattr", "-n", "user.foxing.test", "-v", "mine", src.resolve("f").toString())
        .check();
    Shell.run(
            "setfattr",
            "-n",
            "user.foxing.signature-of-my-own",
            "-v",
            "also mine",
            src.resolve("f").toString())
        .check();
    Path dst = tmp.resolve("dst");
    assertEquals(List.of(), copy(dst, src + "/").failures());
    assertEquals(
        "mine",
        Shell.run(
                "getfattr", "--only-values", "-n", "user.foxing.test", dst.resolve("f").toString())
            .check()
            .stdout());
    Oracles.assertFaithful(src, dst);
  }
}
