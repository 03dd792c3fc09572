// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import io.foxing.api.ErrnoException;
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
 * </ul>
 */
public final class AtomicFile implements AutoCloseable {

  private final int dirfd;
  private final byte[] cname;
  private final byte[] tmpName; // null: unnamed or in place
  private final boolean inPlace;
  private final String where;
  public final int fd;
  private boolean published;
  private boolean
      marked; // the temporary carries the mark (see Temporaries): taken off before the rename

  private AtomicFile(
      int dirfd, byte[] cname, byte[] tmpName, boolean inPlace, int fd, String where) {
    this.dirfd = dirfd;
    this.cname = cname;
    this.tmpName = tmpName;
    this.inPlace = inPlace;
    this.fd = fd;
    this.where = where;
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
   * The permission bits the file has now, or -1 when it was rewritten in place. A new file is
   * created with its final mode (less the umask), usually saving a chmod; that is safe because it
   * cannot be opened by name before {@link #publish()}, or only as an unfinished temporary.
   */
  public int createdMode(int mode) {
    return inPlace ? -1 : mode & ~Posix.umask() & 07777;
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
   * Closes the descriptor; an unpublished temporary is removed (an unnamed one vanishes by itself).
   */
  @Override
  public void close() {
    Posix.close(fd);
    if (!published && tmpName != null) {
      LibC.unlinkat(dirfd, tmpName, 0);
    }
  }
}
