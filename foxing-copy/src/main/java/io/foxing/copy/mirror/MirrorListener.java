// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.mirror;

import io.foxing.api.Change;
import io.foxing.api.CopyReport;
import org.jspecify.annotations.Nullable;

/**
 * Hears what a {@link Mirror} does. Called from the mirror's threads (one per target, so calls
 * about different targets may come at once): keep it quick and thread-safe. An exception thrown
 * here is logged and changes nothing.
 */
public interface MirrorListener {
  MirrorListener NONE = new MirrorListener() {};

  /**
   * The initial comparison of a target ended: after it, the target had what the source had then.
   */
  default void hydrated(String target, CopyReport report) {}

  /** The mirror is live: hydrated, and applying changes as they come. */
  default void ready() {}

  /** A change was applied to a target, with rsync's itemize code. */
  default void changed(String target, Change change) {}

  /**
   * A batch of {@code events} events was applied to a target; {@code lag}: from the oldest of them
   * happening to the batch being complete at the target.
   */
  default void applied(
      String target, long events, @Nullable CopyReport report, java.time.Duration lag) {}

  /** Changes were lost (a queue overflowed), so the whole tree is compared again. */
  default void rescan(String why) {}

  /**
   * A target changed state: it went away ({@link TargetState#DOWN}), filled up ({@link
   * TargetState#FULL}), came back ({@link TargetState#CATCHING_UP}) or is live again.
   */
  default void state(String target, TargetState state, String why) {}

  /** An entry could not be brought in line; the mirror goes on (a later change of it retries). */
  default void failed(String target, String path, String reason) {}
}
