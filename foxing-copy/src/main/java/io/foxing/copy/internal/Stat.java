package io.foxing.copy.internal;

/** What statx(2) says about one inode; only the fields the copier uses. */
public record Stat(
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

  public int type() {
    return mode & LibC.S_IFMT;
  }

  public int permissions() {
    return mode & 07777;
  }

  public boolean isDirectory() {
    return type() == LibC.S_IFDIR;
  }

  public boolean isRegular() {
    return type() == LibC.S_IFREG;
  }

  public boolean isSymlink() {
    return type() == LibC.S_IFLNK;
  }

  /** Fewer allocated 512-byte blocks than the size needs: the file has holes worth keeping. */
  public boolean isSparse() {
    return isRegular() && blocks * 512L < size;
  }

  public boolean sameMtime(Stat o) {
    return mtimeSec == o.mtimeSec && mtimeNsec == o.mtimeNsec;
  }

  /** atime then mtime as two struct timespec, the layout utimensat(2) takes. */
  public long[] timespecs() {
    return new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec};
  }
}
