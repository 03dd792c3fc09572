// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The one raw glibc binding of the house, with C names and C types, x86_64/aarch64 Linux only: the
 * file calls of the copy engine and the archive's tree import, and the event calls of the capture
 * sources (fanotify, epoll, eventfd, mmap). Direct-mapped (registered natives) because a copy makes
 * several calls per file and interface proxies cost microseconds each. Paths are NUL-terminated
 * byte arrays so names that are not UTF-8 survive. Nothing here checks errors: {@link Posix} turns
 * {@code -1} plus errno into typed exceptions. Loading it is checked once by {@link NativeSupport},
 * whose message says what to do when it fails.
 */
public final class LibC {
  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private LibC() {}

  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_REMOVEDIR = 0x200;
  public static final int AT_SYMLINK_FOLLOW = 0x400;
  public static final int AT_EMPTY_PATH = 0x1000;

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int O_CREAT = 0x40;
  public static final int O_EXCL = 0x80;
  public static final int O_NOCTTY = 0x100;
  public static final int O_TRUNC = 0x200;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_DIRECTORY = 0x10000;
  public static final int O_NOFOLLOW = 0x20000;
  public static final int O_NOATIME = 0x40000;
  public static final int O_CLOEXEC = 0x80000;
  public static final int O_PATH = 0x200000;

  /** __O_TMPFILE | O_DIRECTORY: an unnamed file in the given directory. */
  public static final int O_TMPFILE = 0x410000;

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  public static final int EPOLLIN = 1;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EFD_CLOEXEC = 0x80000;

  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;

  public static final int SEEK_DATA = 3;
  public static final int SEEK_HOLE = 4;

  public static final int STATX_BASIC_STATS = 0x7ff;
  public static final int FICLONE = 0x40049409;
  public static final int XATTR_CREATE = 1;

  /**
   * _IOR(0x15, 0, struct fsuuid2): the filesystem's UUID, 1 length byte then 16 bytes (Linux 6.5+).
   */
  public static final long FS_IOC_GETFSUUID = 0x80111500L;

  public static native int openat(int dirfd, byte[] path, int flags, int mode);

  public static native int close(int fd);

  public static native int statx(int dirfd, byte[] path, int flags, int mask, ByteBuffer buf);

  public static native long getdents64(int fd, ByteBuffer buf, long count);

  public static native int mkdirat(int dirfd, byte[] path, int mode);

  public static native int mknodat(int dirfd, byte[] path, int mode, long dev);

  public static native int symlinkat(byte[] target, int newdirfd, byte[] linkpath);

  public static native long readlinkat(int dirfd, byte[] path, byte[] buf, long size);

  public static native int linkat(
      int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags);

  public static native int unlinkat(int dirfd, byte[] path, int flags);

  public static native int renameat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath);

  public static native int fchmod(int fd, int mode);

  public static native int fchmodat(int dirfd, byte[] path, int mode, int flags);

  public static native int fchown(int fd, int owner, int group);

  public static native int fchownat(int dirfd, byte[] path, int owner, int group, int flags);

  /** times: two struct timespec {i64 sec, i64 nsec}: atime then mtime. */
  public static native int utimensat(int dirfd, byte[] path, long[] times, int flags);

  public static native int futimens(int fd, long[] times);

  public static native int ftruncate(int fd, long length);

  public static native long lseek(int fd, long offset, int whence);

  public static native long pread(int fd, Pointer buf, long count, long offset);

  public static native long pwrite(int fd, Pointer buf, long count, long offset);

  public static native int ioctl(int fd, long request, long arg);

  /** An ioctl that fills a buffer ({@code _IOR}). */
  public static native int ioctl(int fd, long request, byte[] arg);

  /** {@code struct statfs} (120 bytes on x86_64 and aarch64). */
  public static native int fstatfs(int fd, ByteBuffer buf);

  public static native long copy_file_range(
      int fdIn, Pointer offIn, int fdOut, Pointer offOut, long len, int flags);

  public static native long sendfile(int outFd, int inFd, Pointer offset, long count);

  public static native long llistxattr(byte[] path, byte[] list, long size);

  public static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size);

  public static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags);

  public static native int lremovexattr(byte[] path, byte[] name);

  public static native long flistxattr(int fd, byte[] list, long size);

  public static native long fgetxattr(int fd, byte[] name, byte[] value, long size);

  public static native int fsetxattr(int fd, byte[] name, byte[] value, long size, int flags);

  public static native int fremovexattr(int fd, byte[] name);

  public static native int fsync(int fd);

  public static native int socket(int domain, int type, int protocol);

  public static native long sendto(
      int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

  public static native int fdatasync(int fd);

  public static native int geteuid();

  public static native int isatty(int fd);

  public static native String strerror(int errnum);

  // ---- the event sources' calls ----

  public static native long read(int fd, ByteBuffer buf, long count);

  public static native long write(int fd, byte[] buf, long count);

  public static native int open(byte[] path, int flags, int mode);

  public static native long readlink(byte[] path, byte[] buf, long size);

  public static native int fanotify_init(int flags, int eventFlags);

  public static native int fanotify_mark(int fd, int flags, long mask, int dirfd, byte[] path);

  public static native int open_by_handle_at(int mountFd, byte[] handle, int flags);

  public static native int epoll_create1(int flags);

  public static native int epoll_ctl(int epfd, int op, int fd, byte[] event);

  public static native int epoll_wait(int epfd, byte[] events, int max, int timeoutMs);

  public static native int eventfd(int initval, int flags);

  public static native Pointer mmap(
      Pointer addr, long length, int prot, int flags, int fd, long offset);

  public static native int munmap(Pointer addr, long length);

  /** Formats libbpf's log messages (a {@code va_list} it hands to its print callback). */
  public static native int vsnprintf(byte[] buf, long size, Pointer format, Pointer args);
}
