// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

/**
 * When {@link CopyOptions#delete()} removes what the source does not have, as rsync's {@code
 * --delete-before}, {@code --delete-during} and {@code --delete-after}. The tree that results is
 * the same; what differs is what a run that stops half-way leaves, and how full the target gets on
 * the way.
 */
public enum DeleteTiming {
  /**
   * A pass that only deletes walks the tree first, then the copy: room is made before anything is
   * written (for a target short of space).
   */
  BEFORE,
  /**
   * Each directory's extraneous entries go when the directory is reached, before its files are
   * copied: one walk, the default.
   */
  DURING,
  /**
   * The copy first, then a pass that only deletes: an interrupted run has deleted nothing (rsync's
   * {@code --delete-after} and {@code --delete-delay}).
   */
  AFTER
}
