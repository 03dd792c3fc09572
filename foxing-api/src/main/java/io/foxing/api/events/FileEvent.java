// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.events;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change under a watched root, as the kernel reported it.
 *
 * @param sequence increasing per stream, gaps only where the source says so (an {@link
 *     Kind#OVERFLOW})
 * @param timestampNanos when the change happened, on the {@link System#nanoTime()} clock where the
 *     source knows it (BPF: the kernel's time at the system call's return), else when it was read
 * @param kind what happened
 * @param path the absolute path affected (for a rename: the new name; for {@link Kind#OVERFLOW}:
 *     the root)
 * @param from for {@link Kind#RENAMED}: the old name; for a hard link ({@link Kind#CREATED}): the
 *     existing name it links to; otherwise {@code null}
 * @param pid the process that made the change, or 0 where the source does not say (inotify)
 * @param detail the extended attribute's name for {@link Kind#XATTR_CHANGED}, the reason for {@link
 *     Kind#RESCAN} and {@link Kind#OVERFLOW}; otherwise {@code null}
 */
public record FileEvent(
    long sequence,
    long timestampNanos,
    Kind kind,
    Path path,
    @Nullable Path from,
    int pid,
    @Nullable String detail) {
  public FileEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
  }

  /** What happened. */
  public enum Kind {
    /**
     * A file, symlink, device or FIFO appeared (BPF: opened with {@code O_CREAT}; it may have
     * existed).
     */
    CREATED,
    /**
     * A file's contents changed (written, truncated, allocated). Writes to one open file are
     * coalesced.
     */
    MODIFIED,
    /** A file that was open for writing was closed: a good moment to copy it. */
    CLOSED_AFTER_WRITE,
    /** Renamed within the root: {@link FileEvent#from()} is the old name. */
    RENAMED,
    /**
     * Renamed from inside the root to outside it (or to a name no longer known): gone, like a
     * delete.
     */
    RENAMED_FROM,
    /** Renamed from outside the root into it: appeared, with everything below it. */
    RENAMED_TO,
    /** A name other than a directory was removed. */
    DELETED,
    /** A directory was created. */
    DIRECTORY_CREATED,
    /** A directory was removed. */
    DIRECTORY_REMOVED,
    /** Mode, owner or times changed. */
    ATTRIBUTES_CHANGED,
    /** An extended attribute was set or removed (name in {@link FileEvent#detail()}). */
    XATTR_CHANGED,
    /** The file was flushed to stable storage ({@code fsync}, {@code fdatasync}). */
    SYNCED,
    /**
     * Something under {@link FileEvent#path()} changed but the source could not say exactly what (a
     * path it could not resolve in time, a rename exchange): compare that subtree.
     */
    RESCAN,
    /** Events were lost (a queue or kernel buffer filled): compare the whole root. */
    OVERFLOW
  }
}
