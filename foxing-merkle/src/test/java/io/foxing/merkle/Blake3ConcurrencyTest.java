// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Hashers on several threads at once, small and large inputs mixed, long enough for the JIT to
 * compile every path: each result must equal the one computed alone before. This is how the archive
 * writer uses BLAKE3. It caught a JDK 17 C2 miscompilation (stores through a byte-array view into a
 * scratch array dropped, digests of zeros) that single-threaded tests never hit; see
 * Output.rootBytes.
 */
class Blake3ConcurrencyTest {
  @Test
  void concurrentHashersAgreeWithSequentialResults() throws Exception {
    Random seeds = new Random(20261124);
    byte[][] inputs = new byte[64][];
    byte[][] expected = new byte[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = new byte[i % 2 == 0 ? 40 + seeds.nextInt(60) : 1 + seeds.nextInt(96 * 1024)];
      seeds.nextBytes(inputs[i]);
      expected[i] = Blake3.hash(inputs[i]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        boolean large =
            t > 0; // two threads on inputs of many chunks (the vector path), one on small ones
        int seed = t;
        runs.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int n = 0; n < (large ? 8000 : 400_000); n++) {
                    int i = 2 * r.nextInt(inputs.length / 2) + (large ? 1 : 0);
                    byte[] got = Blake3.hash(inputs[i]);
                    if (!java.util.Arrays.equals(expected[i], got)) {
                      assertArrayEquals(
                          expected[i],
                          got,
                          "input " + i + " (" + inputs[i].length + " bytes), round " + n);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
