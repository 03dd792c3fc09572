// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import java.util.Arrays;

/** A growable little-endian byte buffer for encoding records, index and headers. */
public final class Bytes {
  private byte[] buf;
  private int len;

  public Bytes(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) len + more);
      if (want > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("encoded structure exceeds 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }

  public Bytes u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
    return this;
  }

  public Bytes u16(int v) {
    ensure(2);
    buf[len++] = (byte) v;
    buf[len++] = (byte) (v >>> 8);
    return this;
  }

  public Bytes u32(long v) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  public Bytes u64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (v >>> (8 * i));
    }
    return this;
  }

  public Bytes bytes(byte[] b) {
    return bytes(b, 0, b.length);
  }

  public Bytes bytes(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  public int length() {
    return len;
  }

  /** The backing array; valid up to {@link #length()}. */
  public byte[] array() {
    return buf;
  }

  public byte[] toArray() {
    return Arrays.copyOf(buf, len);
  }

  public void clear() {
    len = 0;
  }
}
