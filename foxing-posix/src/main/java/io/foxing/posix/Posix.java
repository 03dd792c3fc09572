// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The facade over {@link LibC}: every call checks its result and turns errno into a typed {@link
 * ErrnoException} whose message names the operation and the path. Paths in messages are what the
 * caller passes as {@code where} (the user's path), since the call itself only sees a descriptor
 * and a name. Thread-safe; scratch buffers are per thread.
 */
public final class Posix {
  private Posix() {}

  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int EFBIG = 27;
  public static final int ENOSPC = 28;
  public static final int ERANGE = 34;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int EMFILE = 24;
  public static final int EROFS = 30;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;
  public static final int EPERM = 1;
  public static final int EDQUOT = 122;
  public static final int ENAMETOOLONG = 36;
  public static final int EBADF = 9;
  public static final int ENXIO = 6;
  public static final int ESTALE = 116;

  private static final String[] NAMES = new String[134];

  static {
    String[][] known = {
      {"1", "EPERM"},
      {"2", "ENOENT"},
      {"4", "EINTR"},
      {"5", "EIO"},
      {"6", "ENXIO"},
      {"9", "EBADF"},
      {"11", "EAGAIN"},
      {"12", "ENOMEM"},
      {"13", "EACCES"},
      {"16", "EBUSY"},
      {"17", "EEXIST"},
      {"18", "EXDEV"},
      {"19", "ENODEV"},
      {"20", "ENOTDIR"},
      {"21", "EISDIR"},
      {"22", "EINVAL"},
      {"24", "EMFILE"},
      {"26", "ETXTBSY"},
      {"27", "EFBIG"},
      {"28", "ENOSPC"},
      {"30", "EROFS"},
      {"31", "EMLINK"},
      {"34", "ERANGE"},
      {"36", "ENAMETOOLONG"},
      {"38", "ENOSYS"},
      {"39", "ENOTEMPTY"},
      {"40", "ELOOP"},
      {"61", "ENODATA"},
      {"95", "EOPNOTSUPP"},
      {"116", "ESTALE"},
      {"122", "EDQUOT"}
    };
    for (String[] k : known) {
      NAMES[Integer.parseInt(k[0])] = k[1];
    }
  }

  /** The C name of an errno value, or {@code errno N}. */
  public static String errnoName(int errno) {
    return errno > 0 && errno < NAMES.length && NAMES[errno] != null
        ? NAMES[errno]
        : "errno " + errno;
  }

  public static int lastError() {
    return Native.getLastError();
  }

  /**
   * The typed exception for a failed call: no-space, not-found and retryable get their own types.
   */
  public static ErrnoException error(String operation, String where, int errno) {
    String name = errnoName(errno);
    String text = LibC.strerror(errno);
    switch (errno) {
      case ENOSPC:
      case EDQUOT:
        return new ErrnoException.NoSpace(operation, where, errno, name, text);
      case ENOENT:
        return new ErrnoException.NotFound(operation, where, errno, name, text);
      case EINTR:
      case EAGAIN:
        return new ErrnoException.Retryable(operation, where, errno, name, text);
      default:
        return new ErrnoException(operation, where, errno, name, text);
    }
  }

  private static ErrnoException fail(String operation, String where) {
    return error(operation, where, lastError());
  }

  // ---- names ----

  /** A NUL-terminated copy of {@code name} for the C calls. */
  public static byte[] cstr(byte[] name) {
    return Arrays.copyOf(name, name.length + 1);
  }

  public static final byte[] EMPTY = {0};

  // ---- descriptors ----

  public static int openat(int dirfd, byte[] cname, int flags, int mode, String where)
      throws ErrnoException {
    int fd = LibC.openat(dirfd, cname, flags | LibC.O_CLOEXEC, mode);
    if (fd < 0) {
      throw fail("open", where);
    }
    return fd;
  }

  /**
   * Opens {@code path} as given on the command line (following symlinks in it, as cp and rsync do).
   */
  public static int openPath(String path, int flags, String where) throws ErrnoException {
    return openat(
        LibC.AT_FDCWD,
        cstr(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        flags,
        0,
        where);
  }

  /**
   * Reads a small regular file of a directory whole: a state or rules file, which must never block
   * (a FIFO planted under its name is opened without blocking and refused) nor be followed through
   * a symlink.
   *
   * @return its bytes, or null if there is no such entry
   * @throws ErrnoException EINVAL if it is not a regular file, EFBIG if it is larger than {@code
   *     maxBytes}, or the error of the open or read
   */
  public static byte[] readSmallFile(int dirfd, byte[] cname, int maxBytes, String where)
      throws ErrnoException {
    int fd =
        LibC.openat(
            dirfd, cname, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      if (lastError() == ENOENT) {
        return null;
      }
      throw fail("open", where);
    }
    try {
      FileStat st = fstat(fd, where);
      if (!st.isRegular()) {
        throw error("read (not a regular file)", where, EINVAL);
      }
      if (st.size() > maxBytes) {
        throw error("read (over " + maxBytes + " bytes)", where, EFBIG);
      }
      byte[] out = new byte[(int) st.size()];
      int got = 0;
      while (got < out.length) {
        int n = pread(fd, out, got, out.length - got, got, where);
        if (n == 0) {
          return Arrays.copyOf(out, got); // it shrank while read
        }
        got += n;
      }
      return out;
    } finally {
      close(fd);
    }
  }

  public static void close(int fd) {
    if (fd >= 0) {
      LibC.close(fd);
    }
  }

  // ---- stat ----

  private static final ThreadLocal<ByteBuffer> STATX_BUF =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(256).order(ByteOrder.nativeOrder()));

  /**
   * statx of {@code cname} under {@code dirfd}, not following a final symlink; null if it does not
   * exist.
   */
  public static FileStat statIfExists(int dirfd, byte[] cname, String where) throws ErrnoException {
    ByteBuffer b = STATX_BUF.get();
    if (LibC.statx(dirfd, cname, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, b) != 0) {
      int e = lastError();
      if (e == ENOENT) {
        return null;
      }
      throw error("stat", where, e);
    }
    return parseStatx(b);
  }

  /**
   * The state of what entry {@code cname} refers to, following symlinks (rsync's and cp's {@code
   * -L}); null if a symlink has no referent.
   */
  public static FileStat statFollowing(int dirfd, byte[] cname, String where)
      throws ErrnoException {
    ByteBuffer b = STATX_BUF.get();
    if (LibC.statx(dirfd, cname, 0, LibC.STATX_BASIC_STATS, b) != 0) {
      int e = lastError();
      if (e == ENOENT) {
        return null;
      }
      throw error("stat", where, e);
    }
    return parseStatx(b);
  }

  public static FileStat stat(int dirfd, byte[] cname, String where) throws ErrnoException {
    FileStat s = statIfExists(dirfd, cname, where);
    if (s == null) {
      throw error("stat", where, ENOENT);
    }
    return s;
  }

  public static FileStat fstat(int fd, String where) throws ErrnoException {
    ByteBuffer b = STATX_BUF.get();
    if (LibC.statx(
            fd, EMPTY, LibC.AT_EMPTY_PATH | LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, b)
        != 0) {
      throw fail("stat", where);
    }
    return parseStatx(b);
  }

  /** Whether a path as the user gave it (symlinks followed) is an existing directory. */
  public static boolean isDirectoryPath(String path) throws ErrnoException {
    ByteBuffer b = STATX_BUF.get();
    byte[] c = cstr(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (LibC.statx(LibC.AT_FDCWD, c, 0, LibC.STATX_BASIC_STATS, b) != 0) {
      int e = lastError();
      if (e == ENOENT || e == ENOTDIR) {
        return false;
      }
      throw error("stat", path, e);
    }
    return (b.getShort(28) & LibC.S_IFMT) == LibC.S_IFDIR;
  }

  private static FileStat parseStatx(ByteBuffer b) {
    int mode = b.getShort(28) & 0xffff;
    long dev = ((long) b.getInt(136) << 32) | (b.getInt(140) & 0xffffffffL);
    long rdev = makedev(b.getInt(128), b.getInt(132));
    return new FileStat(
        mode,
        b.getInt(20),
        b.getInt(24),
        b.getInt(16),
        b.getLong(32),
        dev,
        rdev,
        b.getLong(40),
        b.getLong(48),
        b.getLong(64),
        b.getInt(72),
        b.getLong(112),
        b.getInt(120),
        b.getLong(96),
        // -1: the filesystem did not say (stx_mask lacks STATX_CTIME or STATX_INO); see
        // DirRecords.racy
        (b.getInt(0) & 0x180) == 0x180 ? b.getInt(104) : -1);
  }

  /**
   * What statfs(2) says of a filesystem: its magic number, its id, and the bytes an unprivileged
   * user may still write.
   */
  public record FsInfo(long type, long fsid, long available) {}

  public static FsInfo statfs(int fd, String where) throws ErrnoException {
    ByteBuffer b = ByteBuffer.allocateDirect(120).order(java.nio.ByteOrder.nativeOrder());
    if (LibC.fstatfs(fd, b) != 0) {
      throw fail("statfs", where);
    }
    return new FsInfo(b.getLong(0), b.getLong(56), b.getLong(32) * b.getLong(8));
  }

  /**
   * The filesystem's UUID (FS_IOC_GETFSUUID), or null where it has none (all zeros) or the kernel
   * cannot tell.
   */
  public static byte[] fsUuid(int fd) {
    byte[] buf = new byte[17];
    if (LibC.ioctl(fd, LibC.FS_IOC_GETFSUUID, buf) != 0) {
      return null;
    }
    int len = Math.min(16, buf[0] & 0xff);
    byte[] uuid = java.util.Arrays.copyOfRange(buf, 1, 1 + len);
    for (byte x : uuid) {
      if (x != 0) {
        return uuid;
      }
    }
    return null;
  }

  /**
   * Sends one datagram to the Unix socket at {@code address} ({@code @name}: the abstract
   * namespace), as systemd's notify protocol wants; Java's own Unix sockets are streams only.
   */
  public static void sendDatagram(String address, byte[] message) throws ErrnoException {
    byte[] path = address.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    boolean abstractName = path.length > 0 && path[0] == '@';
    if (path.length == 0 || path.length > 107) {
      throw error("send to", address, EINVAL);
    }
    byte[] addr = new byte[2 + path.length + (abstractName ? 0 : 1)];
    addr[0] = 1; // AF_UNIX, little-endian sa_family_t
    System.arraycopy(path, 0, addr, 2, path.length);
    if (abstractName) {
      addr[2] = 0;
    }
    int fd = LibC.socket(1, 2 | LibC.O_CLOEXEC, 0); // AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC
    if (fd < 0) {
      throw fail("socket", address);
    }
    try {
      if (LibC.sendto(fd, message, message.length, 0x4000 /* MSG_NOSIGNAL */, addr, addr.length)
          < 0) {
        throw fail("send to", address);
      }
    } finally {
      close(fd);
    }
  }

  /** glibc's makedev(3) encoding of a dev_t. */
  public static long makedev(int major, int minor) {
    long ma = major & 0xffffffffL;
    long mi = minor & 0xffffffffL;
    return ((ma & 0xfffff000L) << 32)
        | ((ma & 0xfffL) << 8)
        | ((mi & 0xffffff00L) << 12)
        | (mi & 0xffL);
  }

  // ---- directories ----

  /**
   * One directory entry: its name's bytes and the d_type hint (0 when the filesystem gives none).
   */
  public record Dirent(byte[] name, int type) {}

  private static final ThreadLocal<ByteBuffer> DENTS_BUF =
      ThreadLocal.withInitial(
          () -> ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder()));

  /** Every entry of the open directory except {@code .} and {@code ..}. */
  public static List<Dirent> readdir(int dirfd, String where) throws ErrnoException {
    ByteBuffer b = DENTS_BUF.get();
    List<Dirent> out = new ArrayList<>();
    if (LibC.lseek(dirfd, 0, 0) < 0) {
      throw fail("rewind directory", where);
    }
    while (true) {
      long n = LibC.getdents64(dirfd, b, b.capacity());
      if (n < 0) {
        throw fail("read directory", where);
      }
      if (n == 0) {
        return out;
      }
      int pos = 0;
      while (pos < n) {
        int reclen = b.getShort(pos + 16) & 0xffff;
        int type = b.get(pos + 18) & 0xff;
        int start = pos + 19;
        int end = start;
        while (b.get(end) != 0) {
          end++;
        }
        int len = end - start;
        boolean dot =
            (len == 1 && b.get(start) == '.')
                || (len == 2 && b.get(start) == '.' && b.get(start + 1) == '.');
        if (!dot) {
          byte[] name = new byte[len];
          b.get(start, name);
          out.add(new Dirent(name, type));
        }
        pos += reclen;
      }
    }
  }

  public static void mkdirat(int dirfd, byte[] cname, int mode, String where)
      throws ErrnoException {
    if (LibC.mkdirat(dirfd, cname, mode) != 0) {
      throw fail("mkdir", where);
    }
  }

  public static void unlinkat(int dirfd, byte[] cname, boolean directory, String where)
      throws ErrnoException {
    if (LibC.unlinkat(dirfd, cname, directory ? LibC.AT_REMOVEDIR : 0) != 0) {
      throw fail(directory ? "rmdir" : "unlink", where);
    }
  }

  /** A new name for an existing entry, never following a final symlink. */
  public static void linkat(
      int olddirfd, byte[] oldname, int newdirfd, byte[] newname, String where)
      throws ErrnoException {
    if (LibC.linkat(olddirfd, oldname, newdirfd, newname, 0) != 0) {
      throw fail("link", where);
    }
  }

  public static void renameat(
      int olddirfd, byte[] oldname, int newdirfd, byte[] newname, String where)
      throws ErrnoException {
    if (LibC.renameat(olddirfd, oldname, newdirfd, newname) != 0) {
      throw fail("rename", where);
    }
  }

  public static byte[] readlinkat(int dirfd, byte[] cname, long sizeHint, String where)
      throws ErrnoException {
    int cap = (int) Math.max(64, Math.min(sizeHint + 1, 1 << 20));
    while (true) {
      byte[] buf = new byte[cap];
      long n = LibC.readlinkat(dirfd, cname, buf, cap);
      if (n < 0) {
        throw fail("readlink", where);
      }
      if (n < cap) {
        return Arrays.copyOf(buf, (int) n);
      }
      cap *= 2;
    }
  }

  public static void symlinkat(byte[] target, int dirfd, byte[] cname, String where)
      throws ErrnoException {
    if (LibC.symlinkat(cstr(target), dirfd, cname) != 0) {
      throw fail("symlink", where);
    }
  }

  public static void mknodat(int dirfd, byte[] cname, int mode, long dev, String where)
      throws ErrnoException {
    if (LibC.mknodat(dirfd, cname, mode, dev) != 0) {
      throw fail("mknod", where);
    }
  }

  /**
   * Whether linkat(AT_EMPTY_PATH) works for us (it needs CAP_DAC_READ_SEARCH); probed on first use.
   */
  private static volatile boolean emptyPathLink = true;

  /**
   * Gives the inode behind a descriptor (an {@code O_PATH} one, or an unnamed {@code O_TMPFILE}) a
   * name. With the capability, straight from the descriptor; otherwise through its /proc link,
   * which needs no privilege but costs a path walk.
   */
  public static void linkFd(int fd, int newdirfd, byte[] cname, String where)
      throws ErrnoException {
    if (emptyPathLink) {
      if (LibC.linkat(fd, EMPTY, newdirfd, cname, LibC.AT_EMPTY_PATH) == 0) {
        return;
      }
      int e = lastError();
      if (e != ENOENT && e != EPERM) {
        throw error("link", where, e);
      }
      emptyPathLink = false;
    }
    byte[] proc =
        cstr(("/proc/self/fd/" + fd).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    if (LibC.linkat(LibC.AT_FDCWD, proc, newdirfd, cname, LibC.AT_SYMLINK_FOLLOW) != 0) {
      throw fail("link", where);
    }
  }

  // ---- metadata ----

  public static void fchmod(int fd, int mode, String where) throws ErrnoException {
    if (LibC.fchmod(fd, mode) != 0) {
      throw fail("chmod", where);
    }
  }

  public static void fchmodat(int dirfd, byte[] cname, int mode, String where)
      throws ErrnoException {
    if (LibC.fchmodat(dirfd, cname, mode, 0) != 0) {
      throw fail("chmod", where);
    }
  }

  public static void fchown(int fd, int uid, int gid, String where) throws ErrnoException {
    if (LibC.fchown(fd, uid, gid) != 0) {
      throw fail("chown", where);
    }
  }

  public static void lchownat(int dirfd, byte[] cname, int uid, int gid, String where)
      throws ErrnoException {
    if (LibC.fchownat(dirfd, cname, uid, gid, LibC.AT_SYMLINK_NOFOLLOW) != 0) {
      throw fail("chown", where);
    }
  }

  public static void futimens(int fd, long[] times, String where) throws ErrnoException {
    if (LibC.futimens(fd, times) != 0) {
      throw fail("set times", where);
    }
  }

  public static void lutimensat(int dirfd, byte[] cname, long[] times, String where)
      throws ErrnoException {
    if (LibC.utimensat(dirfd, cname, times, LibC.AT_SYMLINK_NOFOLLOW) != 0) {
      throw fail("set times", where);
    }
  }

  public static void ftruncate(int fd, long size, String where) throws ErrnoException {
    if (LibC.ftruncate(fd, size) != 0) {
      throw fail("truncate", where);
    }
  }

  public static int geteuid() {
    return LibC.geteuid();
  }

  private static volatile int umask = -1;

  /**
   * The process's umask, read once from /proc/self/status (umask(2) can only be read by setting it,
   * which would race with other threads); 022 if that line is missing.
   */
  public static int umask() {
    int u = umask;
    if (u < 0) {
      u = 022;
      try {
        for (String line :
            java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
          if (line.startsWith("Umask:")) {
            u = Integer.parseInt(line.substring(6).trim(), 8);
            break;
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // keep the conventional default
      }
      umask = u;
    }
    return u;
  }

  // ---- xattrs ----

  /**
   * The path that reaches entry {@code name} of the directory open as {@code dirfd} without
   * resolving anything but that held descriptor; used with the l*xattr calls, which have no *at
   * variants and must not follow a final symlink.
   */
  public static byte[] procPath(int dirfd, byte[] name) {
    int len = name.length > 0 && name[name.length - 1] == 0 ? name.length - 1 : name.length;
    int digits = 1;
    for (int v = dirfd; v >= 10; v /= 10) {
      digits++;
    }
    byte[] out = new byte[PROC_FD.length + digits + 1 + len + 1];
    System.arraycopy(PROC_FD, 0, out, 0, PROC_FD.length);
    for (int i = PROC_FD.length + digits - 1, v = dirfd; i >= PROC_FD.length; i--, v /= 10) {
      out[i] = (byte) ('0' + v % 10);
    }
    out[PROC_FD.length + digits] = '/';
    System.arraycopy(name, 0, out, PROC_FD.length + digits + 1, len);
    return out; // the last byte stays 0: NUL-terminated for C
  }

  private static final byte[] PROC_FD =
      "/proc/self/fd/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Extended attribute names of an entry (list order): of the open descriptor {@code fd} when it is
   * {@code >= 0}, else of {@code procPath} without following a final symlink.
   */
  public static List<byte[]> listXattrs(int fd, byte[] procPath, String where)
      throws ErrnoException {
    long n = fd >= 0 ? LibC.flistxattr(fd, null, 0) : LibC.llistxattr(procPath, null, 0);
    if (n < 0) {
      int e = lastError();
      if (e == EOPNOTSUPP) {
        return List.of();
      }
      throw error("list xattrs", where, e);
    }
    if (n == 0) {
      return List.of();
    }
    while (true) {
      byte[] buf = new byte[(int) n];
      long got = fd >= 0 ? LibC.flistxattr(fd, buf, n) : LibC.llistxattr(procPath, buf, n);
      if (got < 0) {
        int e = lastError();
        if (e == ERANGE) {
          n *= 2; // grew meanwhile
          continue;
        }
        throw error("list xattrs", where, e);
      }
      List<byte[]> names = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < got; i++) {
        if (buf[i] == 0) {
          if (i > start) {
            names.add(Arrays.copyOfRange(buf, start, i + 1)); // keep the NUL: ready for C
          }
          start = i + 1;
        }
      }
      return names;
    }
  }

  /**
   * The value of one attribute (name NUL-terminated), by descriptor or path as {@link #listXattrs};
   * null if absent or the filesystem has no extended attributes.
   */
  public static byte[] getXattr(int fd, byte[] procPath, byte[] cname, String where)
      throws ErrnoException {
    while (true) {
      long n =
          fd >= 0 ? LibC.fgetxattr(fd, cname, null, 0) : LibC.lgetxattr(procPath, cname, null, 0);
      if (n < 0) {
        int e = lastError();
        if (e == ENODATA
            || e == EOPNOTSUPP) { // absent, or a filesystem without xattrs (as listXattrs)
          return null;
        }
        throw error("get xattr " + xattrName(cname), where, e);
      }
      byte[] buf = new byte[(int) n];
      long got =
          fd >= 0 ? LibC.fgetxattr(fd, cname, buf, n) : LibC.lgetxattr(procPath, cname, buf, n);
      if (got >= 0) {
        return got == n ? buf : Arrays.copyOf(buf, (int) got);
      }
      if (lastError() != ERANGE) {
        throw fail("get xattr " + xattrName(cname), where);
      }
    }
  }

  /**
   * Sets one attribute; on a held descriptor when {@code fd >= 0}, else through {@code procPath}.
   */
  public static void setXattr(int fd, byte[] procPath, byte[] cname, byte[] value, String where)
      throws ErrnoException {
    int r =
        fd >= 0
            ? LibC.fsetxattr(fd, cname, value, value.length, 0)
            : LibC.lsetxattr(procPath, cname, value, value.length, 0);
    if (r != 0) {
      throw fail("set xattr " + xattrName(cname), where);
    }
  }

  public static void removeXattr(int fd, byte[] procPath, byte[] cname, String where)
      throws ErrnoException {
    int r = fd >= 0 ? LibC.fremovexattr(fd, cname) : LibC.lremovexattr(procPath, cname);
    if (r != 0 && lastError() != ENODATA) {
      throw fail("remove xattr " + xattrName(cname), where);
    }
  }

  public static String xattrName(byte[] cname) {
    int len = cname.length > 0 && cname[cname.length - 1] == 0 ? cname.length - 1 : cname.length;
    return new String(cname, 0, len, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---- data ----

  /**
   * A native scratch buffer per thread for read/write copies: bounded memory, no per-file
   * allocation.
   */
  public static final int RW_BUFFER = 1 << 20;

  private static final ThreadLocal<Memory> RW_MEM =
      ThreadLocal.withInitial(() -> new Memory(RW_BUFFER));
  private static final ThreadLocal<Memory> OFFSETS = ThreadLocal.withInitial(() -> new Memory(16));

  public static Memory rwBuffer() {
    return RW_MEM.get();
  }

  /**
   * Reads up to {@code len} bytes at {@code offset} into {@code b[off..]} through the thread's
   * native buffer; returns the count read, 0 at the end of the file.
   */
  public static int pread(int fd, byte[] b, int off, int len, long offset, String where)
      throws ErrnoException {
    Memory m = RW_MEM.get();
    long n = LibC.pread(fd, m, Math.min(len, RW_BUFFER), offset);
    if (n < 0) {
      throw fail("read", where);
    }
    m.read(0, b, off, (int) n);
    return (int) n;
  }

  /**
   * Writes all of {@code b[off, off + len)} at {@code offset}, through the thread's native buffer.
   */
  public static void pwriteFully(int fd, byte[] b, int off, int len, long offset, String where)
      throws ErrnoException {
    Memory m = RW_MEM.get();
    while (len > 0) {
      int n = Math.min(len, RW_BUFFER);
      m.write(0, b, off, n);
      int done = 0;
      while (done < n) {
        long w = LibC.pwrite(fd, m.share(done), n - done, offset + done);
        if (w < 0) {
          throw fail("write", where);
        }
        done += (int) w;
      }
      off += n;
      len -= n;
      offset += n;
    }
  }

  public static Memory offsets() {
    return OFFSETS.get();
  }

  /** Next data offset at or after {@code from}, or -1 past the last data (ENXIO). */
  public static long seekData(int fd, long from, String where) throws ErrnoException {
    long r = LibC.lseek(fd, from, LibC.SEEK_DATA);
    if (r < 0) {
      int e = lastError();
      if (e == ENXIO) {
        return -1;
      }
      throw error("seek data", where, e);
    }
    return r;
  }

  public static long seekHole(int fd, long from, String where) throws ErrnoException {
    long r = LibC.lseek(fd, from, LibC.SEEK_HOLE);
    if (r < 0) {
      throw fail("seek hole", where);
    }
    return r;
  }

  // ---- event sources: fanotify, epoll, eventfd ----

  /**
   * Returns {@code r}, or throws the typed exception for errno when it is negative; for the calls
   * whose result is a descriptor or a count ({@code fanotify_init}, {@code eventfd}, ...).
   */
  public static long check(long r, String operation, String where) throws ErrnoException {
    if (r < 0) {
      throw fail(operation, where);
    }
    return r;
  }

  /** A NUL-terminated UTF-8 copy of a path given as text (a configured root, a /proc path). */
  public static byte[] cpath(String path) {
    return cstr(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * The target of a symlink such as {@code /proc/self/fd/N}, or {@code null} if it cannot be read.
   */
  public static String readlink(String path) {
    byte[] buf = new byte[4096];
    long n = LibC.readlink(cpath(path), buf, buf.length);
    return n < 0 ? null : new String(buf, 0, (int) n, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** An epoll instance watching {@code fds} for input; {@code where} names the source in errors. */
  public static int epollOn(String where, int... fds) throws ErrnoException {
    int ep = (int) check(LibC.epoll_create1(LibC.O_CLOEXEC), "epoll_create1", where);
    for (int fd : fds) {
      byte[] ev = new byte[16]; // struct epoll_event: u32 events, then u64 data (unused here)
      ev[0] = LibC.EPOLLIN;
      if (LibC.epoll_ctl(ep, LibC.EPOLL_CTL_ADD, fd, ev) < 0) {
        ErrnoException e = fail("epoll_ctl", where);
        LibC.close(ep);
        throw e;
      }
    }
    return ep;
  }

  /** Wakes an epoll waiting on an eventfd (used to stop a reader thread). */
  public static void signal(int eventFd) {
    byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
    LibC.write(eventFd, one, 8);
  }

  /**
   * Whether descriptor {@code fd} (1 for standard output, 2 for standard error) is a terminal. Not
   * {@code System.console()}, which asks about standard input and output together: progress drawn
   * on stderr must stop when stderr alone is redirected.
   */
  public static boolean isTerminal(int fd) {
    return NativeSupport.isAvailable()
        && LibC.isatty(fd) == 1; // no libc: no progress drawn, one error later
  }
}
