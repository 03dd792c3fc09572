// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import io.foxing.api.Copier;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.Preserve;
import io.foxing.api.UnsupportedOptionException;
import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.copy.internal.Cleanup;
import io.foxing.copy.internal.LocalTarget;
import io.foxing.copy.internal.ProgressScan;
import io.foxing.copy.internal.Roots;
import io.foxing.copy.internal.TreeCopy;
import io.foxing.posix.NativeSupport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Copies local trees faithfully and fast: the local {@link Copier}.
 *
 * <pre>{@code
 * SmartCopier copier = SmartCopier.to("/backup/home", CopyOptions.builder().delete(true).build());
 * CopyReport report = copier.copy(List.of("/home/ann/"), CopyListener.NONE);
 * }</pre>
 *
 * <p>Each regular file is moved by the best tier that works for it (reflink within one filesystem,
 * then copy_file_range, sendfile, read/write), with automatic, reported fallback; {@link
 * CopyOptions#copyMethod()} forces one. Metadata follows {@link CopyOptions#preserve()}. New files
 * are written as unnamed inodes and linked into place when complete; changed files under a
 * temporary name renamed over the old one (unless {@link CopyOptions#inplace()}). Rerunning an
 * interrupted copy finishes it and removes its temporaries. Sources follow rsync's trailing-slash
 * rule (see {@link #copy}).
 *
 * <p>Instances are immutable and thread-safe; each {@link #copy} call is an independent run with
 * its own worker pool ({@link CopyOptions#threads()}).
 */
public final class SmartCopier implements Copier {
  private static volatile List<CopyTier> tiers;

  private final Target target;
  private final CopyOptions options;
  private final boolean scanAhead;
  private final boolean closeTarget;

  private SmartCopier(Target target, CopyOptions options, boolean scanAhead, boolean closeTarget) {
    this.target = Objects.requireNonNull(target, "target");
    this.options = Objects.requireNonNull(options, "options");
    this.scanAhead = scanAhead;
    this.closeTarget = closeTarget;
  }

  /** A copier into {@code target}, a local path. */
  public static SmartCopier to(String target, CopyOptions options) {
    return new SmartCopier(
        new LocalTarget(Objects.requireNonNull(target, "target"), options, tiers()),
        options,
        false,
        false);
  }

  /**
   * A copier into any target (see {@link io.foxing.api.Copiers#open}, which picks it by scheme).
   *
   * @param closeTarget close the target when the first copy ends (the copier is then single-use)
   * @throws UnsupportedOptionException if an option needs what the target cannot do; nothing was
   *     written
   */
  public static SmartCopier to(Target target, CopyOptions options, boolean closeTarget) {
    refuseUnsupported(target, options);
    return new SmartCopier(target, options, false, closeTarget);
  }

  /**
   * The same copier, also scanning the sources concurrently so the listener hears {@link
   * CopyListener#scanProgress} (for an ETA). Costs one more stat per entry.
   */
  public SmartCopier withScanAhead() {
    return new SmartCopier(target, options, true, closeTarget);
  }

  /**
   * Options the target has no capability for are refused before anything is written, never ignored.
   * Extended attributes and ACLs are part of {@code -a}: for a target without them the engine
   * reports each one it drops (as not preserved, with a warning) rather than refusing every archive
   * copy. {@code -x} needs nothing of a target: one whose entries have no device numbers (NFS) has
   * no filesystem boundaries of its own.
   */
  private static void refuseUnsupported(Target target, CopyOptions o) {
    Set<Target.Capability> can = target.capabilities();
    for (Target.Capability c : Target.Capability.values()) {
      boolean wanted =
          switch (c) {
            // -a keeps xattrs and ACLs: a target without them reports each one it cannot carry
            // instead
            case XATTRS, ACLS -> false;
            case DEVICES -> o.preserves(Preserve.DEVICES);
            case SPECIALS -> o.preserves(Preserve.SPECIALS);
            case SIGNATURES -> o.generateSignatures();
            case CHECKSUM -> o.checksum();
            case RESUME -> o.partial();
            case IN_PLACE -> o.inplace();
            case COPY_METHODS -> o.copyMethod() != CopyMethod.AUTO;
            case FSYNC -> o.fsync();
            case SPARSE_CONTROL -> o.sparse() != CopyOptions.Sparse.AUTO;
            case SIDE_DIRECTORIES -> o.backupDir() != null || !o.referenceDirs().isEmpty();
          };
      if (wanted && !can.contains(c)) {
        throw new UnsupportedOptionException(target.display(), c.option());
      }
    }
  }

  /**
   * Copies {@code sources} into the target.
   *
   * <ul>
   *   <li>{@code SRC/} (trailing slash): the directory's contents go into the target.
   *   <li>Otherwise, if the target is a directory, ends with {@code /}, or there are several
   *       sources: each source goes into it under its own name.
   *   <li>Otherwise the target path becomes the copy of the single source, as with {@code cp -a}.
   * </ul>
   *
   * @throws IOException if the target cannot be created or opened; failures of single entries
   *     (including a missing source) are in the report instead
   */
  @Override
  public CopyReport copy(List<String> sources, CopyListener listener) throws IOException {
    NativeSupport.ensureAvailable();
    listener = CopyListener.guarded(listener); // once, here: a listener that throws changes nothing
    try {
      TreeCopy run = new TreeCopy(options, listener, target);
      try (Roots roots = Roots.resolve(sources, target, options, run.report());
          TargetSide targetSide = TargetSide.open(this, run.report())) {
        targetSide.attachTo(run);
        listener.copyStart(
            sources.stream().map(java.nio.file.Path::of).toList(), target.display(), options);
        ProgressScan scan = scanAhead ? ProgressScan.start(roots.roots(), options, listener) : null;
        try {
          CopyReport report = run.run(roots.roots(), roots.failures());
          listener.copyEnd(report);
          return report;
        } finally {
          if (scan != null) {
            scan.stop();
          }
        }
      }
    } finally {
      if (closeTarget) {
        target.close();
      }
    }
  }

  /** A target path named relative to the target directory unless absolute (rsync's rule). */
  private java.nio.file.Path besideTarget(String dir) {
    return java.nio.file.Path.of(target.display()).resolve(dir);
  }

  /**
   * Directories on the target's side besides the target: the --backup-dir (made if missing, mode
   * 0700) and the reference directories of --compare-dest, --copy-dest and --link-dest that exist
   * (one that does not is a warning, as in rsync). Local only: backups are renamed into them and
   * references linked from, on the target's filesystem.
   */
  private record TargetSide(TargetDirectory backups, List<TargetDirectory> references)
      implements AutoCloseable {
    static TargetSide open(SmartCopier c, io.foxing.api.spi.TargetReport report)
        throws IOException {
      CopyOptions o = c.options;
      boolean backups = o.backupDir() != null && !o.dryRun();
      if (!backups && o.referenceDirs().isEmpty()) {
        return new TargetSide(null, List.of());
      }
      if (!(c.target instanceof LocalTarget)) {
        throw new UnsupportedOptionException(
            c.target.display(),
            backups ? "--backup-dir" : "--compare-dest/--copy-dest/--link-dest");
      }
      TargetSide opened = new TargetSide(null, new ArrayList<>());
      try {
        for (String d : o.referenceDirs()) {
          java.nio.file.Path p = c.besideTarget(d);
          if (!java.nio.file.Files.isDirectory(p)) {
            report.warning(d, "reference directory " + p + " does not exist; not used");
            continue;
          }
          opened.references.add(c.openLocal(p, report));
        }
        if (!backups) {
          return opened;
        }
        java.nio.file.Path dir = c.besideTarget(o.backupDir());
        // private, as each directory made below it: backups are old versions, kept from view
        java.nio.file.Files.createDirectories(
            dir,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        return new TargetSide(c.openLocal(dir, report), opened.references);
      } catch (IOException | RuntimeException ex) {
        opened.close();
        throw ex;
      }
    }

    void attachTo(TreeCopy run) throws IOException {
      if (backups != null) {
        run.backupsInto(backups);
      }
      run.compareWith(references);
    }

    @Override
    public void close() {
      List<TargetDirectory> all = new ArrayList<>(references);
      if (backups != null) {
        all.add(backups);
      }
      for (TargetDirectory d : all) {
        try {
          d.close();
        } catch (IOException ex) {
          // a directory descriptor: nothing written through it waits on its close
        }
      }
    }
  }

  private TargetDirectory openLocal(java.nio.file.Path dir, io.foxing.api.spi.TargetReport report)
      throws IOException {
    return new LocalTarget(dir.toString(), options, tiers()).openDirectory(false, report);
  }

  /**
   * Every copy tier on the class path or module path, highest priority first, available or not (ask
   * each {@link CopyTier#isAvailable()}). Loaded once.
   */
  public static List<CopyTier> tiers() {
    List<CopyTier> t = tiers;
    if (t == null) {
      List<CopyTier> found = new ArrayList<>();
      ServiceLoader.load(CopyTier.class, SmartCopier.class.getClassLoader()).forEach(found::add);
      found.sort(Comparator.comparingInt(CopyTier::priority).reversed());
      tiers = t = List.copyOf(found);
    }
    return t;
  }

  /**
   * Removes temporaries an interrupted copy left under {@code target}, and nothing else.
   *
   * @param removed hears each removed path
   * @return how many were removed
   */
  public static long cleanup(String target, Consumer<String> removed) throws IOException {
    return Cleanup.run(target, removed);
  }
}
