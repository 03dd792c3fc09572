// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

/** Where a {@link Target} reports what a run should know but that does not fail an entry. */
public interface TargetReport {
  /** Something the user should hear about {@code path} (counted as a warning). */
  void warning(String path, String message);

  /** Extended attribute {@code name} of {@code path} could not be set on the target. */
  void notPreserved(String name, String path, Exception cause);

  /** The way bytes were moving ({@code from}) refused {@code path}; {@code to} is tried next. */
  void fallback(String path, String from, String to, String reason);
}
