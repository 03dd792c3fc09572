// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * File names are bytes on Linux. These helpers keep them as bytes for system calls and give two
 * string views: {@link #display} for people (UTF-8, with undecodable bytes and control characters
 * escaped as rsync does, {@code \#ooo}), and {@link #raw} for filter matching (one char per byte).
 */
public final class Names {
  private Names() {}

  private static final ThreadLocal<CharsetDecoder> UTF8 =
      ThreadLocal.withInitial(
          () ->
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));

  /** A name or path for messages, reports and itemized output. */
  public static String display(byte[] name) {
    boolean ascii = true;
    boolean plain = true;
    for (byte b : name) {
      if (b < 0x20 && b >= 0 || b == 0x7f || b == '\\') {
        plain = false;
        break;
      }
      ascii &= b >= 0;
    }
    if (plain && ascii) {
      return new String(
          name, StandardCharsets.ISO_8859_1); // the common case: one byte per char, no decoder
    }
    if (plain) {
      try {
        return UTF8.get().decode(ByteBuffer.wrap(name)).toString();
      } catch (CharacterCodingException e) {
        // fall through: escape byte by byte
      }
    }
    StringBuilder sb = new StringBuilder(name.length + 8);
    CharsetDecoder dec = UTF8.get();
    int i = 0;
    while (i < name.length) {
      int b = name[i] & 0xff;
      if (b < 0x80) {
        if (b < 0x20 || b == 0x7f) {
          escape(sb, b);
        } else if (b == '\\') {
          sb.append("\\#134");
        } else {
          sb.append((char) b);
        }
        i++;
        continue;
      }
      int len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      String ch = null;
      if (len > 1 && i + len <= name.length) {
        try {
          CharBuffer cb = dec.decode(ByteBuffer.wrap(name, i, len));
          ch = cb.toString();
        } catch (CharacterCodingException e) {
          ch = null;
        }
      }
      if (ch != null) {
        sb.append(ch);
        i += len;
      } else {
        escape(sb, b);
        i++;
      }
    }
    return sb.toString();
  }

  private static void escape(StringBuilder sb, int b) {
    sb.append("\\#")
        .append((char) ('0' + (b >> 6)))
        .append((char) ('0' + ((b >> 3) & 7)))
        .append((char) ('0' + (b & 7)));
  }

  /** One char per byte, for filter matching (rsync matches bytes, not characters). */
  public static String raw(byte[] name) {
    return new String(name, StandardCharsets.ISO_8859_1);
  }

  /** The bytes of a path the user typed. */
  public static byte[] bytes(String userPath) {
    return userPath.getBytes(StandardCharsets.UTF_8);
  }
}
