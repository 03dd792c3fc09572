// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One record from the ring buffer, as {@code struct event} in {@code foxing.bpf.c} lays it out
 * (little-endian, 64-byte header, then the path arguments back to back, each NUL-terminated).
 */
record BpfEvent(
    long seq,
    long timestampNanos,
    int pid,
    int tid,
    long ret,
    int op,
    int dfd1,
    int dfd2,
    int flags,
    int mode,
    int extra,
    String path1,
    String path2,
    boolean incomplete) {
  static final int HEADER = 64;
  static final int PATH_BUF = 512;

  static final int OPEN = 1;
  static final int WRITE = 2;
  static final int CLOSE = 3;
  static final int TRUNCATE = 4;
  static final int FTRUNCATE = 5;
  static final int FALLOCATE = 6;
  static final int RENAME = 7;
  static final int UNLINK = 8;
  static final int RMDIR = 9;
  static final int MKDIR = 10;
  static final int LINK = 11;
  static final int SYMLINK = 12;
  static final int CHMOD = 13;
  static final int FCHMOD = 14;
  static final int CHOWN = 15;
  static final int FCHOWN = 16;
  static final int UTIMENS = 17;
  static final int SETXATTR = 18;
  static final int FSETXATTR = 19;
  static final int REMOVEXATTR = 20;
  static final int FREMOVEXATTR = 21;
  static final int FSYNC = 22;
  static final int CHDIR = 23;
  static final int FCHDIR = 24;
  static final int DUP = 25;
  static final int FORK = 26;
  static final int EXIT = 27;
  static final int OPENDIR = 28;

  static final int O_CREAT = 0100;
  static final int O_TRUNC = 01000;
  static final int RENAME_EXCHANGE = 2;

  /** __O_TMPFILE | O_DIRECTORY. */
  static final int O_TMPFILE = 020200000;

  /**
   * Decodes a record; throws {@link IllegalArgumentException} if it is shorter than its lengths say
   * (the kernel never writes one, but the reader must not trust memory blindly).
   */
  static BpfEvent decode(ByteBuffer b) {
    if (b.remaining() < HEADER) {
      throw new IllegalArgumentException(
          "BPF record of " + b.remaining() + " bytes is shorter than its header");
    }
    int len1 = Short.toUnsignedInt(b.getShort(56));
    int len2 = Short.toUnsignedInt(b.getShort(58));
    if (len1 > PATH_BUF || len2 > PATH_BUF || HEADER + len1 + len2 > b.remaining()) {
      throw new IllegalArgumentException(
          "BPF record lengths " + len1 + "+" + len2 + " exceed its " + b.remaining() + " bytes");
    }
    return new BpfEvent(
        b.getLong(0),
        b.getLong(8),
        b.getInt(16),
        b.getInt(20),
        b.getLong(24),
        b.getInt(32),
        b.getInt(36),
        b.getInt(40),
        b.getInt(44),
        b.getInt(48),
        b.getInt(52),
        string(b, HEADER, len1),
        string(b, HEADER + len1, len2),
        len1 == PATH_BUF
            || len2 == PATH_BUF
            || !utf8(b, HEADER, len1)
            || !utf8(b, HEADER + len1, len2));
  }

  /**
   * Names that are not UTF-8 cannot be named faithfully as a String: the event is reported as
   * incomplete.
   */
  private static boolean utf8(ByteBuffer b, int at, int len) {
    int i = 0;
    while (i < len && b.get(at + i) >= 0) {
      i++; // ASCII, nearly every name: no decoder needed
    }
    if (i == len) {
      return true;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(b.slice(at, len));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * A path argument, or null if absent. The kernel copies at most {@link #PATH_BUF} bytes and
   * always ends them with a NUL, so a full buffer may be a longer path cut short: {@link
   * #incomplete()}.
   */
  private static String string(ByteBuffer b, int at, int len) {
    if (len == 0) {
      return null;
    }
    byte[] bytes = new byte[b.get(at + len - 1) == 0 ? len - 1 : len];
    b.get(at, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
