// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

/** fxcp's exit codes, documented in {@code fxcp --help} and the site. */
public final class ExitCode {
  private ExitCode() {}

  /** Everything was copied. */
  public static final int OK = 0;

  /** Some entries failed (each is listed); the rest was copied. */
  public static final int PARTIAL = 1;

  /** Nothing was done: bad arguments, unreachable target, or every entry failed. */
  public static final int NOTHING_DONE = 2;

  /**
   * The exit code of a copy that ended so; a cancelled copy did part of its work, as a partial one.
   */
  public static int of(io.foxing.api.CopyReport.Status status) {
    return switch (status) {
      case SUCCESS -> OK;
      case PARTIAL, CANCELLED -> PARTIAL;
      case FAILED -> NOTHING_DONE;
    };
  }
}
