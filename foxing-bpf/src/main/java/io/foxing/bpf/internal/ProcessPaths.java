// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import io.foxing.posix.Posix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the paths a process passed to a system call into absolute ones, the way the kernel did:
 * relative to the call's directory descriptor or to the process's working directory, and file
 * descriptors back into the names they were opened under.
 *
 * <p>What it knows comes from the events themselves (opens, dups, closes, chdir, fork) and, for
 * what happened before capture started, from {@code /proc/PID/cwd} and {@code /proc/PID/fd/N}, read
 * when the event is handled. Those reads race with the process: it may have exited, or closed or
 * reused the descriptor, by then. A path that cannot be resolved is returned as null and the caller
 * reports a RESCAN instead of guessing. Paths are joined lexically ({@code ..} is folded without
 * consulting the filesystem), which is wrong only across a symlink to a directory. Both tables are
 * bounded (least recently used entries are forgotten).
 */
final class ProcessPaths {
  private static final int AT_FDCWD = -100;
  private static final int MAX_PROCESSES = 16_384;

  private final Map<Integer, String> cwds = lru(MAX_PROCESSES);

  /**
   * Per process: descriptors and the names they were opened under; {@code written} if opened for
   * writing or written.
   */
  private final Map<Integer, Map<Integer, OpenFile>> files = lru(MAX_PROCESSES);

  private final Proc proc;

  /** Reads {@code /proc}; replaced in tests. */
  interface Proc {
    String readlink(String path);
  }

  ProcessPaths(Proc proc) {
    this.proc = proc;
  }

  ProcessPaths() {
    this(Posix::readlink);
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * The absolute form of {@code path} as process {@code pid} meant it with directory descriptor
   * {@code dirfd}; null if unknown.
   */
  String resolve(int pid, int dirfd, String path) {
    if (path == null) {
      return null;
    }
    if (path.startsWith("/")) {
      return normalize(path);
    }
    String base = dirfd == AT_FDCWD ? cwd(pid) : fd(pid, dirfd);
    if (base == null) {
      return null;
    }
    return path.isEmpty() ? base : normalize(base + "/" + path);
  }

  private record OpenFile(String path, boolean written) {}

  /**
   * The name descriptor {@code fd} of {@code pid} was opened under; null if unknown or not a file.
   */
  String fd(int pid, int fd) {
    return fd(pid, fd, false);
  }

  /** As {@link #fd(int, int)}, and remembers that the file was written (for {@link #exited}). */
  String written(int pid, int fd) {
    return fd(pid, fd, true);
  }

  private String fd(int pid, int fd, boolean written) {
    Map<Integer, OpenFile> open = files.computeIfAbsent(pid, p -> new HashMap<>());
    OpenFile known = open.get(fd);
    if (known != null && written && !known.written()) {
      // a directory's descriptor is never written: its close went unseen and the number was reused
      open.remove(fd);
      known = null;
    }
    if (known != null) {
      return known.path();
    }
    String link = proc.readlink("/proc/" + pid + "/fd/" + fd);
    if (link == null || !link.startsWith("/") || link.endsWith(" (deleted)")) {
      return null; // gone, deleted, or a pipe, socket or anonymous inode
    }
    open.put(fd, new OpenFile(link, written));
    return link;
  }

  String cwd(int pid) {
    String known = cwds.get(pid);
    if (known != null) {
      return known;
    }
    String link = proc.readlink("/proc/" + pid + "/cwd");
    if (link != null && link.startsWith("/")) {
      cwds.put(pid, link);
    }
    return link;
  }

  /** {@code fd} was opened for writing under {@code path} (null: unknown). */
  void opened(int pid, int fd, String path) {
    opened(pid, fd, path, true);
  }

  /** {@code fd} was opened, not for writing, on a directory (it will name files relative to it). */
  void openedDirectory(int pid, int fd, String path) {
    opened(pid, fd, path, false);
  }

  private void opened(int pid, int fd, String path, boolean written) {
    Map<Integer, OpenFile> open = files.computeIfAbsent(pid, p -> new HashMap<>());
    if (path != null) {
      open.put(fd, new OpenFile(path, written));
    } else {
      open.remove(fd);
    }
  }

  void closed(int pid, int fd) {
    Map<Integer, OpenFile> open = files.get(pid);
    if (open != null) {
      open.remove(fd);
    }
  }

  /** {@code newFd} now refers to what {@code oldFd} does (looked up in /proc if not known). */
  void duplicated(int pid, int oldFd, int newFd) {
    Map<Integer, OpenFile> open = files.computeIfAbsent(pid, p -> new HashMap<>());
    String path = fd(pid, oldFd);
    OpenFile old = open.get(oldFd);
    if (path == null || old == null) {
      open.remove(newFd);
    } else {
      open.put(newFd, old);
    }
  }

  /**
   * The process is gone: forgets it, and returns the files it had written and not closed (the exit
   * closed them).
   */
  List<String> exited(int pid) {
    cwds.remove(pid);
    Map<Integer, OpenFile> open = files.remove(pid);
    if (open == null) {
      return List.of();
    }
    List<String> written = new ArrayList<>();
    for (OpenFile f : open.values()) {
      if (f.written()) {
        written.add(f.path());
      }
    }
    return written;
  }

  void changedDirectory(int pid, String newCwd) {
    if (newCwd != null) {
      cwds.put(pid, newCwd);
    } else {
      cwds.remove(pid);
    }
  }

  /**
   * A new process starts in its parent's directory; its descriptors are looked up in /proc when
   * used.
   */
  void forked(int parent, int child) {
    String cwd = cwds.get(parent);
    if (cwd != null) {
      cwds.put(child, cwd);
    }
  }

  /** Open descriptors and working directories under a renamed name now live under the new one. */
  void renamed(String from, String to) {
    String prefix = from + "/";
    for (Map<Integer, OpenFile> open : files.values()) {
      open.replaceAll(
          (k, f) ->
              f.path().equals(from) || f.path().startsWith(prefix)
                  ? new OpenFile(to + f.path().substring(from.length()), f.written())
                  : f);
    }
    cwds.replaceAll(
        (k, v) -> v.equals(from) ? to : v.startsWith(prefix) ? to + v.substring(from.length()) : v);
  }

  /** renameat2(RENAME_EXCHANGE): the two names swapped places. */
  void exchanged(String a, String b) {
    String parked = a + "\u0000exchanging";
    renamed(a, parked);
    renamed(b, a);
    renamed(parked, b);
  }

  /** Folds {@code .}, {@code ..} and repeated slashes. */
  static String normalize(String path) {
    if (path.indexOf("/.") < 0 && path.indexOf("//") < 0 && !path.endsWith("/")) {
      return path;
    }
    String[] parts = path.split("/");
    String[] out = new String[parts.length];
    int n = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (n > 0) {
          n--;
        }
        continue;
      }
      out[n++] = p;
    }
    if (n == 0) {
      return "/";
    }
    StringBuilder b = new StringBuilder(path.length());
    for (int i = 0; i < n; i++) {
      b.append('/').append(out[i]);
    }
    return b.toString();
  }
}
