// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes XDR (RFC 4506) into a growable array: big-endian 4-byte units, variable-length data
 * prefixed by its length and padded with zeros to a multiple of four. The first four bytes are
 * reserved for the RPC record mark so a finished request goes to the socket without a copy.
 *
 * <p>Bulk data in a direct buffer is not copied in: it is attached ({@link #opaqueAttached}) and
 * goes to the socket from where it is, by a gathering write ({@link #segments()}). A 1 MiB WRITE
 * then costs one copy from the file and one to the socket instead of five.
 */
public final class XdrWriter {
  private byte[] buf;
  private int pos = 4;

  /** Attached data: inserted before byte {@code at} of {@code buf}. */
  private List<Attachment> attachments = List.of();

  private long attachedBytes;

  private record Attachment(int at, ByteBuffer data) {}

  public XdrWriter(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
  }

  /** Bytes of XDR written so far (without the record mark), attached data included. */
  public int length() {
    return (int) (pos - 4 + attachedBytes);
  }

  /** The encoded bytes, without the record mark, attached data included (for tests). */
  public byte[] toByteArray() {
    ByteBuffer out = ByteBuffer.allocate(length());
    ByteBuffer[] seg = segments();
    seg[0].position(4);
    for (ByteBuffer b : seg) {
      out.put(b);
    }
    return out.array();
  }

  /** The xid: the first word of a call. */
  int xid() {
    return ((buf[4] & 0xff) << 24)
        | ((buf[5] & 0xff) << 16)
        | ((buf[6] & 0xff) << 8)
        | (buf[7] & 0xff);
  }

  /**
   * The whole record, a last-fragment mark first, as buffers for one gathering write. Fresh views
   * each time, so a call can be sent again.
   */
  ByteBuffer[] segments() {
    long len = length();
    if (len > 0x7fffffffL) {
      throw new IllegalStateException("record of " + len + " bytes");
    }
    buf[0] = (byte) (0x80 | (len >>> 24));
    buf[1] = (byte) (len >>> 16);
    buf[2] = (byte) (len >>> 8);
    buf[3] = (byte) len;
    ByteBuffer[] out = new ByteBuffer[1 + 2 * attachments.size()];
    int from = 0;
    int i = 0;
    for (Attachment a : attachments) {
      out[i++] = ByteBuffer.wrap(buf, from, a.at() - from);
      out[i++] = a.data().duplicate();
      from = a.at();
    }
    out[i] = ByteBuffer.wrap(buf, from, pos - from);
    return out;
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

  /**
   * Variable-length opaque whose bytes stay in {@code data} (its remaining bytes, not consumed)
   * until the record is written. The caller keeps {@code data} unchanged until the call is
   * answered.
   */
  public XdrWriter opaqueAttached(ByteBuffer data) {
    int len = data.remaining();
    int32(len);
    attach(pos, data.slice());
    ensure(3);
    pad(len);
    return this;
  }

  private void attach(int at, ByteBuffer data) {
    if (attachments.isEmpty()) {
      attachments = new ArrayList<>(2);
    }
    attachments.add(new Attachment(at, data));
    attachedBytes += data.remaining();
  }

  public XdrWriter string(String s) {
    return opaque(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Appends everything {@code other} encoded (its record mark excluded); its attachments stay
   * attached.
   */
  public XdrWriter append(XdrWriter other) {
    int len = other.pos - 4;
    ensure(len);
    System.arraycopy(other.buf, 4, buf, pos, len);
    for (Attachment a : other.attachments) {
      attach(pos + a.at() - 4, a.data());
    }
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
