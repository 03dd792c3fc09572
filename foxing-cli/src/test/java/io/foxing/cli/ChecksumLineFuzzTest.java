// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

/**
 * Checksum lists come from anywhere: any line parses or is rejected with a message, never anything
 * else.
 */
class ChecksumLineFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void anyLineParsesOrIsRejectedCleanly(FuzzedDataProvider data) {
    String line = data.consumeRemainingAsString();
    try {
      Sum.ChecksumLine c = Sum.ChecksumLine.parse(line);
      if (c.hex().isEmpty() || c.path().isEmpty()) {
        throw new AssertionError("accepted an empty field: " + line);
      }
    } catch (IllegalArgumentException expected) {
      if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
        throw new AssertionError("rejection without a message", expected);
      }
    }
  }

  @Test
  void b3sumEscapesRoundTrip() {
    assertEquals(
        new Sum.ChecksumLine("ab01", "a\nb\\c"), Sum.ChecksumLine.parse("\\ab01  a\\nb\\\\c"));
    assertEquals(
        new Sum.ChecksumLine("ab01", "two  spaces"), Sum.ChecksumLine.parse("ab01  two  spaces"));
  }
}
