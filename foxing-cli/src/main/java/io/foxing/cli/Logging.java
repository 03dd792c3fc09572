// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import java.util.Locale;

/**
 * Where the libraries' logs go. They log through slf4j only (an NFS session re-established, a tier
 * that fell back, a mirror that stopped); the command lines bind slf4j to stderr (slf4j-simple) and
 * keep it quiet unless asked, since their own output already says what a user needs: {@code -v}
 * shows the libraries' info lines, {@code --debug} their debug lines, and {@code FOXING_LOG_LEVEL}
 * (off, error, warn, info, debug, trace) sets the level outright, e.g. {@code warn} for foxingd
 * under systemd, whose journal keeps stderr.
 */
final class Logging {
  private Logging() {}

  /** Sets the level from the command line, before the first logger is made. */
  static void configure(String[] args) {
    set(
        "org.slf4j.simpleLogger.defaultLogLevel",
        levelFor(args, System.getenv("FOXING_LOG_LEVEL")));
    set("org.slf4j.simpleLogger.logFile", "System.err");
    set("org.slf4j.simpleLogger.showThreadName", "false");
    set("org.slf4j.simpleLogger.showShortLogName", "true");
    set("org.slf4j.simpleLogger.levelInBrackets", "true");
  }

  /**
   * The level {@code args} ask for ({@code -v} in any bundle of letters, {@code --debug}), or
   * {@code env}'s.
   */
  static String levelFor(String[] args, String env) { // env: null when unset
    if (env != null && !env.isBlank()) {
      return env.strip().toLowerCase(Locale.ROOT);
    }
    String level = "off";
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.equals("--debug")) {
        level = "debug";
      } else if (!level.equals("debug")
          && (a.equals("--verbose") || a.matches("-[A-Za-z]*v[A-Za-z]*"))) {
        level = "info";
      }
    }
    return level;
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) { // -D on the command line wins
      System.setProperty(key, value);
    }
  }
}
