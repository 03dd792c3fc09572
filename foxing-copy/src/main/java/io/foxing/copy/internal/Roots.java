// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
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
 *   <li>Otherwise (one source, target missing or a file): the target path becomes the copy, as with
 *       {@code cp -a SRC DST}.
 *   <li>A source that is a symlink is copied as a symlink; {@code SRC/} follows it.
 * </ul>
 */
public final class Roots implements AutoCloseable {
  final List<TreeCopy.Root> roots = new ArrayList<>();
  final List<CopyReport.Failure> failures = new ArrayList<>();
  private final List<Integer> fds = new ArrayList<>();
  private final List<TargetDirectory> dirs = new ArrayList<>();

  public List<TreeCopy.Root> roots() {
    return roots;
  }

  public List<CopyReport.Failure> failures() {
    return failures;
  }

  /**
   * @param report where the target's warnings go (the run's)
   */
  public static Roots resolve(
      List<String> sources, Target target, CopyOptions options, TargetReport report)
      throws IOException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(
          "no source given: name at least one file or directory to copy");
    }
    Roots r = new Roots();
    try {
      String display = target.display();
      FileStat named = target.stat();
      boolean targetIsDir = named != null && named.isDirectory();
      boolean into = targetIsDir || display.endsWith("/") || sources.size() > 1;
      String only = sources.size() == 1 ? sources.get(0) : null;
      boolean contentsOnly =
          only != null && (only.endsWith("/") || only.endsWith("/.") || only.equals("."));
      TargetDirectory intoDir = null;
      long intoDev = -1;
      // a single SRC/ makes the target itself, so the copy itemizes it as new (cd+++++++++ ./, as
      // rsync)
      boolean make = into && !targetIsDir && !options.dryRun() && !contentsOnly;
      if (into && (targetIsDir || make)) {
        intoDir = r.hold(target.openDirectory(make, report));
        intoDev = intoDir.stat(display).dev();
      }
      if (options.relative() != CopyOptions.Relative.NONE) {
        r.addRelative(sources, target, options, report);
        return r;
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String s : sources) {
        // a source named twice is copied once, as rsync does (a/ and a are different sources)
        String key = (s.endsWith("/") ? "/" : "") + Path.of(s).toAbsolutePath().normalize();
        if (!seen.add(key)) {
          continue;
        }
        try {
          r.addSource(s, target, into, intoDir, intoDev, options, report, false);
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

  private void addSource(
      String s,
      Target target,
      boolean into,
      TargetDirectory intoDir,
      long intoDev,
      CopyOptions options,
      TargetReport report,
      boolean relativeBase)
      throws IOException {
    boolean contents = s.endsWith("/") && s.length() > 1;
    Path p = Path.of(s).toAbsolutePath().normalize();
    if (contents
        || p.getFileName() == null
        || s.endsWith("/.")
        || s.equals(".")
        || s.endsWith("/..")
        || s.equals("..")) {
      if (!Posix.isDirectoryPath(s)) {
        throw new IOException(
            s + ": not a directory (a trailing '/' means 'the contents of this directory')");
      }
      p = Path.of(s).toRealPath();
      contents = true;
    }
    if (p.getParent() == null && !relativeBase) {
      throw new IOException(
          s
              + ": copying the root directory itself is not supported; name the directories under it");
    }
    // -R from /: the root directory is entry "." of itself
    int srcParent =
        hold(
            Posix.openPath(
                p.getParent() == null ? "/" : p.getParent().toString(),
                LibC.O_RDONLY | LibC.O_DIRECTORY,
                s));
    byte[] name = Names.bytes(p.getParent() == null ? "." : p.getFileName().toString());
    if (Posix.statIfExists(srcParent, Posix.cstr(name), s) == null) {
      throw new IOException(s + ": no such file or directory; check the source path");
    }
    String display = target.display();
    if (target instanceof LocalTarget local && !relativeBase) {
      // only a local target can be the source itself, or inside it (-R checks what it names)
      Path t = local.path();
      if (!contents && into) {
        t = t.resolve(p.getFileName()); // where the copy goes: DEST/NAME
      }
      refuseCopyIntoItself(s, p, display, t);
      refuseSameFile(s, srcParent, name, display, t);
    }
    if (!contents && into) {
      String where =
          display.endsWith("/")
              ? display + Names.display(name)
              : display + "/" + Names.display(name);
      roots.add(
          new TreeCopy.Root(srcParent, name, intoDir, intoDev, name, Names.display(name), where));
      return;
    }
    // the target itself receives the source (its contents, for SRC/)
    boolean dir = Posix.stat(srcParent, Posix.cstr(name), s).isDirectory();
    byte[] dstName = target.name();
    TargetDirectory dstParent = hold(target.openParent(report));
    if (dstParent == null && !(options.mkpath() && options.dryRun())) {
      throw new IOException(
          display
              + ": the target's parent directory does not exist; create it first (or give --mkpath)");
    }
    // null: a dry run of --mkpath, where everything from here down would be new
    long dev = dstParent == null ? -1 : dstParent.stat(display).dev();
    roots.add(
        new TreeCopy.Root(
            srcParent, name, dstParent, dev, dstName, dir ? "" : Names.display(dstName), display));
  }

  /**
   * rsync's {@code -R}: each source names a path below a base directory (before a {@code /./} in
   * it, else the working directory, or {@code /} for an absolute path). Sources of one base make
   * one root, the base's contents into the target, limited to a scope: the named paths, their
   * parents (made with their own metadata), and below a named directory everything (or nothing, for
   * {@link CopyOptions.Relative#ENTRIES_ONLY}).
   */
  private void addRelative(
      List<String> sources, Target target, CopyOptions options, TargetReport report)
      throws IOException {
    java.util.Map<String, List<String>> byBase = new java.util.LinkedHashMap<>();
    for (String s : sources) {
      int mark = s.indexOf("/./");
      String base = mark >= 0 ? s.substring(0, mark) : s.startsWith("/") ? "/" : ".";
      String rel = mark >= 0 ? s.substring(mark + 3) : s;
      try {
        byBase
            .computeIfAbsent(base.isEmpty() ? "/" : base, b -> new ArrayList<>())
            .add(relativePart(s, rel));
      } catch (IOException e) {
        failures.add(new CopyReport.Failure(s, e.getMessage()));
      }
    }
    boolean contents = options.relative() == CopyOptions.Relative.WITH_CONTENTS;
    for (java.util.Map.Entry<String, List<String>> g : byBase.entrySet()) {
      String base = g.getKey();
      try {
        Path real = Path.of(base).toRealPath();
        if (target instanceof LocalTarget local) {
          for (String rel : g.getValue()) {
            refuseCopyIntoItself(
                base + "/" + rel, real.resolve(rel), target.display(), local.path().resolve(rel));
          }
        }
        int before = roots.size();
        addSource(
            base.endsWith("/") ? base : base + "/", target, false, null, -1, options, report, true);
        if (roots.size() > before) {
          roots.set(before, roots.get(before).withScope(scope(g.getValue(), contents)));
        }
      } catch (IOException e) {
        failures.add(new CopyReport.Failure(base, e.getMessage()));
      }
    }
  }

  /** A source's path below its base, cleaned; {@code ..} would leave the base and is refused. */
  private static String relativePart(String source, String rel) throws IOException {
    List<String> parts = new ArrayList<>();
    for (String c : rel.split("/")) {
      if (c.equals("..")) {
        throw new IOException(
            source
                + ": '..' in a relative path (-R) would leave its base; mark the base with /./,"
                + " as in /dir/./sub/file");
      }
      if (!c.isEmpty() && !c.equals(".")) {
        parts.add(c);
      }
    }
    return String.join("/", parts);
  }

  /**
   * What -R names below a base: each path (with everything below it if {@code contents}), its
   * parents, nothing else. Null when a source names the whole base.
   */
  static io.foxing.api.FilterRules scope(List<String> rels, boolean contents) {
    io.foxing.api.FilterRules.Builder b = io.foxing.api.FilterRules.builder();
    java.util.Set<String> parents = new java.util.LinkedHashSet<>();
    for (String rel : rels) {
      if (rel.isEmpty()) {
        return null;
      }
      String[] parts = rel.split("/");
      StringBuilder p = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        p.append('/').append(escape(parts[i]));
        parents.add(p + "/");
      }
    }
    parents.forEach(b::include);
    for (String rel : rels) {
      String anchored =
          "/"
              + java.util.Arrays.stream(rel.split("/"))
                  .map(Roots::escape)
                  .collect(java.util.stream.Collectors.joining("/"));
      b.include(anchored);
      if (contents) {
        b.include(anchored + "/***");
      }
    }
    return b.exclude("*").build();
  }

  /** A name as a filter pattern that matches only itself. */
  private static String escape(String name) {
    return name.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  /**
   * A walk that writes into the tree it reads would never end: refuse it, as cp does, whether the
   * copy would land inside the source ({@code fxcp -a dir dir}, {@code fxcp -a s s/sub}) or on it.
   *
   * @param dest where the copy of this source goes
   */
  private static void refuseCopyIntoItself(String s, Path source, String target, Path dest)
      throws IOException {
    Path src;
    try {
      src = source.toRealPath();
    } catch (IOException e) {
      return; // the walk reports the source itself
    }
    if (java.nio.file.Files.isSymbolicLink(source) || !java.nio.file.Files.isDirectory(src)) {
      return; // a symlink is copied as one, never walked
    }
    // the deepest existing ancestor of the destination tells where it really is
    Path existing = dest;
    while (existing != null
        && !java.nio.file.Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    Path real =
        existing.equals(dest) && java.nio.file.Files.isSymbolicLink(dest)
            ? dest.getParent()
                .toRealPath()
                .resolve(dest.getFileName()) // a symlink there is replaced, not followed
            : existing.toRealPath().resolve(existing.relativize(dest));
    if (real.startsWith(src)) {
      throw new IOException(
          s
              + ": cannot copy a directory into itself ("
              + target
              + "); choose a target outside the source");
    }
  }

  /**
   * Copying a file onto itself would destroy it ({@code fxcp -a link foo} where link points to foo,
   * or two hard links of one file): refused as cp does. Checked on the destination entry itself,
   * never through a final symlink, against the source both as named and followed.
   */
  private static void refuseSameFile(String s, int srcParent, byte[] name, String target, Path dest)
      throws IOException {
    Path parent = dest.getParent();
    if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
      return;
    }
    int dfd;
    try {
      dfd = Posix.openPath(parent.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    } catch (ErrnoException e) {
      return; // the copy reports it
    }
    try {
      FileStat d =
          Posix.statIfExists(dfd, Posix.cstr(Names.bytes(dest.getFileName().toString())), target);
      if (d == null || d.isDirectory()) {
        return;
      }
      FileStat named = Posix.stat(srcParent, Posix.cstr(name), s);
      FileStat followed = named.isSymlink() ? followed(srcParent, name, s) : named;
      if (same(d, named) || same(d, followed)) {
        throw new IOException(
            s + " and " + dest + " are the same file; nothing to copy (choose another target)");
      }
    } finally {
      Posix.close(dfd);
    }
  }

  private static FileStat followed(int dirfd, byte[] name, String where) {
    try {
      int fd = Posix.openat(dirfd, Posix.cstr(name), LibC.O_PATH, 0, where);
      try {
        return Posix.fstat(fd, where);
      } finally {
        Posix.close(fd);
      }
    } catch (ErrnoException e) {
      return null; // a dangling symlink points at nothing we could overwrite
    }
  }

  private static boolean same(FileStat a, FileStat b) {
    return b != null && a.dev() == b.dev() && a.ino() == b.ino();
  }

  private int hold(int fd) {
    fds.add(fd);
    return fd;
  }

  private TargetDirectory hold(TargetDirectory d) {
    if (d != null) {
      dirs.add(d);
    }
    return d;
  }

  @Override
  public void close() {
    for (int fd : fds) {
      Posix.close(fd);
    }
    fds.clear();
    for (TargetDirectory d : dirs) {
      try {
        d.close();
      } catch (IOException | RuntimeException e) {
        // nothing was written through it that closing could lose; the others are closed all the
        // same
      }
    }
    dirs.clear();
  }
}
