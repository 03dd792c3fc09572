// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

/** A 32-byte chunk id as four big-endian longs: cheap equality, and unsigned order = byte order. */
public record ChunkId(long a, long b, long c, long d) implements Comparable<ChunkId> {
  public static ChunkId of(byte[] id, int off) {
    return new ChunkId(be(id, off), be(id, off + 8), be(id, off + 16), be(id, off + 24));
  }

  private static long be(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  public byte[] bytes() {
    byte[] out = new byte[32];
    long[] parts = {a, b, c, d};
    for (int p = 0; p < 4; p++) {
      for (int i = 0; i < 8; i++) {
        out[p * 8 + i] = (byte) (parts[p] >>> (56 - 8 * i));
      }
    }
    return out;
  }

  @Override
  public int compareTo(ChunkId o) {
    int r = Long.compareUnsigned(a, o.a);
    if (r == 0) {
      r = Long.compareUnsigned(b, o.b);
    }
    if (r == 0) {
      r = Long.compareUnsigned(c, o.c);
    }
    return r != 0 ? r : Long.compareUnsigned(d, o.d);
  }

  @Override
  public int hashCode() {
    return (int) (a ^ (a >>> 32));
  }

  /** The first 8 bytes in hex, enough to name a chunk in messages. */
  public String shortHex() {
    return String.format("%016x", a);
  }
}
