// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record layouts, built by hand from the C structs, decode field by field. */
class BpfEventTest {
  static ByteBuffer record(int op, String p1, String p2, int len1Override) {
    byte[] a = p1 == null ? new byte[0] : (p1 + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] b = p2 == null ? new byte[0] : (p2 + "\0").getBytes(StandardCharsets.UTF_8);
    ByteBuffer r = ByteBuffer.allocate(64 + a.length + b.length).order(ByteOrder.LITTLE_ENDIAN);
    r.putLong(0, 77)
        .putLong(8, 123_456_789L)
        .putInt(16, 42)
        .putInt(20, 43)
        .putLong(24, 5)
        .putInt(32, op)
        .putInt(36, -100)
        .putInt(40, 7)
        .putInt(44, 0101)
        .putInt(48, 0644)
        .putInt(52, 0)
        .putShort(56, (short) (len1Override >= 0 ? len1Override : a.length))
        .putShort(58, (short) b.length);
    r.put(64, a).put(64 + a.length, b);
    return r;
  }

  @Test
  void decodesEveryField() {
    BpfEvent e = BpfEvent.decode(record(BpfEvent.RENAME, "old/name", "/new", -1));
    assertEquals(77, e.seq());
    assertEquals(123_456_789L, e.timestampNanos());
    assertEquals(42, e.pid());
    assertEquals(43, e.tid());
    assertEquals(5, e.ret());
    assertEquals(BpfEvent.RENAME, e.op());
    assertEquals(-100, e.dfd1());
    assertEquals(7, e.dfd2());
    assertEquals(0101, e.flags());
    assertEquals("old/name", e.path1());
    assertEquals("/new", e.path2());
    assertFalse(e.incomplete());
    assertNull(BpfEvent.decode(record(BpfEvent.WRITE, null, null, -1)).path1());
  }

  @Test
  void aFullPathBufferIsFlaggedAndBadLengthsAreRejected() {
    String longest = "x".repeat(BpfEvent.PATH_BUF - 1);
    assertTrue(BpfEvent.decode(record(BpfEvent.UNLINK, longest, null, -1)).incomplete());
    assertThrows(
        IllegalArgumentException.class,
        () -> BpfEvent.decode(record(BpfEvent.UNLINK, "a", null, 400)));
    assertThrows(IllegalArgumentException.class, () -> BpfEvent.decode(ByteBuffer.allocate(10)));
  }

  @Test
  void fanotifyEventsWithNamesParse() {
    // one FAN_RENAME with an old and a new DFID_NAME record, then one FAN_Q_OVERFLOW without
    // records
    byte[] handle = {8, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    int oldLen = 4 + 8 + handle.length + 4; // "old\0"
    int newLen = 4 + 8 + handle.length + 4; // "new\0"
    int ev = 24 + oldLen + newLen;
    b.putInt(ev)
        .put((byte) 3)
        .put((byte) 0)
        .putShort((short) 24)
        .putLong(0x10000000L)
        .putInt(-1)
        .putInt(99);
    b.put((byte) FanotifyRecords.INFO_OLD_DFID_NAME)
        .put((byte) 0)
        .putShort((short) oldLen)
        .putLong(1)
        .put(handle)
        .put("old\0".getBytes());
    b.put((byte) FanotifyRecords.INFO_NEW_DFID_NAME)
        .put((byte) 0)
        .putShort((short) newLen)
        .putLong(1)
        .put(handle)
        .put("new\0".getBytes());
    b.putInt(24)
        .put((byte) 3)
        .put((byte) 0)
        .putShort((short) 24)
        .putLong(FanotifyRecords.FAN_Q_OVERFLOW)
        .putInt(-1)
        .putInt(0);
    b.flip();
    List<String> seen = new ArrayList<>();
    FanotifyRecords.parse(
        b,
        (mask, pid, names) -> {
          StringBuilder s = new StringBuilder(Long.toHexString(mask) + " " + pid);
          for (FanotifyRecords.Name n : names) {
            s.append(' ')
                .append(n.type())
                .append(':')
                .append(n.name())
                .append(':')
                .append(n.handle().length);
          }
          seen.add(s.toString());
        });
    assertEquals(List.of("10000000 99 10:old:16 12:new:16", "4000 0"), seen);
    b.putInt(0, ev + 100);
    assertThrows(IllegalArgumentException.class, () -> FanotifyRecords.parse(b, (m, p, n) -> {}));
  }
}
