// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.DamagedArchiveException;

/**
 * Reads little-endian values from a byte range, failing with a {@link DamagedArchiveException} that
 * names {@code what} is being read when the range ends too soon.
 */
public final class In {
  private final byte[] buf;
  private final int end;
  private final long base;
  private final String what;
  private int pos;

  /**
   * @param base archive offset of {@code buf[off]}, for messages
   */
  public In(byte[] buf, int off, int len, long base, String what) {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
    this.base = base - off;
    this.what = what;
  }

  private void need(int n) throws DamagedArchiveException {
    if (n < 0 || end - pos < n) {
      throw damaged("truncated");
    }
  }

  public DamagedArchiveException damaged(String why) {
    return new DamagedArchiveException(base + pos, what + ": " + why);
  }

  public int u8() throws DamagedArchiveException {
    need(1);
    return buf[pos++] & 0xff;
  }

  public int u16() throws DamagedArchiveException {
    need(2);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
    pos += 2;
    return v;
  }

  /** A u32 that must fit an int's positive range (lengths, counts). */
  public int u32() throws DamagedArchiveException {
    long v = u32Long();
    if (v > Integer.MAX_VALUE) {
      throw damaged("value " + v + " too large");
    }
    return (int) v;
  }

  public long u32Long() throws DamagedArchiveException {
    need(4);
    long v = le(buf, pos, 4);
    pos += 4;
    return v;
  }

  public long u64() throws DamagedArchiveException {
    need(8);
    long v = le(buf, pos, 8);
    pos += 8;
    return v;
  }

  public byte[] bytes(int n) throws DamagedArchiveException {
    need(n);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  public int remaining() {
    return end - pos;
  }

  public static long le(byte[] b, int off, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
