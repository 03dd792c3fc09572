// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.merkle.FileSignature;
import io.foxing.merkle.SignatureStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delta copy killed with SIGKILL at a random moment never leaves a target whose signature claims
 * contents it does not have, and the next run makes the target equal to the source.
 */
class DeltaCrashTest {
  @TempDir Path tmp;

  @Test
  void aKilledDeltaNeverLeavesAFalseSignatureAndARerunFinishes() throws Exception {
    Path src = tmp.resolve("src");
    Path dst = tmp.resolve("dst");
    Files.createDirectories(src);
    Random r = new Random(11);
    byte[] data = new byte[64 << 20]; // 8,192 chunks of 8 KiB
    r.nextBytes(data);
    Files.write(src.resolve("big"), data);
    assertEquals(
        0, FxcpCommandTest.fxcp("-a", "--generate-sigs", src + "/", dst.toString()).exit());
    assertTrue(
        SignatureStore.readFresh(dst.resolve("big")).isPresent(),
        "the first copy signs the target");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int round = 0; round < 4; round++) {
      try (RandomAccessFile f = new RandomAccessFile(src.resolve("big").toFile(), "rw")) {
        for (int i = 0; i < 40; i++) { // up to 80 of 8,192 chunks dirty: a delta, not a whole copy
          f.seek((long) r.nextInt(8192) * (8 << 10) + r.nextInt(1000));
          byte[] p = new byte[777];
          r.nextBytes(p);
          f.write(p);
        }
      }
      Process p =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Fxcp.class.getName(),
                  "-a",
                  src + "/",
                  dst.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread.sleep(150 + r.nextInt(500));
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      Optional<FileSignature> claimed = SignatureStore.readFresh(dst.resolve("big"));
      if (claimed.isPresent()) {
        assertEquals(
            FileSignature.compute(dst.resolve("big")),
            claimed.get(),
            "round " + round + ": a fresh signature must describe the contents");
      }
    }
    FxcpCommandTest.Run done = FxcpCommandTest.fxcp("-a", "--json", src + "/", dst.toString());
    assertEquals(0, done.exit(), done.err());
    assertEquals(-1, Files.mismatch(src.resolve("big"), dst.resolve("big")));
  }
}
