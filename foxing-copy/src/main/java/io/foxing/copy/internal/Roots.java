package io.foxing.copy.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.ErrnoException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns command-line sources and a target into {@link TreeCopy.Root}s, with cp's and rsync's rules:
 *
 * <ul>
 *   <li>{@code SRC/} (trailing slash, a directory): its contents go into the target, which is
 *       created if missing and receives SRC's own metadata.
 *   <li>Otherwise, if the target is an existing directory, ends with {@code /}, or there are
 *       several sources: each SRC is copied into it under its own name (the target directory is
 *       created if missing).
 *   <li>Otherwise (one source, target missing or a file): the target path becomes the copy, as
 *       with {@code cp -a SRC DST}.
 *   <li>A source that is a symlink is copied as a symlink; {@code SRC/} follows it.
 * </ul>
 */
public final class Roots implements AutoCloseable {
  final List<TreeCopy.Root> roots = new ArrayList<>();
  final List<CopyReport.Failure> failures = new ArrayList<>();
  private final List<Integer> fds = new ArrayList<>();

  public List<TreeCopy.Root> roots() {
    return roots;
  }

  public List<CopyReport.Failure> failures() {
    return failures;
  }

  public static Roots resolve(List<String> sources, String target, CopyOptions options) throws IOException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source given: name at least one file or directory to copy");
    }
    Roots r = new Roots();
    try {
      boolean targetIsDir = Posix.isDirectoryPath(target);
      boolean into = targetIsDir || target.endsWith("/") || sources.size() > 1;
      int intoFd = -1;
      long intoDev = -1;
      if (into && !targetIsDir && !options.dryRun()) {
        mkdirTarget(target);
        targetIsDir = true;
      }
      if (into && targetIsDir) {
        intoFd = r.hold(Posix.openPath(target, LibC.O_RDONLY | LibC.O_DIRECTORY, target));
        intoDev = Posix.fstat(intoFd, target).dev();
      }
      for (String s : sources) {
        try {
          r.addSource(s, target, into, intoFd, intoDev);
        } catch (IOException e) {
          r.failures.add(new CopyReport.Failure(s, e.getMessage()));
        }
      }
      return r;
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private static void mkdirTarget(String target) throws IOException {
    Path p = Path.of(target).toAbsolutePath().normalize();
    int parent;
    try {
      parent = Posix.openPath(p.getParent() == null ? "/" : p.getParent().toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    } catch (ErrnoException.NotFound e) {
      throw new IOException(p.getParent() + ": target's parent directory does not exist; create it first", e);
    }
    try {
      byte[] name = Posix.cstr(Names.bytes(p.getFileName().toString()));
      if (LibC.mkdirat(parent, name, 0755) != 0 && Posix.lastError() != Posix.EEXIST) {
        throw Posix.error("create target directory", target, Posix.lastError());
      }
    } finally {
      Posix.close(parent);
    }
  }

  private void addSource(String s, String target, boolean into, int intoFd, long intoDev) throws IOException {
    boolean contents = s.endsWith("/") && s.length() > 1;
    Path p = Path.of(s).toAbsolutePath().normalize();
    if (contents || p.getFileName() == null || s.endsWith("/.") || s.equals(".") || s.endsWith("/..") || s.equals("..")) {
      if (!Posix.isDirectoryPath(s)) {
        throw new IOException(s + ": not a directory (a trailing '/' means 'the contents of this directory')");
      }
      p = Path.of(s).toRealPath();
      contents = true;
    }
    if (p.getParent() == null) {
      throw new IOException(s + ": copying the root directory itself is not supported; name the directories under it");
    }
    int srcParent = hold(Posix.openPath(p.getParent().toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, s));
    byte[] name = Names.bytes(p.getFileName().toString());
    if (Posix.statIfExists(srcParent, Posix.cstr(name), s) == null) {
      throw new IOException(s + ": no such file or directory; check the source path");
    }
    refuseCopyIntoItself(s, p, target);
    if (!contents && into) {
      roots.add(new TreeCopy.Root(srcParent, name, intoFd, intoDev, name, Names.display(name)));
      return;
    }
    // the target itself receives the source (its contents, for SRC/)
    Path t = Path.of(target).toAbsolutePath().normalize();
    if (t.getParent() == null) {
      throw new IOException(target + ": cannot replace the root directory; name a directory to copy into");
    }
    int dstParent;
    try {
      dstParent = hold(Posix.openPath(t.getParent().toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, target));
    } catch (ErrnoException.NotFound e) {
      throw new IOException(t.getParent() + ": target's parent directory does not exist; create it first", e);
    }
    long dev = Posix.fstat(dstParent, target).dev();
    byte[] dstName = Names.bytes(t.getFileName().toString());
    boolean dir = Posix.stat(srcParent, Posix.cstr(name), s).isDirectory();
    roots.add(new TreeCopy.Root(srcParent, name, dstParent, dev, dstName, dir ? "" : Names.display(dstName)));
  }

  /** A walk that writes into the tree it reads would never end: refuse it, as cp does. */
  private static void refuseCopyIntoItself(String s, Path source, String target) throws IOException {
    Path src;
    try {
      src = source.toRealPath();
    } catch (IOException e) {
      return; // the walk reports the source itself
    }
    Path t = Path.of(target).toAbsolutePath().normalize();
    // the deepest existing ancestor of the target tells where it really is
    Path existing = t;
    while (existing != null && !java.nio.file.Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !java.nio.file.Files.isDirectory(src, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path real = existing.toRealPath().resolve(existing.relativize(t));
    if (real.startsWith(src) && !real.equals(src)) {
      throw new IOException(s + ": cannot copy a directory into itself (" + target + "); choose a target outside the source");
    }
  }

  private int hold(int fd) {
    fds.add(fd);
    return fd;
  }

  @Override
  public void close() {
    for (int fd : fds) {
      Posix.close(fd);
    }
    fds.clear();
  }
}
