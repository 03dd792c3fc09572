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
}
