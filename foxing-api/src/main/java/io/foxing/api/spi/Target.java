// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import io.foxing.api.CopyOptions;
import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a copy goes: a local path or a remote location ({@code nfs://host/export/dir}). The copy
 * engine walks the sources, plans each entry and carries the plan out through a target's {@link
 * TargetDirectory directories}, so every target follows the same rules (sources, trailing slash,
 * the target becoming the copy, filters, delete protection, itemize codes, listener, cancellation).
 * A target only says what it can do ({@link #capabilities()}); an option that needs a capability it
 * lacks is refused before anything is written.
 *
 * <p>A target names one path, the <em>named target</em> (what the user typed). It is opened per
 * copy run through {@link #openDirectory} or {@link #openParent}. Implementations are thread-safe.
 */
public interface Target extends Closeable {
  /** What a target can carry or do beyond names, contents, modes, owners, times and links. */
  enum Capability {
    /**
     * Extended attributes ({@code -X}). Not refused when missing, since {@code -a} asks for them:
     * the engine reports each one of a copied file or directory as not preserved instead.
     */
    XATTRS("-X/--xattrs"),
    /** POSIX ACLs ({@code -A}). Not refused when missing, like {@link #XATTRS}. */
    ACLS("-A/--acls"),
    /** Block and character devices ({@code --devices}). */
    DEVICES("--devices"),
    /** FIFOs and sockets ({@code --specials}). */
    SPECIALS("--specials"),
    /**
     * Signatures and directory records kept on the target ({@code --generate-sigs}): delta updates,
     * skipped directories.
     */
    SIGNATURES("--generate-sigs"),
    /** Comparing contents by reading the target back ({@code --checksum}). */
    CHECKSUM("-c/--checksum"),
    /**
     * Keeping an interrupted file, with a record of what of it is on disk, to continue from ({@code
     * --partial}).
     */
    RESUME("--partial"),
    /** Writing changed files in place ({@code --inplace}). */
    IN_PLACE("--inplace"),
    /** Choosing how bytes move ({@code --copy-method}). */
    COPY_METHODS("--copy-method"),
    /** Flushing each file to stable storage before it is published ({@code --fsync}). */
    FSYNC("--fsync"),
    /** Making holes for zeros, or filling them ({@code --sparse=always|never}). */
    SPARSE_CONTROL("--sparse"),
    /**
     * Directories beside the target on its filesystem: backups renamed into one, reference files
     * linked from others ({@code --backup-dir}, {@code --compare-dest}, {@code --copy-dest}, {@code
     * --link-dest}).
     */
    SIDE_DIRECTORIES("--backup-dir/--compare-dest/--copy-dest/--link-dest");

    private final String option;

    Capability(String option) {
      this.option = option;
    }

    /** The command-line option that needs it, for messages. */
    public String option() {
      return option;
    }
  }

  /** The target as the user gave it, for messages. */
  String display();

  /**
   * What this target can do; options needing anything else are refused (see {@link Capability}).
   */
  Set<Capability> capabilities();

  /**
   * The named target's state, following a final symlink as {@code cp} does; null if nothing is
   * there.
   *
   * @throws IOException if it cannot be reached
   */
  @Nullable FileStat stat() throws IOException;

  /**
   * Opens the named target as a directory for one run.
   *
   * @param create make it if it is missing (and, with {@link CopyOptions#mkpath()}, its parents)
   * @param report where this run's warnings go
   * @throws IOException if it cannot be opened or made; the message names it
   */
  TargetDirectory openDirectory(boolean create, TargetReport report) throws IOException;

  /**
   * Opens the directory that holds the named target, for one run: the copy is made there under
   * {@link #name()}. With {@link CopyOptions#mkpath()} (and not a dry run) missing parents are
   * made.
   *
   * @return null if that directory does not exist (and was not to be made)
   */
  @Nullable TargetDirectory openParent(TargetReport report) throws IOException;

  /** The named target's last path element, as bytes. */
  byte[] name();

  /**
   * Which filesystem the named target is on now, as an opaque string that stays the same across
   * remounts and reconnections of one filesystem and differs for another one mounted (or exported)
   * at the same path. A mirror compares it before each batch, so that it never writes into a mount
   * point whose filesystem went away, nor into another filesystem. The default names the target
   * whenever something is there, which tells an outage from a working target but not one filesystem
   * from another.
   *
   * @return null if nothing (or not a directory) is at the named target
   * @throws IOException if the target cannot be reached
   */
  default @Nullable String identity() throws IOException {
    FileStat s = stat();
    return s == null || !s.isDirectory() ? null : display();
  }

  /**
   * Proves that the target works now, for a mirror's liveness checks: a local target writes a small
   * unnamed file and flushes it to stable storage. It may block as long as the target does (a dying
   * disk, a server that went away); callers bound the time they wait.
   *
   * @throws IOException if it does not
   */
  default void probe() throws IOException {
    if (identity() == null) {
      throw new IOException(display() + ": no directory there");
    }
  }

  /**
   * Bytes the named target's filesystem can still take, for the user running the copy; -1 if
   * unknown.
   */
  default long available() throws IOException {
    return -1;
  }

  /**
   * Workers this target wants for a run when the options leave it open; 0 lets the engine choose.
   */
  default int workers() {
    return 0;
  }

  /** Ends what the target holds for its runs (connections, sessions). */
  @Override
  void close() throws IOException;
}
