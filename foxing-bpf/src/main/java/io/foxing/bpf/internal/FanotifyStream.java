// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import static io.foxing.api.events.FileEvent.Kind.ATTRIBUTES_CHANGED;
import static io.foxing.api.events.FileEvent.Kind.CLOSED_AFTER_WRITE;
import static io.foxing.api.events.FileEvent.Kind.CREATED;
import static io.foxing.api.events.FileEvent.Kind.DELETED;
import static io.foxing.api.events.FileEvent.Kind.DIRECTORY_CREATED;
import static io.foxing.api.events.FileEvent.Kind.DIRECTORY_REMOVED;
import static io.foxing.api.events.FileEvent.Kind.MODIFIED;
import static io.foxing.api.events.FileEvent.Kind.RENAMED;
import static io.foxing.api.events.FileEvent.Kind.RENAMED_FROM;
import static io.foxing.api.events.FileEvent.Kind.RENAMED_TO;
import static io.foxing.api.events.FileEvent.Kind.RESCAN;

import io.foxing.api.events.EventOptions;
import io.foxing.posix.LibC;
import io.foxing.posix.Posix;
import io.foxing.posix.Privileges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Events from fanotify with a filesystem mark and {@code FAN_REPORT_DFID_NAME}: each event names
 * the directory by file handle plus the entry's name, so it is resolved without racing the process
 * that made the change (the directory's handle is opened with {@code open_by_handle_at}, which
 * needs {@code CAP_DAC_READ_SEARCH}). Renames come as one {@code FAN_RENAME} with both names.
 * fanotify does not see fsync, and reports xattr changes as attribute changes.
 */
public final class FanotifyStream extends QueueStream {
  private static final int FAN_CLOEXEC = 0x1;
  private static final int FAN_NONBLOCK = 0x2;
  private static final int FAN_REPORT_DFID_NAME = 0x400 | 0x800;
  private static final int FAN_MARK_ADD = 0x1;
  private static final int FAN_MARK_FILESYSTEM = 0x100;

  static final long FAN_MODIFY = 0x2;
  static final long FAN_ATTRIB = 0x4;
  static final long FAN_CLOSE_WRITE = 0x8;
  static final long FAN_CREATE = 0x100;
  static final long FAN_DELETE = 0x200;
  static final long FAN_RENAME = 0x10000000L;
  static final long FAN_ONDIR = 0x40000000L;
  private static final long MASK =
      FAN_MODIFY | FAN_ATTRIB | FAN_CLOSE_WRITE | FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ONDIR;

  private final int fanFd;
  private final int mountFd;
  private final int wakeFd;
  private final int epoll;
  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.nativeOrder());
  private final byte[] epollEvents = new byte[32];

  /**
   * Directory handles already opened, by their bytes, with their paths; renames are applied to it.
   * A removed directory keeps its entry, so the events queued before its removal still name it.
   */
  private final Map<ByteBuffer, String> directories =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, String> eldest) {
          return size() > 16_384;
        }
      };

  private FanotifyStream(
      Path root, EventOptions options, int fanFd, int mountFd, int wakeFd, int epoll) {
    super("fanotify", root, options.queueCapacity());
    this.fanFd = fanFd;
    this.mountFd = mountFd;
    this.wakeFd = wakeFd;
    this.epoll = epoll;
  }

  public static String unavailabilityCause() {
    if (!Privileges.has(Privileges.CAP_SYS_ADMIN)) {
      return "fanotify filesystem marks need root (CAP_SYS_ADMIN); run as root or use --source inotify";
    }
    int fd = LibC.fanotify_init(FAN_CLOEXEC | FAN_REPORT_DFID_NAME, LibC.O_RDONLY);
    if (fd < 0) {
      return "fanotify_init(FAN_REPORT_DFID_NAME) failed: "
          + LibC.strerror(Posix.lastError())
          + " (needs Linux 5.9 or newer with CONFIG_FANOTIFY)";
    }
    try {
      // FAN_RENAME and the name-reporting flags on a filesystem mark: tried once on /, then dropped
      // with the descriptor
      if (LibC.fanotify_mark(
              fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, MASK, LibC.AT_FDCWD, Posix.cpath("/"))
          < 0) {
        return "fanotify_mark with FAN_RENAME failed: "
            + LibC.strerror(Posix.lastError())
            + " (needs Linux 5.17 or newer)";
      }
    } finally {
      LibC.close(fd);
    }
    return null;
  }

  public static FanotifyStream open(Path root, EventOptions options) throws IOException {
    int fan =
        (int)
            Posix.check(
                LibC.fanotify_init(
                    FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME, LibC.O_RDONLY),
                "fanotify_init",
                root.toString());
    int mount = -1;
    int wake = -1;
    try {
      Posix.check(
          LibC.fanotify_mark(
              fan,
              FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
              MASK,
              LibC.AT_FDCWD,
              Posix.cpath(root.toString())),
          "fanotify_mark",
          root.toString());
      mount =
          (int)
              Posix.check(
                  LibC.open(
                      Posix.cpath(root.toString()),
                      LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC,
                      0),
                  "open",
                  root.toString());
      wake =
          (int)
              Posix.check(
                  LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.O_NONBLOCK), "eventfd", root.toString());
      FanotifyStream s =
          new FanotifyStream(
              root, options, fan, mount, wake, Posix.epollOn(root.toString(), fan, wake));
      s.start();
      return s;
    } catch (IOException e) {
      LibC.close(fan);
      if (mount >= 0) {
        LibC.close(mount);
      }
      if (wake >= 0) {
        LibC.close(wake);
      }
      throw e;
    }
  }

  @Override
  protected void read() throws IOException {
    while (!stopping()) {
      buffer.clear();
      long n = LibC.read(fanFd, buffer, buffer.capacity());
      if (n < 0) {
        int errno = Posix.lastError();
        if (errno != Posix.EAGAIN && errno != Posix.EINTR) {
          throw Posix.error("read fanotify events", root.toString(), errno);
        }
        LibC.epoll_wait(epoll, epollEvents, 2, 1000);
        continue;
      }
      buffer.limit((int) n);
      parse(buffer);
    }
  }

  private void parse(ByteBuffer b) {
    long now = System.nanoTime();
    try {
      FanotifyRecords.parse(
          b,
          (mask, pid, names) -> {
            if ((mask & FanotifyRecords.FAN_Q_OVERFLOW) != 0) {
              overflow(1, "the fanotify queue was full");
              return;
            }
            String named = null;
            String oldName = null;
            String newName = null;
            for (FanotifyRecords.Name n : names) {
              String path = resolve(n);
              switch (n.type()) {
                case FanotifyRecords.INFO_DFID_NAME -> named = path;
                case FanotifyRecords.INFO_OLD_DFID_NAME -> oldName = path;
                case FanotifyRecords.INFO_NEW_DFID_NAME -> newName = path;
                default -> {}
              }
            }
            dispatch(mask, pid, now, named, oldName, newName);
          });
    } catch (IllegalArgumentException malformed) {
      emit(RESCAN, root.toString(), null, 0, now, malformed.getMessage());
    }
  }

  private void dispatch(long mask, int pid, long now, String path, String oldName, String newName) {
    boolean dir = (mask & FAN_ONDIR) != 0;
    if ((mask & FAN_RENAME) != 0) {
      if (dir && oldName != null && newName != null) {
        String prefix = oldName + "/";
        directories.replaceAll(
            (k, v) ->
                v.equals(oldName)
                    ? newName
                    : v.startsWith(prefix) ? newName + v.substring(oldName.length()) : v);
      }
      if (oldName == null || newName == null) {
        emit(
            RESCAN,
            root.toString(),
            null,
            pid,
            now,
            "a rename whose directory could not be opened");
      } else if (underRoot(oldName) && underRoot(newName)) {
        emit(RENAMED, newName, oldName, pid, now, null);
      } else if (underRoot(oldName)) {
        emit(RENAMED_FROM, oldName, null, pid, now, null);
      } else if (underRoot(newName)) {
        emit(RENAMED_TO, newName, null, pid, now, null);
      }
      return;
    }
    if (path == null) {
      // the directory is gone already (removed before we read the event): whatever was in it is
      // gone too
      emit(
          RESCAN, root.toString(), null, pid, now, "an event in a directory that no longer exists");
      return;
    }
    if (!underRoot(path)) {
      return;
    }
    // One event may carry several changes to the same name, merged by the kernel, in an order the
    // mask does not keep: created and deleted together (either way round) is said as "look at it".
    if ((mask & FAN_CREATE) != 0 && (mask & FAN_DELETE) != 0) {
      emit(RESCAN, path, null, pid, now, "created and deleted while queued");
      return;
    }
    if ((mask & FAN_CREATE) != 0) {
      emit(dir ? DIRECTORY_CREATED : CREATED, path, null, pid, now, null);
    }
    if ((mask & FAN_MODIFY) != 0) {
      emit(MODIFIED, path, null, pid, now, null);
    }
    if ((mask & FAN_ATTRIB) != 0) {
      emit(ATTRIBUTES_CHANGED, path, null, pid, now, null);
    }
    if ((mask & FAN_CLOSE_WRITE) != 0) {
      emit(CLOSED_AFTER_WRITE, path, null, pid, now, null);
    }
    if ((mask & FAN_DELETE) != 0) {
      emit(dir ? DIRECTORY_REMOVED : DELETED, path, null, pid, now, null);
    }
  }

  /**
   * The path an info record names: its directory's handle opened and read back, plus the entry's
   * name.
   */
  private String resolve(FanotifyRecords.Name n) {
    ByteBuffer key = ByteBuffer.wrap(n.handle());
    String dir = directories.get(key);
    if (dir == null) {
      int fd = LibC.open_by_handle_at(mountFd, n.handle(), LibC.O_PATH | LibC.O_CLOEXEC);
      if (fd < 0) {
        return null;
      }
      dir = Posix.readlink("/proc/self/fd/" + fd);
      LibC.close(fd);
      if (dir == null || !dir.startsWith("/") || dir.endsWith(" (deleted)")) {
        return null;
      }
      directories.put(key, dir);
    }
    String name = n.name();
    if (name.isEmpty() || name.equals(".")) {
      return dir;
    }
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  @Override
  protected void wake() {
    Posix.signal(wakeFd);
  }

  @Override
  protected void release() {
    LibC.close(epoll);
    LibC.close(wakeFd);
    LibC.close(mountFd);
    LibC.close(fanFd);
  }
}
