package io.foxing.copy.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A local path as a copy target: every capability, through descriptors ({@link LocalDirectory}).
 * Resolving the named target is the only place paths are used; below it, every directory is
 * opened relative to its parent without following a symlink.
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

  /** The named target as an absolute, normalised path (for the checks only a local target can make). */
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
      throw new IOException(target + ": cannot replace the root directory; name a directory to copy into");
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
      parent = Posix.openPath(absolute.getParent() == null ? "/" : absolute.getParent().toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    } catch (ErrnoException.NotFound e) {
      throw new IOException(absolute.getParent() + ": target's parent directory does not exist; create it first (or give --mkpath)", e);
    }
    try {
      if (LibC.mkdirat(parent, Posix.cstr(name()), 0755) != 0 && Posix.lastError() != Posix.EEXIST) {
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
