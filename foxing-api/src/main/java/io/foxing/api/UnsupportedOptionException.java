// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

/**
 * An option the target cannot honour: refused before anything is written, never ignored. The
 * message is one line naming the target and the option.
 */
public final class UnsupportedOptionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String option;

  public UnsupportedOptionException(String target, String option) {
    super(target + ": " + option + " is not supported for this target; drop it");
    this.option = option;
  }

  /** The option as written on the command line, e.g. {@code -X/--xattrs}. */
  public String option() {
    return option;
  }
}
