// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.file.Path;
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
      Process p =
          new ProcessBuilder(
                  javaBin(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Fxcp.class.getName(),
                  "-a",
                  "--threads",
                  "2",
                  src + "/",
                  dst.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
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

  private static long entries(Path dir) {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
      return s.count();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0; // not there yet, or changing under us
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
