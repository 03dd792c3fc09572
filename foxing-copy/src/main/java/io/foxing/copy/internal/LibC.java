package io.foxing.copy.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The raw glibc binding, with C names and C types, x86_64/aarch64 Linux only. Direct-mapped
 * (registered natives) because a copy makes several calls per file and interface proxies cost
 * microseconds each. Paths are NUL-terminated byte arrays so names that are not UTF-8 survive.
 * Nothing here checks errors: {@link Posix} turns {@code -1} plus errno into exceptions.
 */
final class LibC {
  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private LibC() {}

  static final int AT_FDCWD = -100;
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_REMOVEDIR = 0x200;
  static final int AT_SYMLINK_FOLLOW = 0x400;
  static final int AT_EMPTY_PATH = 0x1000;

  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0x40;
  static final int O_EXCL = 0x80;
  static final int O_NOCTTY = 0x100;
  static final int O_TRUNC = 0x200;
  static final int O_NONBLOCK = 0x800;
  static final int O_DIRECTORY = 0x10000;
  static final int O_NOFOLLOW = 0x20000;
  static final int O_NOATIME = 0x40000;
  static final int O_CLOEXEC = 0x80000;
  static final int O_PATH = 0x200000;

  static final int S_IFMT = 0170000;
  static final int S_IFSOCK = 0140000;
  static final int S_IFLNK = 0120000;
  static final int S_IFREG = 0100000;
  static final int S_IFBLK = 0060000;
  static final int S_IFDIR = 0040000;
  static final int S_IFCHR = 0020000;
  static final int S_IFIFO = 0010000;

  static final int SEEK_DATA = 3;
  static final int SEEK_HOLE = 4;

  static final int STATX_BASIC_STATS = 0x7ff;
  static final int FICLONE = 0x40049409;
  static final int XATTR_CREATE = 1;

  static native int openat(int dirfd, byte[] path, int flags, int mode);

  static native int close(int fd);

  static native int statx(int dirfd, byte[] path, int flags, int mask, ByteBuffer buf);

  static native long getdents64(int fd, ByteBuffer buf, long count);

  static native int mkdirat(int dirfd, byte[] path, int mode);

  static native int mknodat(int dirfd, byte[] path, int mode, long dev);

  static native int symlinkat(byte[] target, int newdirfd, byte[] linkpath);

  static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size);

  static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

  static native int unlinkat(int dirfd, byte[] path, int flags);

  static native int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

  static native int fchmod(int fd, int mode);

  static native int fchmodat(int dirfd, byte[] path, int mode, int flags);

  static native int fchown(int fd, int owner, int group);

  static native int fchownat(int dirfd, byte[] path, int owner, int group, int flags);

  /** times: two struct timespec {i64 sec, i64 nsec}: atime then mtime. */
  static native int utimensat(int dirfd, byte[] path, long[] times, int flags);

  static native int futimens(int fd, long[] times);

  static native int ftruncate(int fd, long length);

  static native long lseek(int fd, long offset, int whence);

  static native long pread(int fd, Pointer buf, long count, long offset);

  static native long pwrite(int fd, Pointer buf, long count, long offset);

  static native int ioctl(int fd, long request, long arg);

  static native long copy_file_range(int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);

  static native long sendfile(int outFd, int inFd, Pointer offset, long count);

  static native long llistxattr(byte[] path, byte[] list, long size);

  static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size);

  static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags);

  static native int lremovexattr(byte[] path, byte[] name);

  static native long flistxattr(int fd, byte[] list, long size);

  static native long fgetxattr(int fd, byte[] name, byte[] value, long size);

  static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

  static native int fremovexattr(int fd, byte[] name);

  static native int fsync(int fd);

  static native int fdatasync(int fd);

  static native int geteuid();

  static native String strerror(int errnum);
}
