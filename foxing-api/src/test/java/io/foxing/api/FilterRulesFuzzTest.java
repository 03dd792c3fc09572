// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.StringReader;

/**
 * Filter rules come from users and files: whatever the text, building rules either succeeds or
 * throws {@link IllegalArgumentException} naming the pattern, and matching never throws. Runs its
 * corpus in every {@code mvn verify}; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FilterRulesFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyPatternTextIsAcceptedOrRejectedCleanly(FuzzedDataProvider data) throws IOException {
    String rulesText = data.consumeString(400);
    String path = data.consumeString(200);
    boolean dir = data.consumeBoolean();
    FilterRules rules;
    try {
      rules =
          FilterRules.builder().addFrom(new StringReader(rulesText), data.consumeBoolean()).build();
    } catch (IllegalArgumentException expected) {
      if (expected.getMessage() == null || !expected.getMessage().contains("pattern")) {
        throw new AssertionError(
            "rejection must name the pattern: " + expected.getMessage(), expected);
      }
      return;
    }
    rules.isExcluded(path, dir);
    rules.describe();
  }

  @FuzzTest(maxDuration = "60s")
  void anyFilterRuleOrPerDirectoryFileIsAcceptedOrRejectedCleanly(FuzzedDataProvider data)
      throws IOException {
    String rule = data.consumeString(100);
    String fileText = data.consumeString(300);
    String path = data.consumeString(100);
    boolean dir = data.consumeBoolean();
    FilterRules.RuleFiles files = name -> new StringReader(fileText);
    FilterRules rules;
    try {
      rules = FilterRules.builder().filter(rule, files).build().inDirectory("d", files);
    } catch (IllegalArgumentException expected) {
      if (expected.getMessage() == null || !expected.getMessage().contains("filter rule")) {
        throw new AssertionError(
            "rejection must name the rule: " + expected.getMessage(), expected);
      }
      return;
    }
    rules.isExcluded(path, dir);
    rules.isProtected(path, dir, data.consumeBoolean());
    rules.describe();
  }
}
