// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.mirror;

/** Where a mirror's target stands. */
public enum TargetState {
  /** The first comparison with the source is under way. */
  HYDRATING,
  /** Changes are applied as they come. */
  LIVE,
  /**
   * Away: gone, unmounted, not answering, or another filesystem is at its path. Changes are
   * journaled; the target is probed until the same filesystem is back, then caught up.
   */
  DOWN,
  /**
   * Out of space or quota: changes are journaled until space returns (a safe stall, nothing
   * half-written).
   */
  FULL,
  /** Back after an outage or a full disk: the journaled entries, then a full comparison. */
  CATCHING_UP
}
