// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

/**
 * Waiting that an interrupt cannot cut short: where leaving early would close descriptors under
 * running work.
 */
final class Waits {
  private Waits() {}

  /** One attempt to wait; true when the wait is over. */
  interface Attempt {
    boolean finished() throws InterruptedException;
  }

  /**
   * Repeats {@code attempt} until it finishes, calling {@code onInterrupt} for each interrupt.
   *
   * @return whether an interrupt came: the caller sets the thread's flag again once it is safe
   */
  static boolean through(Attempt attempt, Runnable onInterrupt) {
    boolean interrupted = false;
    while (true) {
      try {
        if (attempt.finished()) {
          return interrupted;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        onInterrupt.run();
      }
    }
  }
}
