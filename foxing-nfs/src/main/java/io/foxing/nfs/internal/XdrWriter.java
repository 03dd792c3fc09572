package io.foxing.nfs.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes XDR (RFC 4506) into a growable array: big-endian 4-byte units, variable-length data
 * prefixed by its length and padded with zeros to a multiple of four. The first four bytes are
 * reserved for the RPC record mark so a finished request goes to the socket without a copy.
 */
public final class XdrWriter {
  private byte[] buf;
  private int pos = 4;

  public XdrWriter(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  /** Bytes of XDR written so far (without the record mark). */
  public int length() {
    return pos - 4;
  }

  /** The encoded bytes, without the record mark (for tests). */
  public byte[] toByteArray() {
    return Arrays.copyOfRange(buf, 4, pos);
  }

  /** The whole record: a last-fragment mark and the encoded bytes. */
  byte[] record() {
    int len = pos - 4;
    buf[0] = (byte) (0x80 | (len >>> 24));
    buf[1] = (byte) (len >>> 16);
    buf[2] = (byte) (len >>> 8);
    buf[3] = (byte) len;
    return buf;
  }

  int recordLength() {
    return pos;
  }

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  public XdrWriter int32(int v) {
    ensure(4);
    buf[pos] = (byte) (v >>> 24);
    buf[pos + 1] = (byte) (v >>> 16);
    buf[pos + 2] = (byte) (v >>> 8);
    buf[pos + 3] = (byte) v;
    pos += 4;
    return this;
  }

  public XdrWriter int64(long v) {
    return int32((int) (v >>> 32)).int32((int) v);
  }

  public XdrWriter bool(boolean v) {
    return int32(v ? 1 : 0);
  }

  /** Fixed-length opaque: exactly {@code n} bytes, padded. */
  public XdrWriter fixed(byte[] b, int n) {
    if (b.length != n) {
      throw new IllegalArgumentException("fixed opaque of " + n + " bytes, got " + b.length);
    }
    return raw(b, 0, n);
  }

  /** Variable-length opaque. */
  public XdrWriter opaque(byte[] b) {
    return opaque(b, 0, b.length);
  }

  public XdrWriter opaque(byte[] b, int off, int len) {
    int32(len);
    return raw(b, off, len);
  }

  /** Variable-length opaque taken from {@code src}'s remaining bytes (consumed). */
  public XdrWriter opaque(ByteBuffer src) {
    int len = src.remaining();
    int32(len);
    ensure(len + 3);
    src.get(buf, pos, len);
    pos += len;
    pad(len);
    return this;
  }

  public XdrWriter string(String s) {
    return opaque(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends everything {@code other} encoded (its record mark excluded). */
  public XdrWriter append(XdrWriter other) {
    int len = other.pos - 4;
    ensure(len);
    System.arraycopy(other.buf, 4, buf, pos, len);
    pos += len;
    return this;
  }

  /** A bitmap4: the words up to the last non-zero one. */
  public XdrWriter bitmap(int[] words) {
    int n = words.length;
    while (n > 0 && words[n - 1] == 0) {
      n--;
    }
    int32(n);
    for (int i = 0; i < n; i++) {
      int32(words[i]);
    }
    return this;
  }

  private XdrWriter raw(byte[] b, int off, int len) {
    ensure(len + 3);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
    pad(len);
    return this;
  }

  private void pad(int len) {
    int p = (4 - (len & 3)) & 3;
    for (int i = 0; i < p; i++) {
      buf[pos++] = 0;
    }
  }

  /** Position for a value patched later ({@link #patch}). */
  int mark() {
    return pos;
  }

  void patch(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }
}
