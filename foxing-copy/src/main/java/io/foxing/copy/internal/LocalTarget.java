// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A local path as a copy target: every capability, through descriptors ({@link LocalDirectory}).
 * Resolving the named target is the only place paths are used; below it, every directory is opened
 * relative to its parent without following a symlink.
 */
public final class LocalTarget implements Target {
  private final String target;
  private final Path absolute;
  private final CopyOptions options;
  private final List<CopyTier> tiers;

  public LocalTarget(String target, CopyOptions options, List<CopyTier> tiers) {
    this.target = target;
    this.absolute = Path.of(target).toAbsolutePath().normalize();
    this.options = options;
    this.tiers = tiers;
  }

  @Override
  public String display() {
    return target;
  }

  /**
   * The named target as an absolute, normalised path (for the checks only a local target can make).
   */
  Path path() {
    return absolute;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  public FileStat stat() throws IOException {
    int fd;
    try {
      fd = Posix.openPath(target, LibC.O_PATH, target);
    } catch (ErrnoException.NotFound e) {
      return null;
    } catch (ErrnoException e) {
      if (e.errno() == Posix.ENOTDIR) {
        return null; // a file on the way: nothing is there (the copy says why when it tries)
      }
      throw e;
    }
    try {
      return Posix.fstat(fd, target);
    } finally {
      Posix.close(fd);
    }
  }

  /**
   * The filesystem's UUID where it has one (XFS, ext4, btrfs, tmpfs), so the same disk is known
   * again under another device name; else its statfs id and device number.
   */
  @Override
  public String identity() throws IOException {
    int fd = openIfDirectory();
    if (fd < 0) {
      return null;
    }
    try {
      byte[] uuid = Posix.fsUuid(fd);
      if (uuid != null) {
        return "uuid:" + java.util.HexFormat.of().formatHex(uuid);
      }
      return "fsid:"
          + Long.toHexString(Posix.statfs(fd, target).fsid())
          + ",dev:"
          + Long.toHexString(Posix.fstat(fd, target).dev());
    } finally {
      Posix.close(fd);
    }
  }

  /**
   * An unnamed file (O_TMPFILE) written and synced, so no name ever appears; a directory sync where
   * O_TMPFILE is not supported.
   */
  @Override
  public void probe() throws IOException {
    int dir = openIfDirectory();
    if (dir < 0) {
      throw new IOException(target + ": no directory there");
    }
    try {
      int fd =
          LibC.openat(
              dir,
              Posix.cstr(new byte[] {'.'}),
              LibC.O_TMPFILE | LibC.O_WRONLY | LibC.O_CLOEXEC,
              0600);
      if (fd < 0) {
        int e = Posix.lastError();
        if (e != Posix.EOPNOTSUPP && e != Posix.EISDIR && e != Posix.EINVAL) {
          throw Posix.error("write a probe file in", target, e);
        }
        if (LibC.fsync(dir) != 0) {
          throw Posix.error("sync", target, Posix.lastError());
        }
        return;
      }
      try {
        Posix.pwriteFully(fd, new byte[] {'f'}, 0, 1, 0, target);
        if (LibC.fsync(fd) != 0) {
          throw Posix.error("sync a probe file in", target, Posix.lastError());
        }
      } finally {
        Posix.close(fd);
      }
    } finally {
      Posix.close(dir);
    }
  }

  @Override
  public long available() throws IOException {
    int fd = openIfDirectory();
    if (fd < 0) {
      return -1;
    }
    try {
      return Posix.statfs(fd, target).available();
    } finally {
      Posix.close(fd);
    }
  }

  /**
   * The named target opened as a directory (symlinks followed, as cp does); -1 if nothing or not a
   * directory is there.
   */
  private int openIfDirectory() throws ErrnoException {
    try {
      return Posix.openPath(target, LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    } catch (ErrnoException.NotFound e) {
      return -1;
    } catch (ErrnoException e) {
      if (e.errno() == Posix.ENOTDIR) {
        return -1;
      }
      throw e;
    }
  }

  @Override
  public TargetDirectory openDirectory(boolean create, TargetReport report) throws IOException {
    if (create) {
      makeDirectory();
    }
    int fd = Posix.openPath(target, LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    return LocalDirectory.root(new LocalDirectory.Run(options, report, tiers), fd, target);
  }

  @Override
  public TargetDirectory openParent(TargetReport report) throws IOException {
    Path parent = absolute.getParent();
    if (parent == null) {
      throw new IOException(
          target + ": cannot replace the root directory; name a directory to copy into");
    }
    makeParents();
    int fd;
    try {
      fd = Posix.openPath(parent.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    } catch (ErrnoException.NotFound e) {
      return null;
    }
    return LocalDirectory.root(new LocalDirectory.Run(options, report, tiers), fd, target);
  }

  @Override
  public byte[] name() {
    Path n = absolute.getFileName();
    return n == null ? new byte[0] : Names.bytes(n.toString());
  }

  /** --mkpath: the target's missing parents are made, as mkdir -p makes them (not in a dry run). */
  private void makeParents() throws IOException {
    if (options.mkpath() && !options.dryRun() && absolute.getParent() != null) {
      Files.createDirectories(absolute.getParent());
    }
  }

  private void makeDirectory() throws IOException {
    makeParents();
    int parent;
    try {
      parent =
          Posix.openPath(
              absolute.getParent() == null ? "/" : absolute.getParent().toString(),
              LibC.O_RDONLY | LibC.O_DIRECTORY,
              target);
    } catch (ErrnoException.NotFound e) {
      throw new IOException(
          absolute.getParent()
              + ": target's parent directory does not exist; create it first (or give --mkpath)",
          e);
    }
    try {
      if (LibC.mkdirat(parent, Posix.cstr(name()), 0755) != 0
          && Posix.lastError() != Posix.EEXIST) {
        throw Posix.error("create target directory", target, Posix.lastError());
      }
    } finally {
      Posix.close(parent);
    }
  }

  @Override
  public void close() {
    // holds nothing between runs
  }
}
