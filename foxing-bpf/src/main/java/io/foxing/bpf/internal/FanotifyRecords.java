// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of what {@code read} returns from a fanotify descriptor initialised with {@code
 * FAN_REPORT_DFID_NAME}: events of {@code struct fanotify_event_metadata} (event_len u32, vers u8,
 * reserved u8, metadata_len u16, mask u64, fd s32, pid s32), each followed by info records
 * (info_type u8, pad u8, len u16, then for the name types: fsid 8 bytes, {@code struct file_handle}
 * = handle_bytes u32, handle_type s32, handle, then a NUL-terminated name). Pure parsing, no system
 * calls: fuzzed on its own.
 */
final class FanotifyRecords {
  static final long FAN_Q_OVERFLOW = 0x4000;
  static final int INFO_DFID_NAME = 2;
  static final int INFO_OLD_DFID_NAME = 10;
  static final int INFO_NEW_DFID_NAME = 12;
  private static final int METADATA = 24;

  private FanotifyRecords() {}

  /** A directory's file handle (as {@code open_by_handle_at} takes it) and an entry name in it. */
  record Name(int type, byte[] handle, String name) {}

  interface Visitor {
    void event(long mask, int pid, List<Name> names);
  }

  /**
   * Calls {@code visitor} for each event in {@code b} (position 0 to limit).
   *
   * @throws IllegalArgumentException at the first length that does not fit; events before it were
   *     visited
   */
  static void parse(ByteBuffer b, Visitor visitor) {
    int at = 0;
    while (at < b.limit()) {
      if (at + METADATA > b.limit()) {
        throw new IllegalArgumentException(
            "fanotify: " + (b.limit() - at) + " trailing bytes, shorter than an event");
      }
      int eventLen = b.getInt(at);
      int metaLen = Short.toUnsignedInt(b.getShort(at + 6));
      if (eventLen < METADATA
          || metaLen < METADATA
          || metaLen > eventLen
          || eventLen > b.limit() - at) {
        throw new IllegalArgumentException(
            "fanotify: malformed event lengths " + eventLen + "/" + metaLen + " at " + at);
      }
      long mask = b.getLong(at + 8);
      int pid = b.getInt(at + 20);
      List<Name> names = new ArrayList<>(2);
      int end = at + eventLen;
      for (int info = at + metaLen; info < end; ) {
        if (info + 4 > end) {
          throw new IllegalArgumentException("fanotify: truncated info record at " + info);
        }
        int type = Byte.toUnsignedInt(b.get(info));
        int len = Short.toUnsignedInt(b.getShort(info + 2));
        if (len < 4 || len > end - info) {
          throw new IllegalArgumentException(
              "fanotify: info record of " + len + " bytes at " + info + " overruns its event");
        }
        if (type == INFO_DFID_NAME || type == INFO_OLD_DFID_NAME || type == INFO_NEW_DFID_NAME) {
          names.add(name(b, type, info, info + len));
        }
        info += len;
      }
      visitor.event(mask, pid, names);
      at = end;
    }
  }

  private static Name name(ByteBuffer b, int type, int info, int end) {
    int handleAt = info + 12;
    if (handleAt + 8 > end) {
      throw new IllegalArgumentException(
          "fanotify: info record at " + info + " too short for a file handle");
    }
    int handleBytes = b.getInt(handleAt);
    if (handleBytes < 0 || handleBytes > end - handleAt - 8) {
      throw new IllegalArgumentException(
          "fanotify: file handle of " + handleBytes + " bytes overruns its record");
    }
    int nameAt = handleAt + 8 + handleBytes;
    int nul = nameAt;
    while (nul < end && b.get(nul) != 0) {
      nul++;
    }
    byte[] nameBytes = new byte[nul - nameAt];
    b.get(nameAt, nameBytes);
    byte[] handle = new byte[8 + handleBytes];
    b.get(handleAt, handle);
    return new Name(type, handle, new String(nameBytes, StandardCharsets.UTF_8));
  }
}
