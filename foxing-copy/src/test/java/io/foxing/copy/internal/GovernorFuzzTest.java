// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A /proc/pressure file in any shape is read or rejected with IllegalArgumentException: the
 * governor then does not pace.
 */
class GovernorFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void anyTextParsesOrIsRejected(FuzzedDataProvider data) {
    String kind = data.pickValue(new String[] {"some", "full"});
    String text = data.consumeRemainingAsString();
    try {
      Governor.Psi p = Governor.Psi.parse(text, kind);
      if (p != null && (!(p.avg10() >= 0 && p.avg10() <= 100) || p.totalMicros() < 0)) {
        throw new IllegalStateException("accepted out of range: " + p);
      }
    } catch (IllegalArgumentException expected) {
      // rejected: the governor treats the machine as having no pressure information
    }
  }
}
