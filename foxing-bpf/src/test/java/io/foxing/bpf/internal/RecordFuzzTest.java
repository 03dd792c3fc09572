// SPDX-License-Identifier: Apache-2.0
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
      BpfEvent.decode(b);
    } catch (IllegalArgumentException expected) {
      // named
    }
    try {
      FanotifyRecords.parse(b, (mask, pid, names) -> {});
    } catch (IllegalArgumentException expected) {
      // named
    }
  }
}
