// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A journal file is read after crashes and by later versions: any bytes decode or are rejected with
 * a message.
 */
class OutageJournalFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void anyBytesDecodeOrAreRejected(FuzzedDataProvider data) {
    boolean steer = data.consumeBoolean();
    byte[] b = data.consumeRemainingAsBytes();
    if (steer) {
      // a valid header, then the fuzzer's bytes as records
      byte[] h = OutageJournal.header("/s", "t", "id");
      byte[] all = new byte[h.length + b.length];
      System.arraycopy(h, 0, all, 0, h.length);
      System.arraycopy(b, 0, all, h.length, b.length);
      b = all;
    }
    try {
      OutageJournal.Contents c = OutageJournal.decode(b, "fuzz");
      if (c.entries() == null || c.source() == null) {
        throw new IllegalStateException("decoded without its parts");
      }
    } catch (OutageJournal.JournalException expected) {
      if (expected.getMessage() == null || !expected.getMessage().startsWith("fuzz: ")) {
        throw new IllegalStateException("a rejection must name the file", expected);
      }
    }
  }
}
