// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.mirror;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One target of a {@link Mirror} as it stands now: what {@code foxingd status} prints and its
 * metrics are made of.
 *
 * @param target the target as given
 * @param state where it stands
 * @param reason why it is in that state (for {@link TargetState#LIVE}, what brought it there)
 * @param since when it entered that state
 * @param lag how long the oldest change not yet applied to it has waited (zero when none waits)
 * @param queued entries waiting to be applied to it
 * @param retrying entries waiting for a retry after a failure
 * @param running whether a run (a batch, a comparison) is under way on it
 * @param journaled entries kept in its outage journal (while it is away)
 * @param journalBytes the outage journal's size on disk (0 when kept in memory)
 * @param lastError the last failure met on it, or null
 * @param lastApplied when a change was last applied to it, or null
 * @param totals what happened to it since the mirror started
 */
public record TargetStatus(
    String target,
    TargetState state,
    String reason,
    Instant since,
    Duration lag,
    int queued,
    int retrying,
    boolean running,
    int journaled,
    long journalBytes,
    @Nullable String lastError,
    @Nullable Instant lastApplied,
    Totals totals) {

  /**
   * Counts since the mirror started, for one target.
   *
   * @param events file events applied
   * @param batches batches applied
   * @param rescans full comparisons after lost events, failures or hard links (not the first one)
   * @param retriesQueued entries queued for a retry after a failure
   * @param retriesCompleted retried entries that then went through
   * @param hungRuns runs the watchdog found hanging on a target that did not answer
   * @param directoriesPruned directories a comparison left alone because their records vouched for
   *     them
   * @param deltaFiles files updated by a delta copy (changed blocks only)
   * @param deltaBytesSaved bytes those delta copies did not write
   */
  public record Totals(
      long events,
      long batches,
      long rescans,
      long retriesQueued,
      long retriesCompleted,
      long hungRuns,
      long directoriesPruned,
      long deltaFiles,
      long deltaBytesSaved) {}
}
