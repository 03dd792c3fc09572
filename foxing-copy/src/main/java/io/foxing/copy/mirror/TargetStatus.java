package io.foxing.copy.mirror;

import java.time.Instant;

/**
 * One target of a {@link Mirror} as it stands now.
 *
 * @param target the target as given
 * @param state where it stands
 * @param reason why it is in that state (for {@link TargetState#LIVE}, what brought it there)
 * @param since when it entered that state
 * @param queued entries waiting to be applied to it
 * @param journaled entries kept in its outage journal (while it is away)
 * @param journalBytes the outage journal's size on disk (0 when kept in memory)
 * @param lastError the last failure met on it, or null
 * @param lastApplied when a change was last applied to it, or null
 */
public record TargetStatus(String target, TargetState state, String reason, Instant since, int queued, int journaled,
    long journalBytes, String lastError, Instant lastApplied) {}
