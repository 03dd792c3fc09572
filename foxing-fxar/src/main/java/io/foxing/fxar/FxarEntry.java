// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One archived tree entry: what it is, where it goes and its metadata. Paths and symlink targets
 * are raw bytes (Linux names need not be UTF-8), relative to the archived root, {@code /}
 * separated; the root itself is {@code .}.
 *
 * @param type what the entry is
 * @param path relative path, checked by {@link #checkPath}
 * @param mode permission bits (07777)
 * @param uid owner
 * @param gid group
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param atimeNanos access time, nanoseconds since the epoch
 * @param size content length of a file; 0 for other types
 * @param rdev device number of a device; 0 otherwise
 * @param target a symlink's target, or the path of the file a hard link joins; empty otherwise
 * @param xattrs extended attributes (including POSIX ACLs as {@code system.posix_acl_*})
 */
public record FxarEntry(
    Type type,
    byte[] path,
    int mode,
    int uid,
    int gid,
    long mtimeNanos,
    long atimeNanos,
    long size,
    long rdev,
    byte[] target,
    List<Xattr> xattrs) {

  /** Entry types, numbered as in the format. */
  public enum Type {
    FILE(1),
    DIRECTORY(2),
    SYMLINK(3),
    HARDLINK(4),
    CHAR_DEVICE(5),
    BLOCK_DEVICE(6),
    FIFO(7),
    SOCKET(8);

    private final int id;

    Type(int id) {
      this.id = id;
    }

    public int id() {
      return id;
    }

    /** The type with this id, or null. */
    public static @Nullable Type ofId(int id) {
      return id >= 1 && id <= values().length ? values()[id - 1] : null;
    }
  }

  /** An extended attribute: its full name ({@code user.x}) and value. */
  public record Xattr(byte[] name, byte[] value) {
    public String nameString() {
      return new String(name, StandardCharsets.UTF_8);
    }
  }

  /** The archived root directory's path. */
  public static final byte[] ROOT = {'.'};

  public FxarEntry {
    target = target == null ? new byte[0] : target;
    xattrs = List.copyOf(xattrs == null ? List.of() : xattrs);
  }

  /** The path for people to read (invalid UTF-8 replaced). */
  public String pathString() {
    return new String(path, StandardCharsets.UTF_8);
  }

  public boolean isRoot() {
    return path.length == 1 && path[0] == '.';
  }

  /**
   * Returns why {@code path} may not appear in an archive, or null if it may: it must be {@code .}
   * or relative, {@code /}-separated, without empty, {@code .} or {@code ..} components and without
   * NUL bytes. Anything else could land outside the destination.
   */
  public static @Nullable String checkPath(byte[] path) {
    if (path.length == 1 && path[0] == '.') {
      return null;
    }
    if (path.length == 0) {
      return "empty path";
    }
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        int len = i - start;
        if (len == 0) {
          return i == 0 ? "absolute path" : "empty path component";
        }
        if (path[start] == '.' && (len == 1 || (len == 2 && path[start + 1] == '.'))) {
          return "'" + (len == 1 ? "." : "..") + "' path component";
        }
        start = i + 1;
      } else if (path[i] == 0) {
        return "NUL byte in path";
      }
    }
    return null;
  }
}
