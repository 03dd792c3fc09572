// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The libraries' logs stay quiet unless the command line or FOXING_LOG_LEVEL asks for them. */
class LoggingTest {
  @Test
  void quietUnlessAsked() {
    assertEquals("off", Logging.levelFor(new String[] {"-a", "src/", "dst"}, null));
    assertEquals(
        "info",
        Logging.levelFor(new String[] {"-avh", "src/", "dst"}, null),
        "rsync's bundled letters");
    assertEquals("info", Logging.levelFor(new String[] {"--verbose", "a", "b"}, null));
    assertEquals("debug", Logging.levelFor(new String[] {"-v", "--debug", "a", "b"}, null));
    assertEquals(
        "off", Logging.levelFor(new String[] {"-a", "--", "-v", "b"}, null), "after --, names");
    assertEquals(
        "warn", Logging.levelFor(new String[] {"daemon"}, " WARN "), "FOXING_LOG_LEVEL wins");
    assertEquals("off", Logging.levelFor(new String[] {"--version"}, ""));
  }
}
