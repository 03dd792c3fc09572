// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

/**
 * The names a report and a listener use for what moved a file's contents ({@link
 * CopyReport#filesByTier()}, {@link CopyListener#fileEnd}): the built-in tiers' names are their
 * {@link CopyMethod#cliName()}s; four more name the files no tier moved, or moved in part. A tier
 * from another module names itself.
 */
public final class TierNames {
  private TierNames() {}

  public static final String REFLINK = "reflink";
  public static final String COPY_FILE_RANGE = "cfr";
  public static final String SENDFILE = "sendfile";
  public static final String READ_WRITE = "rw";

  /** Changed chunks written in place, the rest kept (a target with a fresh signature). */
  public static final String DELTA = "delta";

  /**
   * A file continued from what an interrupted run had written ({@code --partial}): only the rest
   * moved.
   */
  public static final String RESUMED = "resumed";

  /** An empty file: nothing to move. */
  public static final String EMPTY = "empty";

  /** A dry run: nothing moved. */
  public static final String DRY_RUN = "dry-run";
}
