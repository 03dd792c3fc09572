// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One large file into a slow output: the writer reads ahead of what it has written by no more than
 * its memory budget (plus the chunks being cut), however large the file.
 */
class BoundedMemoryTest {
  @Test
  void readAheadOfASlowOutputStaysWithinTheBudget() throws IOException {
    long budget = 4 << 20;
    long size = 96L << 20;
    AtomicLong read = new AtomicLong();
    AtomicLong written = new AtomicLong();
    AtomicLong worst = new AtomicLong();
    OutputStream slow =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            written.addAndGet(len);
            try {
              Thread.sleep(len / (1 << 20) + 1); // about 1 GB/s at most: slower than reading zeros
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    ReadableByteChannel content =
        Archives.generated(
            size, 3, n -> worst.accumulateAndGet(read.addAndGet(n) - written.get(), Math::max));
    try (FxarWriter w =
        new FxarWriter(
            slow,
            FxarOptions.builder()
                .compression(Compression.parse("none"))
                .memoryBudget(budget)
                .build())) {
      w.addFile(Archives.file("big", size), content);
      ArchiveStats s = w.finish();
      assertEquals(size, s.contentBytes());
    }
    // the budget, the chunk being cut, the reader's buffer (max chunk + 1 MiB) and the output
    // buffer (1 MiB)
    long bound = budget + 2 * io.foxing.fxar.internal.Chunker.MAX + (1 << 20) + (1 << 20);
    assertTrue(
        worst.get() <= bound,
        "read ahead of the output by " + worst.get() + " bytes, bound " + bound);
  }
}
