// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * --chmod rules come from users: whatever the text, parsing either succeeds or throws {@link
 * IllegalArgumentException} naming the item, and applying rules never throws and never sets a bit
 * outside 07777. Runs its corpus in every {@code mvn verify}; {@code JAZZER_FUZZ=1} fuzzes for
 * real.
 */
class ModeRulesFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyRuleTextIsAcceptedOrRejectedCleanly(FuzzedDataProvider data) {
    String text = data.consumeString(200);
    int umask = data.consumeInt(0, 0777);
    int mode = data.consumeInt(0, 07777);
    boolean dir = data.consumeBoolean();
    ModeRules rules;
    try {
      rules = ModeRules.parse(text, umask);
    } catch (IllegalArgumentException expected) {
      if (expected.getMessage() == null || !expected.getMessage().startsWith("--chmod item '")) {
        throw new AssertionError(
            "rejection must name the item: " + expected.getMessage(), expected);
      }
      return;
    }
    int out = rules.then(rules).apply(mode, dir);
    if ((out & ~07777) != 0) {
      throw new AssertionError(text + " on " + Integer.toOctalString(mode) + " gave " + out);
    }
  }
}
