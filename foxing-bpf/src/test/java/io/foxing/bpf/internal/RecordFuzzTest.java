package io.foxing.bpf.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two parsers of kernel memory, fed anything: a BPF ring-buffer record and a buffer read from
 * fanotify either decode or throw {@link IllegalArgumentException} (which the streams turn into a
 * RESCAN); nothing else escapes, no length is trusted. Runs its inputs in every {@code mvn verify};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class RecordFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void recordsDecodeOrAreRejected(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    try {
      BpfEvent e = BpfEvent.decode(b);
      if (e.path1() != null && e.path1().length() > BpfEvent.PATH_BUF) {
        throw new AssertionError("path longer than the kernel copies: " + e.path1().length());
      }
    } catch (IllegalArgumentException expected) {
      // named
    }
    try {
      FanotifyRecords.parse(b, (mask, pid, names) -> {
        for (FanotifyRecords.Name n : names) {
          if (n.handle().length < 8 || n.handle().length > data.length) {
            throw new AssertionError("handle of " + n.handle().length + " bytes from " + data.length);
          }
        }
      });
    } catch (IllegalArgumentException expected) {
      // named
    }
  }
}
