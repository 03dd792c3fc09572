// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * b3sum (Debian's package, the Rust reference) as a second oracle, on random data around every
 * boundary.
 */
class Blake3AgainstB3sumTest {
  @TempDir Path tmp;

  static Stream<Long> sizes() {
    Stream<Long> small =
        LongStream.of(
                0,
                1,
                63,
                64,
                65,
                1023,
                1024,
                1025,
                2048,
                4095,
                4096,
                4097,
                8191,
                8193,
                65535,
                65537,
                1048575,
                1048577,
                (16L << 20) + 1)
            .boxed();
    return small;
  }

  private static String b3sum(Path file, String... extra) {
    boolean present = new java.io.File("/usr/bin/b3sum").canExecute();
    if (!present) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("b3sum is missing under CI=true (.ci/run installs it)");
      }
      System.err.println("SKIPPED: b3sum not installed (apt-get install b3sum)");
      Assumptions.abort("b3sum not installed");
    }
    List<String> cmd = new java.util.ArrayList<>(List.of("b3sum", "--no-names"));
    cmd.addAll(List.of(extra));
    cmd.add(file.toString());
    return output(cmd, "b3sum");
  }

  /** What a command prints on standard output; the test fails if it fails. */
  private static String output(List<String> cmd, String what) {
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        fail(what + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Path randomFile(long size, long seed) throws IOException {
    Path f = tmp.resolve("data-" + size);
    Random r = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (var out = Files.newOutputStream(f)) {
      for (long left = size; left > 0; ) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        left -= n;
      }
    }
    return f;
  }

  @ParameterizedTest(name = "{0} bytes")
  @MethodSource("sizes")
  void agreesWithB3sumStreamingAndInParallel(long size) throws IOException {
    Path f = randomFile(size, size * 31 + 7);
    String expected = b3sum(f);
    byte[] data = Files.readAllBytes(f);
    assertEquals(expected, Blake3.hex(Blake3.hash(data)), "streaming");
    assertEquals(expected, Blake3.hex(Blake3.newHasher().hashFile(f, 4)), "mapped file, 4 threads");
    assertEquals(
        b3sum(f, "--length", "200"),
        Blake3.hex(Blake3.newHasher().update(data).finalizeBytes(200)),
        "extendable output");
  }

  @Test
  void agreesWithB3sumOnAGibibyteInParallelAndInFreshJvms() throws IOException {
    Path f = randomFile(1L << 30, 1);
    String expected = b3sum(f);
    assertEquals(expected, Blake3.hex(Blake3.newHasher().hashFile(f, 2)), "this JVM, 2 threads");
    // as fxcp sum runs: a fresh JVM whose hashing loops are compiled while they run (on-stack
    // replacement), which is where JDK 17's Vector API gave wrong hashes; a warm JVM never shows it
    for (int threads : new int[] {1, 2}) {
      assertEquals(expected, freshJvmHash(f, threads), "fresh JVM, " + threads + " thread(s)");
    }
    Files.delete(f);
  }

  private static String freshJvmHash(Path f, int threads) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-modules",
                "jdk.incubator.vector",
                "-XX:+UseSerialGC",
                "-Dfoxing.blake3.vector=" + System.getProperty("foxing.blake3.vector", "true"),
                "-cp",
                System.getProperty("java.class.path"),
                HashFileMain.class.getName(),
                f.toString(),
                String.valueOf(threads)));
    return output(cmd, "hashing in a fresh JVM");
  }
}
