// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes XDR from a received record. Every read is bounds-checked and every length is checked
 * against what is left and a caller's limit before anything is allocated, so a malformed reply
 * fails with {@link XdrException} instead of a huge allocation or a hang.
 */
public final class XdrReader {
  private final byte[] buf;
  private int pos;
  private final int limit;

  public XdrReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public XdrReader(byte[] buf, int off, int len) {
    this.buf = buf;
    this.pos = off;
    this.limit = off + len;
  }

  public int remaining() {
    return limit - pos;
  }

  private void need(int n, String what) throws XdrException {
    if (n < 0 || n > limit - pos) {
      throw new XdrException(
          "reply ends inside " + what + " (" + n + " bytes needed, " + (limit - pos) + " left)");
    }
  }

  public int int32() throws XdrException {
    need(4, "a 4-byte value");
    int v =
        ((buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  public long int64() throws XdrException {
    return ((long) int32() << 32) | (int32() & 0xffffffffL);
  }

  public boolean bool() throws XdrException {
    int v = int32();
    if (v != 0 && v != 1) {
      throw new XdrException("boolean is " + v + ", not 0 or 1");
    }
    return v == 1;
  }

  /** A length or count that must lie in {@code [0, max]}. */
  public int count(int max, String what) throws XdrException {
    int n = int32();
    if (n < 0 || n > max) {
      throw new XdrException(what + " of " + (n & 0xffffffffL) + " exceeds the limit of " + max);
    }
    return n;
  }

  public byte[] fixed(int n) throws XdrException {
    need(n, "fixed opaque");
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    skipPadded(n);
    return b;
  }

  public byte[] opaque(int max, String what) throws XdrException {
    int n = count(max, what);
    return fixed(n);
  }

  /**
   * Copies a variable-length opaque into {@code dst} (which must have room) and returns its length.
   */
  public int opaqueInto(ByteBuffer dst, int max, String what) throws XdrException {
    int n = count(max, what);
    need(n, what);
    if (n > dst.remaining()) {
      throw new XdrException(what + " of " + n + " bytes, only " + dst.remaining() + " asked for");
    }
    dst.put(buf, pos, n);
    skipPadded(n);
    return n;
  }

  public String string(int max, String what) throws XdrException {
    int n = count(max, what);
    need(n, what);
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    skipPadded(n);
    return s;
  }

  public void skipOpaque(int max, String what) throws XdrException {
    skipPadded(count(max, what));
  }

  public int[] bitmap() throws XdrException {
    int n = count(8, "bitmap");
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = int32();
    }
    return w;
  }

  private void skipPadded(int n) throws XdrException {
    int padded = n + ((4 - (n & 3)) & 3);
    need(padded, "padding");
    pos += padded;
  }

  /** A sub-reader over the next {@code n} bytes (an attribute list), which this reader skips. */
  public XdrReader slice(int n) throws XdrException {
    need(n, "attribute list");
    XdrReader r = new XdrReader(buf, pos, n);
    skipPadded(n);
    return r;
  }
}
