// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

/**
 * What {@code statx(2)} says about one file, as the copy engine compares it: the fields of the
 * source and of a target entry that decide what a copy must do. A {@link Target} that is not a
 * local filesystem fills in what it knows (an NFS server's file id as {@code ino}, its file system
 * id as {@code dev}); times are seconds and nanoseconds since the epoch.
 *
 * @param mode file type and permission bits, as {@code st_mode}
 * @param nlink the number of hard links
 * @param rdev the device number of a block or character device ({@code makedev} encoding)
 * @param blocks allocated 512-byte blocks (fewer than the size needs: the file has holes)
 */
public record FileStat(
    int mode,
    int uid,
    int gid,
    int nlink,
    long ino,
    long dev,
    long rdev,
    long size,
    long blocks,
    long atimeSec,
    int atimeNsec,
    long mtimeSec,
    int mtimeNsec,
    long ctimeSec,
    int ctimeNsec) {

  /** The file type bits of {@link #mode} and the types, as {@code <sys/stat.h>} defines them. */
  public static final int S_IFMT = 0170000,
      S_IFSOCK = 0140000,
      S_IFLNK = 0120000,
      S_IFREG = 0100000,
      S_IFBLK = 0060000,
      S_IFDIR = 0040000,
      S_IFCHR = 0020000,
      S_IFIFO = 0010000;

  public int type() {
    return mode & S_IFMT;
  }

  public int permissions() {
    return mode & 07777;
  }

  /** The same state with other permission bits (the type bits stay). */
  public FileStat withPermissions(int permissions) {
    return new FileStat(
        type() | (permissions & 07777),
        uid,
        gid,
        nlink,
        ino,
        dev,
        rdev,
        size,
        blocks,
        atimeSec,
        atimeNsec,
        mtimeSec,
        mtimeNsec,
        ctimeSec,
        ctimeNsec);
  }

  /**
   * Whether the contents can be taken to be the same as when {@code before} was read: same size,
   * modification time and change time (and the change time only with {@code ctime}).
   */
  public boolean unchangedSince(FileStat before, boolean ctime) {
    return size == before.size
        && sameMtime(before)
        && (!ctime || ctimeSec == before.ctimeSec && ctimeNsec == before.ctimeNsec);
  }

  public boolean isDirectory() {
    return type() == S_IFDIR;
  }

  public boolean isRegular() {
    return type() == S_IFREG;
  }

  public boolean isSymlink() {
    return type() == S_IFLNK;
  }

  /** A block or character device. */
  public boolean isDevice() {
    return type() == S_IFCHR || type() == S_IFBLK;
  }

  /** Fewer allocated 512-byte blocks than the size needs: the file has holes worth keeping. */
  public boolean isSparse() {
    return isRegular() && blocks * 512L < size;
  }

  public boolean sameMtime(FileStat o) {
    return mtimeSec == o.mtimeSec && mtimeNsec == o.mtimeNsec;
  }

  /**
   * Whether the modification times differ by at most {@code windowNanos} (rsync's {@code
   * --modify-window}; 0: equal).
   */
  public boolean sameMtime(FileStat o, long windowNanos) {
    return windowNanos == 0 ? sameMtime(o) : Math.abs(mtimeNanos() - o.mtimeNanos()) <= windowNanos;
  }

  /** The modification time in nanoseconds since the epoch. */
  public long mtimeNanos() {
    return mtimeSec * 1_000_000_000L + mtimeNsec;
  }

  /** atime then mtime as two struct timespec, the layout utimensat(2) takes. */
  public long[] timespecs() {
    return new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec};
  }
}
