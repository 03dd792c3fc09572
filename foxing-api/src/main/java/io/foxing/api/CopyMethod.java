// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.util.Locale;

/**
 * How file contents are moved. {@link #AUTO} lets the copier pick the fastest tier that is correct
 * for each file and fall back on its own; the others force one tier (and fail the file rather than
 * fall back), which is what {@code fxcp --copy-method} is for.
 */
public enum CopyMethod {
  /** Pick per file: reflink, then copy_file_range, then sendfile or read/write. */
  AUTO("auto"),
  /** FICLONE: share extents (btrfs, XFS); only within one filesystem. */
  REFLINK(TierNames.REFLINK),
  /** copy_file_range(2): in-kernel copy, server-side on NFS 4.2. */
  COPY_FILE_RANGE(TierNames.COPY_FILE_RANGE),
  /** sendfile(2): in-kernel page-cache copy, good for small files across filesystems. */
  SENDFILE(TierNames.SENDFILE),
  /** read(2)/write(2) through large pooled buffers: works everywhere. */
  READ_WRITE(TierNames.READ_WRITE);

  private final String cliName;

  CopyMethod(String cliName) {
    this.cliName = cliName;
  }

  /** The short name used on the command line and in reports ({@code reflink}, {@code cfr}, ...). */
  public String cliName() {
    return cliName;
  }

  /**
   * Parses a command-line name.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CopyMethod fromCliName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (CopyMethod m : values()) {
      if (m.cliName.equals(n) || m.name().toLowerCase(Locale.ROOT).equals(n)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown copy method '" + name + "': use one of auto, reflink, cfr, sendfile, rw");
  }
}
