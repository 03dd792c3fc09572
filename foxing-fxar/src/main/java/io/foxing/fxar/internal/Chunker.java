// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.merkle.Blake3;
import java.nio.charset.StandardCharsets;

/**
 * Content-defined chunking with a gear hash and normalised cut points (FastCDC style); the rule and
 * the table are specified in formats/fxar-v2, "Chunking". Stateless between calls: each call finds
 * the next cut in the bytes it is given.
 */
public final class Chunker {
  public static final int MIN = 2 << 10;
  public static final int AVG = 64 << 10;
  public static final int MAX = 2 << 20;

  private static final long[] GEAR = gearTable();

  private final int min;
  private final int avg;
  private final int max;
  private final long maskS;
  private final long maskL;

  public Chunker(int min, int avg, int max) {
    this.min = min;
    this.avg = avg;
    this.max = max;
    int bits = Integer.numberOfTrailingZeros(avg);
    this.maskS = -1L << (64 - (bits + 2));
    this.maskL = -1L << (64 - (bits - 2));
  }

  public static Chunker standard() {
    return new Chunker(MIN, AVG, MAX);
  }

  public int max() {
    return max;
  }

  /**
   * Length of the next chunk of {@code buf[off, off + len)}. Give at least {@link #max()} bytes
   * unless they are the last of the input, so the cut does not depend on buffer boundaries.
   */
  public int cut(byte[] buf, int off, int len) {
    if (len <= min) {
      return len;
    }
    int n = Math.min(len, max);
    int normal = Math.min(avg, n);
    long h = 0;
    int i = min;
    long[] gear = GEAR;
    long ms = maskS;
    for (; i < normal; i++) {
      h = (h << 1) + gear[buf[off + i] & 0xff];
      if ((h & ms) == 0) {
        return i + 1;
      }
    }
    long ml = maskL;
    for (; i < n; i++) {
      h = (h << 1) + gear[buf[off + i] & 0xff];
      if ((h & ml) == 0) {
        return i + 1;
      }
    }
    return n;
  }

  private static long[] gearTable() {
    byte[] raw =
        Blake3.newHasher()
            .update("FXAR v2 gear table".getBytes(StandardCharsets.US_ASCII))
            .finalizeBytes(256 * 8);
    long[] table = new long[256];
    for (int i = 0; i < 256; i++) {
      table[i] = In.le(raw, i * 8, 8);
    }
    return table;
  }
}
