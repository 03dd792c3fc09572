// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a batch of {@link MirrorChanges} to one target with the copy engine: each changed entry
 * becomes a {@link TreeCopy.Root#mirror mirror root} (its source directory's descriptor, its target
 * directory, its name), so the planner, the publishing, the metadata and the deletion rules are the
 * copy's own. Entries run level by level, shallowest first, so an entry is never changed while a
 * walk of its parent is still under way; then the directories whose entries changed get their own
 * metadata (their times moved).
 *
 * <p>An entry whose target directory is missing (created by an event not seen yet, or removed by
 * someone else) is escalated: its nearest directory is compared whole in a second round.
 */
public final class MirrorApply {
  private final int sourceRoot; // the mirrored directory, held for the mirror's life
  private final int sourceParent; // and its parent, for the root's own metadata
  private final byte[] sourceName;
  private final Target target;
  private final CopyOptions options;
  private final java.util.concurrent.ForkJoinPool pool;

  /**
   * @param pool the mirror's workers, kept across batches
   */
  public MirrorApply(
      int sourceRoot,
      int sourceParent,
      byte[] sourceName,
      Target target,
      CopyOptions options,
      java.util.concurrent.ForkJoinPool pool) {
    this.pool = pool;
    this.sourceRoot = sourceRoot;
    this.sourceParent = sourceParent;
    this.sourceName = sourceName;
    this.target = target;
    this.options = options;
  }

  /**
   * Whether the last {@link #apply} met a file with other hard links ({@link
   * TreeCopy#touchedHardLinks}).
   */
  public boolean touchedHardLinks() {
    return touchedHardLinks;
  }

  private boolean touchedHardLinks;

  /** Applies {@code changes}; the reports of its runs, in order. */
  public List<CopyReport> apply(MirrorChanges changes, CopyListener listener) throws IOException {
    touchedHardLinks = false;
    List<CopyReport> reports = new ArrayList<>();
    // renames bypass the planner: only when nothing the planner decides could forbid them
    java.util.Set<String> movedOn = java.util.Set.of();
    if (!changes.renames().isEmpty()
        && options.filters().isEmpty()
        && !options.dryRun()
        && !options.update()
        && !options.ignoreExisting()
        && !options.existingOnly()) {
      movedOn = renameFirst(changes.renames());
    }
    List<List<MirrorChanges.Entry>> levels = new ArrayList<>();
    for (List<MirrorChanges.Entry> level : changes.levels()) {
      List<MirrorChanges.Entry> keep = new ArrayList<>();
      for (MirrorChanges.Entry e : level) {
        if (!movedOn.contains(e.path())) {
          keep.add(e);
        }
      }
      levels.add(keep);
    }
    List<MirrorChanges.Entry> escalated = new ArrayList<>();
    for (List<MirrorChanges.Entry> level : levels) {
      reports.add(run(level, listener, escalated));
    }
    List<String> metadataOf = new ArrayList<>(changes.directories());
    for (int round = 0; !escalated.isEmpty() && round < 64; round++) {
      List<MirrorChanges.Entry> again = new ArrayList<>();
      reports.add(run(escalated, listener, again));
      for (MirrorChanges.Entry e : escalated) {
        if (!metadataOf.contains(e.dir())) {
          metadataOf.add(e.dir()); // a directory made there moved its parent's times
        }
      }
      escalated = again;
    }
    if (!changes.synced().isEmpty() && !options.dryRun()) {
      sync(changes.synced());
    }
    List<MirrorChanges.Entry> dirs = new ArrayList<>();
    boolean root = false;
    for (String d : metadataOf) {
      if (d.isEmpty()) {
        root = true;
      } else {
        int slash = d.lastIndexOf('/');
        dirs.add(
            new MirrorChanges.Entry(
                slash < 0 ? "" : d.substring(0, slash), d.substring(slash + 1), false));
      }
    }
    if (!dirs.isEmpty()) {
      reports.add(run(dirs, listener, new ArrayList<>()));
    }
    if (root) {
      reports.add(rootMetadata(listener));
    }
    return reports;
  }

  /**
   * Renames on the target what was renamed at the source, before the entries are compared: the new
   * name then matches (same size and mtime) and its data is not copied again. Only when it is safe
   * to: the old name is gone from the source and the new one is there, the target has the old name
   * with the same kind, and both target directories exist. Anything else (or a rename the target
   * refuses, such as a directory over a non-empty one) is left to the comparison, which copies.
   *
   * <p>A chain split over two batches (a to b in this one, b to c in the next): the source has
   * neither a nor b now, so b has moved on and an event saying where (or that it was deleted) is
   * still to come. The target's a is renamed to b all the same, and b is left out of this batch's
   * comparison (which would delete it): the next batch renames it on.
   *
   * @return names renamed on the target that the source has moved on from
   */
  private java.util.Set<String> renameFirst(Map<String, String> renames) {
    java.util.Set<String> movedOn = new java.util.HashSet<>();
    Map<String, Integer> sources = new HashMap<>();
    Map<String, TargetDirectory> targets = new HashMap<>();
    try (TargetDirectory top = target.openDirectory(false, NO_REPORT)) {
      targets.put("", top);
      for (Map.Entry<String, String> r : renames.entrySet()) {
        String to = r.getKey();
        String from = r.getValue();
        try {
          var srcFrom = sourceStat(from, sources);
          var srcTo = sourceStat(to, sources);
          if (srcFrom != null) {
            continue;
          }
          TargetDirectory fromDir = targetDir(parentOf(from), targets);
          TargetDirectory toDir = targetDir(parentOf(to), targets);
          if (fromDir == null || toDir == null) {
            continue;
          }
          var had = fromDir.stat(Names.bytes(nameOf(from)), from);
          var there = toDir.stat(Names.bytes(nameOf(to)), to);
          if (had == null
              || srcTo != null && had.type() != srcTo.type()
              || there != null && (there.isDirectory() || srcTo == null)) {
            continue;
          }
          fromDir.rename(Names.bytes(nameOf(from)), toDir, Names.bytes(nameOf(to)), to);
          if (srcTo == null) {
            movedOn.add(to);
          }
        } catch (IOException | RuntimeException e) {
          LOG.debug(
              "{} -> {}: not renamed on the target ({}); compared instead", from, to, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.debug("renames left to the comparison: {}", e.toString());
    } finally {
      closeAll(sources, targets);
    }
    return movedOn;
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MirrorApply.class);

  /**
   * Renames report nothing of their own: what they leave differing is compared and reported after.
   */
  private static final io.foxing.api.spi.TargetReport NO_REPORT =
      new io.foxing.api.spi.TargetReport() {
        @Override
        public void warning(String path, String message) {}

        @Override
        public void notPreserved(String name, String path, Exception cause) {}

        @Override
        public void fallback(String path, String from, String to, String reason) {}
      };

  private io.foxing.api.spi.FileStat sourceStat(String rel, Map<String, Integer> dirs)
      throws ErrnoException {
    int dir = sourceDir(parentOf(rel), dirs);
    return dir < 0 ? null : Posix.statIfExists(dir, Posix.cstr(Names.bytes(nameOf(rel))), rel);
  }

  private static String parentOf(String rel) {
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? "" : rel.substring(0, slash);
  }

  private static String nameOf(String rel) {
    return rel.substring(rel.lastIndexOf('/') + 1);
  }

  private void closeAll(Map<String, Integer> sources, Map<String, TargetDirectory> targets) {
    for (int fd : sources.values()) {
      if (fd != sourceRoot) {
        Posix.close(fd);
      }
    }
    for (Map.Entry<String, TargetDirectory> t : targets.entrySet()) {
      if (!t.getKey().isEmpty() && t.getValue() != null) {
        try {
          t.getValue().close();
        } catch (IOException e) {
          LOG.debug("closing a target directory", e);
        }
      }
    }
  }

  /**
   * Durability follows the source's: a file the source synced (a database's commit, an editor's
   * save) is synced at the target once it is there. One the target no longer has needs nothing.
   */
  private void sync(java.util.Set<String> paths) throws IOException {
    Map<String, TargetDirectory> targets = new HashMap<>();
    try (TargetDirectory top = target.openDirectory(false, NO_REPORT)) {
      targets.put("", top);
      for (String rel : paths) {
        TargetDirectory dir = targetDir(parentOf(rel), targets);
        byte[] name = Names.bytes(nameOf(rel));
        var st = dir == null ? null : dir.stat(name, rel);
        if (st != null && st.isRegular()) {
          dir.sync(name, rel);
        }
      }
    } finally {
      closeAll(Map.of(), targets);
    }
  }

  /** One engine run over {@code entries}, which must not contain each other. */
  private CopyReport run(
      List<MirrorChanges.Entry> entries, CopyListener listener, List<MirrorChanges.Entry> escalate)
      throws IOException {
    TreeCopy copy = new TreeCopy(options, listener, target, pool);
    Map<String, Integer> sources = new HashMap<>();
    Map<String, TargetDirectory> targets = new HashMap<>();
    List<TreeCopy.Root> roots = new ArrayList<>();
    try (TargetDirectory top = target.openDirectory(false, copy.report())) {
      targets.put("", top);
      for (MirrorChanges.Entry e : entries) {
        int sfd = sourceDir(e.dir(), sources);
        if (sfd < 0) {
          continue; // gone from the source: the entry of the directory that went removes it
        }
        TargetDirectory tdir = targetDir(e.dir(), targets);
        if (tdir == null) {
          escalate(e.dir(), escalate);
          continue;
        }
        roots.add(
            TreeCopy.Root.mirror(
                sfd,
                tdir,
                Names.bytes(e.name()),
                e.dir(),
                Names.raw(Names.bytes(e.dir())),
                e.walk()));
      }
      CopyReport report = copy.run(roots, List.of());
      touchedHardLinks |= copy.touchedHardLinks();
      return report;
    } finally {
      closeAll(sources, targets);
    }
  }

  /** The mirrored directory's own metadata, through its parent on both sides. */
  private CopyReport rootMetadata(CopyListener listener) throws IOException {
    TreeCopy copy = new TreeCopy(options, listener, target, pool);
    try (TargetDirectory parent = target.openParent(copy.report())) {
      if (parent == null) {
        throw new IOException(target.display() + ": the target's parent directory is gone");
      }
      // not mirrored: a source root that went away (an unmounted disk) must never empty the target
      TreeCopy.Root r =
          new TreeCopy.Root(
              sourceParent,
              sourceName,
              parent,
              -1,
              target.name(),
              "",
              target.display(),
              "",
              false,
              false,
              null);
      return copy.run(List.of(r), List.of());
    }
  }

  private void escalate(String dir, List<MirrorChanges.Entry> out) {
    if (dir.isEmpty()) {
      throw new IllegalStateException("the target's root directory is gone");
    }
    int slash = dir.lastIndexOf('/');
    MirrorChanges.Entry up =
        new MirrorChanges.Entry(
            slash < 0 ? "" : dir.substring(0, slash), dir.substring(slash + 1), true);
    if (!out.contains(up)) {
      out.add(up);
    }
  }

  /**
   * The source directory {@code rel}, opened one name at a time without following a symlink; -1 if
   * it is gone.
   */
  private int sourceDir(String rel, Map<String, Integer> cache) throws ErrnoException {
    if (rel.isEmpty()) {
      return sourceRoot;
    }
    Integer have = cache.get(rel);
    if (have != null) {
      return have;
    }
    int slash = rel.lastIndexOf('/');
    int parent = sourceDir(slash < 0 ? "" : rel.substring(0, slash), cache);
    int fd = -1;
    if (parent >= 0) {
      int got =
          LibC.openat(
              parent,
              Posix.cstr(Names.bytes(rel.substring(slash + 1))),
              LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
              0);
      if (got >= 0) {
        fd = got;
      } else if (Posix.lastError() == Posix.EACCES) {
        LOG.warn(
            "{}: cannot read the source directory (permission denied); its changes wait for a full comparison",
            rel);
      } else if (Posix.lastError() != Posix.ENOENT
          && Posix.lastError() != Posix.ENOTDIR
          && Posix.lastError() != Posix.ELOOP) {
        throw Posix.error("open", rel, Posix.lastError());
      }
    }
    cache.put(rel, fd);
    return fd;
  }

  /**
   * The target directory {@code rel}, opened one name at a time; null if it is not there (or not a
   * directory).
   */
  private TargetDirectory targetDir(String rel, Map<String, TargetDirectory> cache)
      throws IOException {
    if (cache.containsKey(rel)) {
      return cache.get(rel);
    }
    int slash = rel.lastIndexOf('/');
    TargetDirectory parent = targetDir(slash < 0 ? "" : rel.substring(0, slash), cache);
    TargetDirectory dir = null;
    if (parent != null) {
      byte[] name = Names.bytes(rel.substring(slash + 1));
      var st = parent.stat(name, rel);
      if (st != null && st.isDirectory()) {
        dir = parent.open(name, rel);
      }
    }
    cache.put(rel, dir);
    return dir;
  }
}
