// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * One kind of metadata or file type the copier keeps. {@link #ARCHIVE} is what {@code -a} means.
 */
public enum Preserve {
  /** Permission bits, including setuid/setgid/sticky. */
  MODE,
  /** The owning user (needs root to change). */
  OWNER,
  /** The owning group. */
  GROUP,
  /** Modification and access times with nanoseconds (symlinks keep their own). */
  TIMES,
  /** Extended attributes in every namespace the process may write (user, trusted, security). */
  XATTRS,
  /** POSIX ACLs (access and default). */
  ACLS,
  /** Hard-linked files stay hard-linked on the target. */
  HARD_LINKS,
  /** Symlinks are copied as symlinks; without it they are skipped and reported. */
  LINKS,
  /** Block and character devices. */
  DEVICES,
  /** FIFOs and sockets. */
  SPECIALS;

  /** Everything: what {@code cp -a} keeps and what {@code rsync -aHAX} checks. */
  public static final Set<Preserve> ARCHIVE =
      java.util.Collections.unmodifiableSet(EnumSet.allOf(Preserve.class));
}
