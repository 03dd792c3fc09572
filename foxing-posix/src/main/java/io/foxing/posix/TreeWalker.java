// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Walks a directory tree with descriptors, depth first, for every whole-tree pass that is not a
 * copy: the progress scan, {@code --cleanup}, the archive's tree export. (The copy engine walks
 * source and target side by side on a pool, planning as it goes; that walk is its own.)
 *
 * <ul>
 *   <li>Each directory is opened {@code O_NOFOLLOW} under its parent's descriptor: a symlink is an
 *       entry, never followed, so a walk cannot leave the tree however the tree changes under it.
 *   <li>No recursion: a tree of any depth walks in constant stack, holding one descriptor per level
 *       it is inside (running out is one {@code EMFILE} error naming the path).
 *   <li>An entry that vanishes between the listing and its stat is passed over: it is gone.
 * </ul>
 *
 * <p>Not thread-safe: one walk per thread; the visitor is called on the walking thread.
 */
public final class TreeWalker {
  private TreeWalker() {}

  /**
   * One entry met by the walk: its name, and the same NUL-terminated ({@code cname}) for the calls
   * on {@code dirfd}. Descriptors in it belong to the walk: valid only during the call.
   */
  public record Entry(
      int dirfd,
      byte[] name,
      byte[] cname,
      byte[] path,
      String where,
      FileStat stat,
      int fd,
      int depth) {}

  /** What the walk does with each entry. */
  public interface Visitor {
    /**
     * An entry below the root (the root itself is not visited). For a directory {@code fd} is the
     * directory, opened: return {@code true} to walk into it, {@code false} to pass it over. For
     * anything else {@code fd} is -1 and the result does not matter.
     */
    boolean visit(Entry entry) throws IOException;

    /**
     * A call about {@code where} failed; rethrow to end the walk (the default), return to go on.
     */
    default void failed(String where, ErrnoException e) throws IOException {
      throw e;
    }
  }

  /**
   * Walks everything under the directory open as {@code rootFd} ({@code rootWhere} names it in
   * messages). The root descriptor stays the caller's.
   *
   * @param sorted entries of each directory by name (bytewise), as archives want; else as listed
   */
  public static void walk(int rootFd, String rootWhere, boolean sorted, Visitor visitor)
      throws IOException {
    Deque<Level> levels = new ArrayDeque<>();
    try {
      try {
        levels.push(Level.of(rootFd, -1, new byte[0], rootWhere, sorted));
      } catch (ErrnoException e) {
        visitor.failed(rootWhere, e);
        return;
      }
      while (!levels.isEmpty()) {
        Level level = levels.peek();
        if (level.next >= level.names.size()) {
          levels.pop().close();
          continue;
        }
        byte[] name = level.names.get(level.next++);
        byte[] path = level.prefix.length == 0 ? name : join(level.prefix, name);
        String where = level.where + "/" + Names.display(name);
        byte[] cname = Posix.cstr(name);
        try {
          FileStat st = Posix.statIfExists(level.fd, cname, where);
          if (st == null) {
            continue;
          }
          if (!st.isDirectory()) {
            visitor.visit(new Entry(level.fd, name, cname, path, where, st, -1, levels.size()));
            continue;
          }
          int fd =
              Posix.openat(
                  level.fd, cname, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, 0, where);
          Level child = null;
          try {
            if (visitor.visit(
                new Entry(level.fd, name, cname, path, where, st, fd, levels.size()))) {
              child = Level.of(fd, fd, path, where, sorted);
            }
          } finally {
            if (child == null) {
              Posix.close(fd); // passed over, or its listing failed
            }
          }
          if (child != null) {
            levels.push(child);
          }
        } catch (ErrnoException e) {
          visitor.failed(where, e); // once; what it throws ends the walk
        }
      }
    } finally {
      for (Level l : levels) {
        l.close();
      }
    }
  }

  private static byte[] join(byte[] prefix, byte[] name) {
    byte[] p = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
    p[prefix.length] = '/';
    System.arraycopy(name, 0, p, prefix.length + 1, name.length);
    return p;
  }

  /**
   * A directory being walked: its descriptor (owned unless it is the root), names, and where we
   * are.
   */
  private static final class Level {
    final int fd;
    final int owned;
    final byte[] prefix;
    final String where;
    final List<byte[]> names;
    int next;

    private Level(int fd, int owned, byte[] prefix, String where, List<byte[]> names) {
      this.fd = fd;
      this.owned = owned;
      this.prefix = prefix;
      this.where = where;
      this.names = names;
    }

    /** The listing of {@code fd}. */
    static Level of(int fd, int owned, byte[] prefix, String where, boolean sorted)
        throws ErrnoException {
      List<byte[]> names =
          Posix.readdir(fd, where).stream()
              .map(Posix.Dirent::name)
              .collect(java.util.stream.Collectors.toList());
      if (sorted) {
        names.sort(Arrays::compareUnsigned);
      }
      return new Level(fd, owned, prefix, where, names);
    }

    void close() {
      Posix.close(owned);
    }
  }
}
