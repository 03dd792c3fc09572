package io.foxing.bpf.internal;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The glibc calls the event sources need (fanotify, epoll, eventfd, mmap, readlink), raw, with C
 * names; {@link #check} turns {@code -1} plus errno into an {@link IOException} naming the call.
 */
public final class LibC {
  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private LibC() {}

  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;
  public static final int O_DIRECTORY = 0x10000;
  public static final int O_PATH = 0x200000;
  public static final int O_NONBLOCK = 0x800;
  public static final int AT_FDCWD = -100;

  public static final int EPOLLIN = 1;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EFD_CLOEXEC = 0x80000;

  public static final int PROT_READ = 1;
  public static final int PROT_WRITE = 2;
  public static final int MAP_SHARED = 1;

  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int ENOENT = 2;
  public static final int ESTALE = 116;

  public static native int close(int fd);

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

  public static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

  public static native int munmap(Pointer addr, long length);

  public static native String strerror(int errnum);

  public static native int vsnprintf(byte[] buf, long size, Pointer format, Pointer args);

  /** A NUL-terminated copy of {@code s} for a path argument. */
  public static byte[] cpath(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] c = new byte[b.length + 1];
    System.arraycopy(b, 0, c, 0, b.length);
    return c;
  }

  /** Returns {@code r}, or throws naming {@code call} and {@code what} when it is negative. */
  public static long check(long r, String call, String what) throws IOException {
    if (r < 0) {
      int errno = Native.getLastError();
      throw new IOException(what + ": " + call + " failed: " + strerror(errno) + " (errno " + errno + ")");
    }
    return r;
  }

  /** The target of a symlink such as {@code /proc/PID/cwd}, or {@code null} if it cannot be read. */
  public static String readlink(String path) {
    byte[] buf = new byte[4096];
    long n = readlink(cpath(path), buf, buf.length);
    return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
  }

  /** An epoll instance watching {@code fds} for input. */
  public static int epollOn(int... fds) throws IOException {
    int ep = (int) check(epoll_create1(O_CLOEXEC), "epoll_create1", "event source");
    for (int fd : fds) {
      byte[] ev = new byte[16];   // struct epoll_event: u32 events, then u64 data (unused here)
      ev[0] = EPOLLIN;
      if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, ev) < 0) {
        int errno = Native.getLastError();
        close(ep);
        throw new IOException("event source: epoll_ctl failed: " + strerror(errno));
      }
    }
    return ep;
  }

  /** Wakes an epoll waiting on an eventfd (used to stop a reader thread). */
  public static void signal(int eventFd) {
    byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
    write(eventFd, one, 8);
  }
}
