// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Hears what a copy does, for progress bars, logs and audits. Every method does nothing by default:
 * override the ones you need.
 *
 * <p>Rules: calls come from the copier's worker threads, several at once, so implementations must
 * be thread-safe; they must be fast (a slow listener slows the copy) and must not throw (an
 * exception is logged and otherwise ignored). Events come in pairs: {@link #copyStart} before
 * everything and {@link #copyEnd} after everything, once each (neither when the copy cannot start
 * at all, which the copier reports by throwing); for every file {@link #fileStart} is followed by
 * exactly one of {@link #fileEnd} or {@link #fileFailed}. A file that needs no copy gets {@link
 * #fileUpToDate} alone, and an entry that fails before its contents start moving (it vanished,
 * cannot be opened) gets {@link #fileFailed} alone.
 */
public abstract class CopyListener {
  /** A listener that ignores everything. */
  public static final CopyListener NONE = new CopyListener() {};

  /** The copy begins. */
  public void copyStart(List<Path> sources, String target, CopyOptions options) {}

  /**
   * The concurrent scan of the sources has found this much so far; {@code complete} is true once,
   * at the end. Lets a progress display compute an ETA.
   */
  public void scanProgress(long files, long bytes, boolean complete) {}

  /** Contents of a regular file start moving. */
  public void fileStart(String path, long size) {}

  /**
   * A file's contents and metadata are in place.
   *
   * @param tier what moved the bytes: one of {@link TierNames} ({@code reflink}, {@code cfr},
   *     {@code sendfile}, {@code rw}, {@code delta}, {@code empty}, {@code dry-run}) or the name of
   *     a tier or target from another module (NFS's)
   */
  public void fileEnd(String path, long bytes, String tier) {}

  /**
   * A regular file was already up to date on the target (its metadata may still have been fixed).
   */
  public void fileUpToDate(String path, long size) {}

  /** A file could not be copied; the copy goes on with the others. */
  public void fileFailed(String path, Exception cause) {}

  /**
   * A tier could not serve a file and the next one is tried. Never silent: {@code fxcp -v} and
   * {@code --debug} print it.
   */
  public void tierFallback(String path, String fromTier, String toTier, String reason) {}

  /** An entry was created, updated, linked or deleted (also in a dry run). */
  public void changed(Change change) {}

  /** Something was not preserved exactly (an xattr the target refused, an owner we may not set). */
  public void warning(String path, String message) {}

  /** The copy is over. */
  public void copyEnd(CopyReport report) {}

  /**
   * {@code listener} with the rules above enforced: an exception it throws is logged (through
   * {@link System.Logger}, name {@code io.foxing.api.CopyListener}) and changes nothing else.
   * Copiers wrap the listener they are given once, at the entry, so no part of a copy can be broken
   * by it. Guarding a guarded listener returns it as it is.
   */
  public static CopyListener guarded(CopyListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    return listener instanceof GuardedListener || listener == NONE
        ? listener
        : new GuardedListener(listener);
  }
}
