// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A regular file being written on the target, and how it appears under its name once complete.
 *
 * <ul>
 *   <li>A new file is written as an unnamed {@code O_TMPFILE} inode in its directory and linked
 *       under its name when contents and metadata are done: readers never see it half-written, a
 *       crash leaves nothing behind, and the directory gets one entry added instead of a create
 *       plus a rename. Filesystems without {@code O_TMPFILE} get the temporary name instead.
 *   <li>A file that replaces another is written under a marked temporary name ({@link Temporaries})
 *       and renamed over the old one, which is atomic.
 *   <li>With {@code --inplace} an existing file is truncated and rewritten where it is.
 *   <li>With {@code --partial} a large file is written under its resumable temporary name ({@link
 *       Temporaries#partialNameFor}), whose mark records the bytes already on disk ({@link
 *       #checkpoint}); left behind when the copy does not complete, it is continued by the next run
 *       that copies the same, unchanged source file.
 * </ul>
 */
public final class AtomicFile implements AutoCloseable {

  private final int dirfd;
  private final byte[] cname;
  private final byte[] tmpName; // null: unnamed or in place
  private final boolean inPlace;
  private final String where;
  private final Temporaries.Resume resume; // null: not resumable
  public final int fd;
  private boolean published;
  private boolean
      marked; // the temporary carries the mark (see Temporaries): taken off before the rename

  private AtomicFile(
      int dirfd, byte[] cname, byte[] tmpName, boolean inPlace, int fd, String where) {
    this(dirfd, cname, tmpName, inPlace, fd, where, null);
  }

  private AtomicFile(
      int dirfd,
      byte[] cname,
      byte[] tmpName,
      boolean inPlace,
      int fd,
      String where,
      Temporaries.Resume resume) {
    this.dirfd = dirfd;
    this.cname = cname;
    this.tmpName = tmpName;
    this.inPlace = inPlace;
    this.fd = fd;
    this.where = where;
    this.resume = resume;
    this.marked = resume != null;
  }

  /**
   * Opens the file to write.
   *
   * @param noTmpfile devices known not to support {@code O_TMPFILE}; updated when one refuses
   */
  public static AtomicFile open(
      int dirfd,
      long dev,
      byte[] name,
      byte[] cname,
      boolean replaces,
      boolean inPlace,
      int mode,
      Set<Long> noTmpfile,
      String where)
      throws ErrnoException {
    if (inPlace && replaces) {
      int fd = Posix.openat(dirfd, cname, LibC.O_WRONLY | LibC.O_TRUNC | LibC.O_NOFOLLOW, 0, where);
      return new AtomicFile(dirfd, cname, null, true, fd, where);
    }
    if (!replaces && !noTmpfile.contains(dev)) {
      int fd = LibC.openat(dirfd, DOT, LibC.O_TMPFILE | LibC.O_WRONLY | LibC.O_CLOEXEC, mode);
      if (fd >= 0) {
        return new AtomicFile(dirfd, cname, null, false, fd, where);
      }
      int e = Posix.lastError();
      if (e != Posix.EOPNOTSUPP && e != Posix.EISDIR && e != Posix.EINVAL) {
        throw Posix.error("create", where, e);
      }
      noTmpfile.add(dev);
    }
    byte[] tmp = Temporaries.nameFor(name);
    int fd =
        Posix.openat(
            dirfd, tmp, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW, mode, where);
    AtomicFile t = new AtomicFile(dirfd, cname, tmp, false, fd, where);
    t.marked = Temporaries.mark(fd);
    return t;
  }

  private static final byte[] DOT = ".\0".getBytes(StandardCharsets.US_ASCII);

  /**
   * Opens the resumable temporary of {@code name} for a copy of {@code source}: the one an
   * interrupted run left, cut to what its record says is on disk, when it continues a copy of the
   * same unchanged source; else a new one (an outdated temporary of ours is removed first).
   *
   * @return null where a resumable copy cannot be made: the name is too long for the prefix, the
   *     filesystem keeps no mark, or a file of the user's has the temporary's name (left alone)
   */
  public static AtomicFile openResumable(
      int dirfd, byte[] name, byte[] cname, FileStat source, String where) throws IOException {
    byte[] tmp = Temporaries.partialNameFor(name);
    if (tmp == null) {
      return null;
    }
    // non-blocking and never through a symlink: whatever has that name, it must not hang us
    int fd =
        LibC.openat(
            dirfd,
            tmp,
            LibC.O_RDWR | LibC.O_NOFOLLOW | LibC.O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC,
            0);
    if (fd >= 0) {
      Temporaries.Resume left;
      boolean ours;
      try {
        FileStat st = Posix.fstat(fd, where);
        ours = st.isRegular() && Posix.getXattr(fd, null, Temporaries.MARK, where) != null;
        left = ours && st.nlink() == 1 ? Temporaries.resumeOf(fd, where) : null;
        if (left != null && left.continues(source) && left.done() <= st.size()) {
          Posix.ftruncate(fd, left.done(), where); // what came after the record may be torn
          return new AtomicFile(dirfd, cname, tmp, false, fd, where, left);
        }
      } catch (IOException | RuntimeException e) {
        Posix.close(fd);
        throw e;
      }
      Posix.close(fd);
      if (!ours) {
        return null;
      }
      if (LibC.unlinkat(dirfd, tmp, 0) != 0 && Posix.lastError() != Posix.ENOENT) {
        throw Posix.error("remove outdated temporary of", where, Posix.lastError());
      }
    } else if (Posix.lastError() != Posix.ENOENT) {
      return null; // a symlink, a directory, ...: not ours to touch
    }
    // owner-writable whatever the source's mode, so the next run can open it to continue
    fd =
        Posix.openat(
            dirfd, tmp, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW, 0600, where);
    Temporaries.Resume fresh = Temporaries.Resume.of(source, 0);
    if (!Temporaries.mark(fd, fresh)) {
      Posix.close(fd);
      LibC.unlinkat(dirfd, tmp, 0);
      return null;
    }
    return new AtomicFile(dirfd, cname, tmp, false, fd, where, fresh);
  }

  /** Where a resumable copy continues: the bytes already on disk (0 for any other file). */
  public long resumeAt() {
    return resume == null ? 0 : resume.done();
  }

  /**
   * Records that the first {@code done} bytes are written: synced first, so the record never claims
   * bytes a crash could lose. Only for a resumable file.
   */
  public void checkpoint(long done) throws IOException {
    if (LibC.fdatasync(fd) != 0) {
      throw Posix.error("sync", where, Posix.lastError());
    }
    Temporaries.Resume r = Temporaries.Resume.of(resume, done);
    if (!Temporaries.mark(fd, r)) {
      throw Posix.error("record progress of", where, Posix.lastError());
    }
  }

  /**
   * The permission bits the file has now, or -1 when unknown (rewritten in place, or resumable). A
   * new file is created with its final mode (less the umask), usually saving a chmod; that is safe
   * because it cannot be opened by name before {@link #publish()}, or only as an unfinished
   * temporary.
   */
  public int createdMode(int mode) {
    // a resumable file is made owner-writable (and may be an earlier run's): its mode is set last
    return inPlace || resume != null ? -1 : mode & ~Posix.umask() & 07777;
  }

  /** Makes the complete file visible under its name. */
  public void publish() throws IOException {
    if (inPlace) {
      published = true;
      return;
    }
    if (tmpName == null) {
      try {
        Posix.linkFd(fd, dirfd, cname, where);
        published = true;
        return;
      } catch (ErrnoException e) {
        if (e.errno() != Posix.EEXIST) {
          throw e;
        }
        // someone created the name meanwhile: replace it atomically like any other file
      }
      byte[] tmp = Temporaries.nameFor(Metadata.trimNul(cname));
      Posix.linkFd(
          fd, dirfd, tmp, where); // unmarked: it has its name for the instant before the rename
      renameOver(tmp);
      return;
    }
    if (marked) {
      Temporaries.unmark(fd, where);
    }
    renameOver(tmpName);
  }

  private void renameOver(byte[] tmp) throws IOException {
    try {
      Posix.renameat(dirfd, tmp, dirfd, cname, where);
      published = true;
    } catch (IOException e) {
      LibC.unlinkat(dirfd, tmp, 0);
      throw e;
    }
  }

  /**
   * Closes the descriptor; an unpublished temporary is removed (an unnamed one vanishes by itself),
   * except a resumable one, which is what the next run continues.
   */
  @Override
  public void close() {
    Posix.close(fd);
    if (!published && tmpName != null && resume == null) {
      LibC.unlinkat(dirfd, tmpName, 0);
    }
  }
}
