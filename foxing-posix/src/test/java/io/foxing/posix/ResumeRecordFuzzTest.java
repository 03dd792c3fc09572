// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * The mark of a resumable temporary is read from the target, where anyone may have written it: any
 * value decodes to a record that claims no more than the file's size, or to none.
 */
class ResumeRecordFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void anyMarkIsAPlausibleRecordOrNone(FuzzedDataProvider data) {
    byte[] value = data.consumeRemainingAsBytes();
    Temporaries.Resume r = Temporaries.Resume.decode(value);
    if (r == null) {
      return;
    }
    if (r.done() < 0 || r.done() > r.size()) {
      throw new IllegalStateException("a record beyond its file: " + r);
    }
    if (!Arrays.equals(value, r.encode())) {
      throw new IllegalStateException("decoded " + r + " from bytes it does not encode to");
    }
  }
}
