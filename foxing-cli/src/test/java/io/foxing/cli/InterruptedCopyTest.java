// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fxcp killed with SIGKILL at a random moment leaves no damage: the target holds only complete
 * files and temporaries, and the next run finishes the copy and removes the temporaries.
 */
class InterruptedCopyTest {
  @TempDir Path tmp;

  @Test
  void aKilledCopyIsFinishedByTheNextRun() throws Exception {
    Prerequisites.requireCommand("rsync");
    Path src = tmp.resolve("src");
    // 400 files of 256 KiB in 20 directories: long enough to be interrupted mid-way
    Shell.bash(
            "mkdir -p \"$1\" && cd \"$1\" && for d in $(seq 20); do mkdir d$d; for f in $(seq 20); do head -c 262144 /dev/urandom > d$d/f$f; done; done",
            src.toString())
        .check();
    Path dst = tmp.resolve("dst");
    Random rnd = new Random(42);
    for (int attempt = 0; attempt < 3; attempt++) {
      Process p = start("-a", "--threads", "2", src + "/", dst.toString());
      // wait until the copy is under way, then kill it a random few milliseconds later
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (entries(dst) < 10 + attempt * 60 && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      Thread.sleep(rnd.nextInt(20));
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      if (attempt == 0) {
        assertTrue(
            !Oracles.rsyncDifferences(src, dst).isEmpty(),
            "the first run must really have been interrupted");
      }
    }
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-a", src + "/", dst.toString());
    assertEquals(0, r.exit(), r.err());
    Oracles.assertFaithful(src, dst);
    assertEquals(
        "",
        Shell.run("find", dst.toString(), "-name", ".fxcp~*").check().stdout(),
        "no temporaries left");
  }

  /**
   * With -P a large file killed mid-copy is kept under its marked temporary name, never its own,
   * and the next run continues it from the last recorded step instead of copying it again.
   */
  @Test
  void aKilledResumableCopyContinuesFromItsLastRecord() throws Exception {
    Prerequisites.requireCommand("rsync");
    Path src = java.nio.file.Files.createDirectories(tmp.resolve("src"));
    Shell.bash("head -c 1G /dev/urandom > \"$1\"/big", src.toString()).check();
    Path dst = tmp.resolve("dst");
    Path temp = dst.resolve(io.foxing.posix.Temporaries.PARTIAL_PREFIX + "big");
    long recorded = 0;
    for (int attempt = 0; attempt < 3 && recorded == 0; attempt++) {
      Shell.run("rm", "-rf", dst.toString()).check();
      Process p = start("-aP", src + "/", dst.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (p.isAlive() && System.nanoTime() < deadline && (recorded = done(temp)) == 0) {
        Thread.sleep(1);
      }
      p.destroyForcibly(); // SIGKILL, right after the first record
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      recorded = done(temp); // the copy went on a little before the kill landed
    }
    assertTrue(recorded > 0, "a run was killed after recording progress");
    assertTrue(
        !java.nio.file.Files.exists(dst.resolve("big")), "never under its own name unfinished");
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-aP", "--json", src + "/", dst.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\"resumed\":1"), r.out());
    assertTrue(
        r.out().contains("\"bytes_copied\":" + ((1L << 30) - recorded)),
        "only what was not recorded moved: " + r.out());
    Oracles.assertFaithful(src, dst);
    assertTrue(!java.nio.file.Files.exists(temp));
  }

  /** The bytes a resumable temporary's record says are on disk; 0 if there is none (yet). */
  private static long done(Path temp) {
    try {
      var v =
          java.nio.file.Files.getFileAttributeView(
              temp, java.nio.file.attribute.UserDefinedFileAttributeView.class);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.size("foxing.tmp"));
      v.read("foxing.tmp", b);
      io.foxing.posix.Temporaries.Resume r = io.foxing.posix.Temporaries.Resume.decode(b.array());
      return r == null ? 0 : r.done();
    } catch (java.io.IOException e) {
      return 0; // not there yet
    }
  }

  private static long entries(Path dir) {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
      return s.count();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0; // not there yet, or changing under us
    }
  }

  /** fxcp in a JVM of its own, to be killed. */
  private static Process start(String... args) throws java.io.IOException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.addAll(List.of(javaBin(), "-cp", System.getProperty("java.class.path")));
    cmd.add(Fxcp.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
