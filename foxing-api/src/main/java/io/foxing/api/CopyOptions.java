// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a copy should do. Immutable and thread-safe; make one with {@link #builder()} (defaults:
 * {@link Preserve#ARCHIVE}, recursive, atomic writes, {@link CopyMethod#AUTO}) and derive variants
 * with {@link #toBuilder()}.
 *
 * <pre>{@code
 * CopyOptions opts = CopyOptions.builder().delete(true).filters(rules).build();
 * }</pre>
 */
public final class CopyOptions {
  private final Set<Preserve> preserve;
  private final boolean recursive;
  private final boolean delete;
  private final boolean dryRun;
  private final boolean checksum;
  private final boolean inplace;
  private final boolean partial;
  private final CopyMethod copyMethod;
  private final FilterRules filters;
  private final int threads;
  private final boolean generateSignatures;
  private final boolean update;
  private final boolean ignoreExisting;
  private final boolean existingOnly;
  private final boolean sizeOnly;
  private final boolean ignoreTimes;
  private final java.time.Duration modifyWindow;
  private final boolean deleteExcluded;
  private final long maxDelete;
  private final DeleteTiming deleteTiming;
  private final boolean fsync;
  private final boolean mkpath;
  private final boolean oneFileSystem;
  private final boolean throttle;
  private final boolean removeSourceFiles;
  private final boolean safeLinks;
  private final SymlinkFollowing followSymlinks;
  private final boolean backup;
  private final String backupDir;
  private final String backupSuffix;
  private final boolean omitDirTimes;
  private final List<String> referenceDirs;
  private final ReferenceUse referenceUse;
  private final Relative relative;
  private final Sparse sparse;
  private final boolean pruneEmptyDirs;
  private final ModeRules chmod;

  private CopyOptions(Builder b) {
    this.preserve =
        Collections.unmodifiableSet(
            b.preserve.isEmpty() ? EnumSet.noneOf(Preserve.class) : EnumSet.copyOf(b.preserve));
    this.recursive = b.recursive;
    this.delete = b.delete || b.deleteExcluded;
    this.dryRun = b.dryRun;
    this.checksum = b.checksum;
    this.inplace = b.inplace;
    this.partial = b.partial;
    this.copyMethod = b.copyMethod;
    this.filters = b.filters;
    this.threads = b.threads;
    this.generateSignatures = b.generateSignatures;
    this.update = b.update;
    this.ignoreExisting = b.ignoreExisting;
    this.existingOnly = b.existingOnly;
    this.sizeOnly = b.sizeOnly;
    this.ignoreTimes = b.ignoreTimes;
    this.modifyWindow = b.modifyWindow;
    this.deleteExcluded = b.deleteExcluded;
    this.maxDelete = b.maxDelete;
    this.deleteTiming = b.deleteTiming;
    this.fsync = b.fsync;
    this.mkpath = b.mkpath;
    this.oneFileSystem = b.oneFileSystem;
    this.throttle = b.throttle;
    this.removeSourceFiles = b.removeSourceFiles;
    this.safeLinks = b.safeLinks;
    this.followSymlinks = b.followSymlinks;
    this.backup = b.backup || b.backupDir != null;
    this.backupDir = b.backupDir;
    this.backupSuffix = b.backupSuffix; // null: the default, see backupSuffix()
    this.omitDirTimes = b.omitDirTimes;
    this.referenceDirs = List.copyOf(b.referenceDirs);
    this.referenceUse = b.referenceUse;
    this.relative = b.relative;
    this.sparse = b.sparse;
    this.pruneEmptyDirs = b.pruneEmptyDirs;
    this.chmod = b.chmod;
  }

  /** A builder with the defaults: archive mode, recursive, atomic writes, automatic tiers. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: what {@code fxcp -a} does. */
  public static CopyOptions archive() {
    return builder().build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.preserve = EnumSet.noneOf(Preserve.class);
    b.preserve.addAll(preserve);
    b.recursive = recursive;
    b.delete = delete;
    b.dryRun = dryRun;
    b.checksum = checksum;
    b.inplace = inplace;
    b.partial = partial;
    b.copyMethod = copyMethod;
    b.filters = filters;
    b.threads = threads;
    b.generateSignatures = generateSignatures;
    b.update = update;
    b.ignoreExisting = ignoreExisting;
    b.existingOnly = existingOnly;
    b.sizeOnly = sizeOnly;
    b.ignoreTimes = ignoreTimes;
    b.modifyWindow = modifyWindow;
    b.deleteExcluded = deleteExcluded;
    b.maxDelete = maxDelete;
    b.deleteTiming = deleteTiming;
    b.fsync = fsync;
    b.mkpath = mkpath;
    b.oneFileSystem = oneFileSystem;
    b.removeSourceFiles = removeSourceFiles;
    b.safeLinks = safeLinks;
    b.followSymlinks = followSymlinks;
    b.backup = backup;
    b.backupDir = backupDir;
    b.backupSuffix = backupSuffix;
    b.omitDirTimes = omitDirTimes;
    b.referenceDirs = referenceDirs;
    b.referenceUse = referenceUse;
    b.relative = relative;
    b.sparse = sparse;
    b.pruneEmptyDirs = pruneEmptyDirs;
    b.chmod = chmod;
    b.throttle = throttle;
    return b;
  }

  /** The metadata and file types kept. */
  public Set<Preserve> preserve() {
    return preserve;
  }

  public boolean preserves(Preserve p) {
    return preserve.contains(p);
  }

  /**
   * Descend into directories. Without it, directories among the sources are skipped and reported.
   */
  public boolean recursive() {
    return recursive;
  }

  /** Remove target entries that the source does not have (excluded entries are protected). */
  public boolean delete() {
    return delete;
  }

  /** Report what would change and change nothing. */
  public boolean dryRun() {
    return dryRun;
  }

  /** Compare contents, not size and modification time, to decide whether a file is up to date. */
  public boolean checksum() {
    return checksum;
  }

  /**
   * Write changed files in place instead of to a temporary name renamed over the old file. Faster
   * and keeps hard links on the target, but a reader or a crash can see a half-written file.
   */
  public boolean inplace() {
    return inplace;
  }

  /**
   * Resumable copies (rsync's {@code --partial}): a large file is written under a marked temporary
   * name beside its own, and what of it is safely on disk is recorded in the mark as the copy goes
   * on. A run that is interrupted (killed, out of space, a failing disk) leaves that temporary; the
   * next run with this option continues it from the record when the source is unchanged, and drops
   * it otherwise. The file never appears under its own name until it is complete. A run without
   * this option removes such temporaries, as any other of ours.
   */
  public boolean partial() {
    return partial;
  }

  /** The tier to force, or {@link CopyMethod#AUTO}. */
  public CopyMethod copyMethod() {
    return copyMethod;
  }

  public FilterRules filters() {
    return filters;
  }

  /**
   * Worker threads for the tree walk and file copies, or 0 (the default) to let the copier choose
   * from the cores and whether source and target share a filesystem.
   */
  public int threads() {
    return threads;
  }

  /**
   * Store a Merkle signature (foxing-merkle's {@code FileSignature}) of every regular file on the
   * target (the {@code user.foxing.sig} xattr, or a {@code .foxing_meta} sidecar), so later runs
   * update changed files chunk by chunk, and a record on every target directory copied cleanly
   * ({@code user.foxing.dir}), so later runs leave directories unchanged on both sides unexamined
   * ({@link CopyReport#directoriesUnchanged()}).
   */
  public boolean generateSignatures() {
    return generateSignatures;
  }

  /** Leave a target file alone when it is newer than the source's (rsync's {@code -u}). */
  public boolean update() {
    return update;
  }

  /**
   * Leave every existing target entry's contents alone; only make what is missing (rsync's {@code
   * --ignore-existing}).
   */
  public boolean ignoreExisting() {
    return ignoreExisting;
  }

  /** Make nothing new; only update what the target already has (rsync's {@code --existing}). */
  public boolean existingOnly() {
    return existingOnly;
  }

  /**
   * A file whose size matches is up to date, whatever its modification time (rsync's {@code
   * --size-only}).
   */
  public boolean sizeOnly() {
    return sizeOnly;
  }

  /** Copy files even when size and modification time match (rsync's {@code -I}). */
  public boolean ignoreTimes() {
    return ignoreTimes;
  }

  /**
   * How far modification times may differ and still count as equal (rsync's {@code
   * --modify-window}); zero, the default, compares to the nanosecond.
   */
  public java.time.Duration modifyWindow() {
    return modifyWindow;
  }

  /**
   * Also delete target entries the filters exclude (rsync's {@code --delete-excluded}); implies
   * {@link #delete()}.
   */
  public boolean deleteExcluded() {
    return deleteExcluded;
  }

  /**
   * At most this many entries deleted by {@link #delete()} (rsync's {@code --max-delete}); the rest
   * are kept and the run reports it as a failure. -1, the default: no limit.
   */
  public long maxDelete() {
    return maxDelete;
  }

  /** When {@link #delete()} deletes: {@link DeleteTiming#DURING} unless asked otherwise. */
  public DeleteTiming deleteTiming() {
    return deleteTiming;
  }

  /** fsync each file written before it appears under its name (rsync's {@code --fsync}). */
  public boolean fsync() {
    return fsync;
  }

  /**
   * Create the target's missing parent directories (rsync's {@code --mkpath}) instead of failing.
   */
  public boolean mkpath() {
    return mkpath;
  }

  /**
   * Do not walk into directories on another filesystem than their parent's (rsync's {@code -x}):
   * such a mount point is made on the target, empty, with its metadata, and nothing below it is
   * copied or deleted. Sources named on the command line are copied whatever their filesystem.
   */
  public boolean oneFileSystem() {
    return oneFileSystem;
  }

  /**
   * Pace the copy by the machine's pressure stall information ({@code /proc/pressure}): while other
   * work waits for the CPU, the disk or memory, each worker rests between files in proportion to
   * the time it copied, down to a tenth of its time and never less, so the copy always progresses.
   * For copies that can wait (backups, a mirror's hydration); off by default.
   */
  public boolean throttle() {
    return throttle;
  }

  /**
   * Remove each source file (never a directory) once the target holds it: copied, or found up to
   * date (rsync's {@code --remove-source-files}). A source that changed since it was read is kept,
   * with a warning. Nothing is removed in a dry run.
   */
  public boolean removeSourceFiles() {
    return removeSourceFiles;
  }

  /**
   * Leave out symlinks that point outside the copied tree: absolute ones, empty ones, those with a
   * {@code ..} after a name or at the end, and those whose leading {@code ..} climb above the
   * transfer root (rsync's {@code --safe-links}, as of rsync 3.4). They are not copied; a target
   * entry of their name is left alone, even under {@link #delete()}.
   */
  public boolean safeLinks() {
    return safeLinks;
  }

  /**
   * Keep what is replaced or deleted on the target (rsync's {@code --backup}): a file about to be
   * overwritten, or deleted under {@link #delete()}, is kept under its name plus {@link
   * #backupSuffix()}, beside it or under {@link #backupDir()}.
   */
  public boolean backup() {
    return backup;
  }

  /**
   * Where backups go, keeping their paths below the target (rsync's {@code --backup-dir}); relative
   * to the target directory unless absolute. Null: beside the files they keep.
   */
  public String backupDir() {
    return backupDir;
  }

  /**
   * Appended to a backup's name: {@code ~} beside the files, nothing under a {@link #backupDir}.
   */
  public String backupSuffix() {
    return backupSuffix != null ? backupSuffix : backupDir != null ? "" : "~";
  }

  /**
   * Leave directories' modification times alone (rsync's {@code --omit-dir-times}); on with {@link
   * #backup()} beside the files, as in rsync.
   */
  public boolean omitDirTimes() {
    // as rsync: backups made beside the files change their directories' times anyway
    return omitDirTimes || backup && backupDir == null;
  }

  /**
   * Directories compared with before a file new to the target is copied (rsync's {@code
   * --compare-dest}, {@code --copy-dest}, {@code --link-dest}), in order; relative to the target
   * directory unless absolute. Empty: none. What a match does is {@link #referenceUse()}.
   */
  public List<String> referenceDirs() {
    return referenceDirs;
  }

  /**
   * Make a directory new to the target only once something other than a directory goes into it
   * (rsync's {@code --prune-empty-dirs}): chains of directories that the filters leave empty are
   * not made. A directory the target already has is treated as without this option.
   */
  public boolean pruneEmptyDirs() {
    return pruneEmptyDirs;
  }

  /** Holes in copied files: see {@link Sparse}. */
  public Sparse sparse() {
    return sparse;
  }

  /** Holes in copied files, as cp's {@code --sparse=WHEN}. */
  public enum Sparse {
    /** Where the source has them (found with SEEK_HOLE), and no others: the default. */
    AUTO,
    /**
     * Also for every block of zeros in the source, written or not (cp's {@code always}): the bytes
     * are read and written by the engine itself, never shared or copied by the kernel.
     */
    ALWAYS,
    /** Never: a hole in the source is written as zeros (cp's {@code never}), by read and write. */
    NEVER
  }

  /** How sources name what they copy: see {@link Relative}. */
  public Relative relative() {
    return relative;
  }

  /**
   * Sources named with their paths (rsync's {@code -R}, cp's {@code --parents}): {@code a/b/c} goes
   * to {@code TARGET/a/b/c}, its parents {@code a} and {@code a/b} made with their own metadata and
   * nothing else of them copied or deleted. The path below the transfer root starts after a {@code
   * /./} in the source, else it is the path as given (an absolute one from {@code /}).
   */
  public enum Relative {
    /** Each source goes into the target under its own name (the default). */
    NONE,
    /** Each source keeps its path; a directory with its contents, as recursion says. */
    WITH_CONTENTS,
    /**
     * Each source keeps its path; a directory is made without its contents (rsync's {@code
     * --files-from} without {@code -r}).
     */
    ENTRIES_ONLY
  }

  /** What a file found unchanged in a {@link #referenceDirs() reference directory} gets. */
  public ReferenceUse referenceUse() {
    return referenceUse;
  }

  /**
   * What a file new to the target gets when a reference directory holds it unchanged (the same
   * size, modification time and metadata) at the same path.
   */
  public enum ReferenceUse {
    /** Left out of the target (rsync's {@code --compare-dest}): only what differs is copied. */
    COMPARE,
    /** Copied, without itemizing it (rsync's {@code --copy-dest}). */
    COPY,
    /** Hard-linked to the reference's file (rsync's {@code --link-dest}): snapshots share it. */
    LINK
  }

  /**
   * Which symlinks inside the tree are copied as what they point to; see {@link SymlinkFollowing}.
   */
  public SymlinkFollowing followSymlinks() {
    return followSymlinks;
  }

  /** Symlinks copied as their referents (rsync's {@code -L} and {@code --copy-unsafe-links}). */
  public enum SymlinkFollowing {
    /** Every symlink is copied as a symlink (the default). */
    NONE,
    /**
     * Symlinks that point outside the tree (by {@link #safeLinks}'s rules) are copied as what they
     * point to; the others stay symlinks (rsync's {@code --copy-unsafe-links}).
     */
    UNSAFE,
    /**
     * Every symlink is copied as what it points to: a file's contents, a directory's tree (rsync's
     * and cp's {@code -L}). A symlink with nothing at its end fails, one that leads back to a
     * directory being copied fails as a loop; a symlink to a device, FIFO or socket fails too (fxcp
     * follows symlinks to files and directories only).
     */
    ALL
  }

  /**
   * Permission changes the source's modes go through before they are copied (rsync's {@code
   * --chmod}); {@link ModeRules#NONE} by default.
   */
  public ModeRules chmod() {
    return chmod;
  }

  @Override
  public String toString() {
    return "CopyOptions{preserve="
        + preserve
        + ", recursive="
        + recursive
        + ", delete="
        + delete
        + ", dryRun="
        + dryRun
        + ", checksum="
        + checksum
        + ", inplace="
        + inplace
        + ", partial="
        + partial
        + ", copyMethod="
        + copyMethod
        + ", filters="
        + filters
        + ", threads="
        + threads
        + ", generateSignatures="
        + generateSignatures
        + ", update="
        + update
        + ", ignoreExisting="
        + ignoreExisting
        + ", existingOnly="
        + existingOnly
        + ", sizeOnly="
        + sizeOnly
        + ", ignoreTimes="
        + ignoreTimes
        + ", modifyWindow="
        + modifyWindow
        + ", deleteExcluded="
        + deleteExcluded
        + ", maxDelete="
        + maxDelete
        + ", deleteTiming="
        + deleteTiming
        + ", fsync="
        + fsync
        + ", mkpath="
        + mkpath
        + ", oneFileSystem="
        + oneFileSystem
        + ", removeSourceFiles="
        + removeSourceFiles
        + ", safeLinks="
        + safeLinks
        + ", followSymlinks="
        + followSymlinks
        + ", backup="
        + backup
        + ", backupDir="
        + backupDir
        + ", backupSuffix="
        + backupSuffix
        + ", omitDirTimes="
        + omitDirTimes
        + ", referenceDirs="
        + referenceDirs
        + ", referenceUse="
        + referenceUse
        + ", relative="
        + relative
        + ", sparse="
        + sparse
        + ", pruneEmptyDirs="
        + pruneEmptyDirs
        + ", chmod="
        + chmod
        + ", throttle="
        + throttle
        + "}";
  }

  /** Mutable, not thread-safe; {@link #build()} checks and snapshots. */
  public static final class Builder {
    private Set<Preserve> preserve = EnumSet.copyOf(Preserve.ARCHIVE);
    private boolean recursive = true;
    private boolean delete;
    private boolean dryRun;
    private boolean checksum;
    private boolean inplace;
    private boolean partial;
    private CopyMethod copyMethod = CopyMethod.AUTO;
    private FilterRules filters = FilterRules.NONE;
    private int threads;
    private boolean generateSignatures;
    private boolean update;
    private boolean ignoreExisting;
    private boolean existingOnly;
    private boolean sizeOnly;
    private boolean ignoreTimes;
    private java.time.Duration modifyWindow = java.time.Duration.ZERO;
    private boolean deleteExcluded;
    private long maxDelete = -1;
    private DeleteTiming deleteTiming = DeleteTiming.DURING;
    private boolean fsync;
    private boolean mkpath;
    private boolean oneFileSystem;
    private boolean removeSourceFiles;
    private boolean safeLinks;
    private SymlinkFollowing followSymlinks = SymlinkFollowing.NONE;
    private boolean backup;
    private String backupDir;
    private String backupSuffix;
    private boolean omitDirTimes;
    private List<String> referenceDirs = List.of();
    private ReferenceUse referenceUse = ReferenceUse.LINK;
    private Relative relative = Relative.NONE;
    private Sparse sparse = Sparse.AUTO;
    private boolean pruneEmptyDirs;
    private ModeRules chmod = ModeRules.NONE;
    private boolean throttle;

    private Builder() {}

    public Builder preserve(Set<Preserve> what) {
      Objects.requireNonNull(what, "preserve");
      this.preserve = what.isEmpty() ? EnumSet.noneOf(Preserve.class) : EnumSet.copyOf(what);
      return this;
    }

    public Builder recursive(boolean recursive) {
      this.recursive = recursive;
      return this;
    }

    public Builder delete(boolean delete) {
      this.delete = delete;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder checksum(boolean checksum) {
      this.checksum = checksum;
      return this;
    }

    public Builder inplace(boolean inplace) {
      this.inplace = inplace;
      return this;
    }

    /** See {@link CopyOptions#partial()}. */
    public Builder partial(boolean partial) {
      this.partial = partial;
      return this;
    }

    public Builder copyMethod(CopyMethod method) {
      this.copyMethod = Objects.requireNonNull(method, "copyMethod");
      return this;
    }

    public Builder filters(FilterRules filters) {
      this.filters = Objects.requireNonNull(filters, "filters");
      return this;
    }

    /**
     * A fixed number of workers; 0 restores the automatic choice.
     *
     * @throws IllegalArgumentException unless 0 &lt;= threads &lt;= 1024
     */
    public Builder threads(int threads) {
      if (threads < 0 || threads > 1024) {
        throw new IllegalArgumentException(
            "threads must be between 1 and 1024 (or 0 for automatic), got " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Builder generateSignatures(boolean generate) {
      this.generateSignatures = generate;
      return this;
    }

    public Builder update(boolean update) {
      this.update = update;
      return this;
    }

    public Builder ignoreExisting(boolean ignoreExisting) {
      this.ignoreExisting = ignoreExisting;
      return this;
    }

    public Builder existingOnly(boolean existingOnly) {
      this.existingOnly = existingOnly;
      return this;
    }

    public Builder sizeOnly(boolean sizeOnly) {
      this.sizeOnly = sizeOnly;
      return this;
    }

    public Builder ignoreTimes(boolean ignoreTimes) {
      this.ignoreTimes = ignoreTimes;
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative
     */
    public Builder modifyWindow(java.time.Duration window) {
      Objects.requireNonNull(window, "modifyWindow");
      if (window.isNegative()) {
        throw new IllegalArgumentException("modifyWindow must not be negative, got " + window);
      }
      this.modifyWindow = window;
      return this;
    }

    /**
     * When deletions happen (rsync's {@code --delete-before}, {@code --delete-during}, {@code
     * --delete-after}); it does not turn {@link #delete} on by itself.
     */
    public Builder deleteTiming(DeleteTiming when) {
      this.deleteTiming = Objects.requireNonNull(when, "deleteTiming");
      return this;
    }

    public Builder deleteExcluded(boolean deleteExcluded) {
      this.deleteExcluded = deleteExcluded;
      return this;
    }

    /**
     * @throws IllegalArgumentException if below -1 (-1: no limit)
     */
    public Builder maxDelete(long max) {
      if (max < -1) {
        throw new IllegalArgumentException(
            "maxDelete must be 0 or more (or -1 for no limit), got " + max);
      }
      this.maxDelete = max;
      return this;
    }

    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    public Builder mkpath(boolean mkpath) {
      this.mkpath = mkpath;
      return this;
    }

    public Builder oneFileSystem(boolean oneFileSystem) {
      this.oneFileSystem = oneFileSystem;
      return this;
    }

    public Builder throttle(boolean throttle) {
      this.throttle = throttle;
      return this;
    }

    public Builder removeSourceFiles(boolean removeSourceFiles) {
      this.removeSourceFiles = removeSourceFiles;
      return this;
    }

    public Builder safeLinks(boolean safeLinks) {
      this.safeLinks = safeLinks;
      return this;
    }

    public Builder backup(boolean backup) {
      this.backup = backup;
      return this;
    }

    /** Also turns {@link #backup} on; null: backups beside the files. */
    public Builder backupDir(String dir) {
      if (dir != null && dir.isEmpty()) {
        throw new IllegalArgumentException("backupDir must not be empty: name a directory");
      }
      this.backupDir = dir;
      return this;
    }

    /** Null: the default ({@code ~}, or nothing under a backup directory). */
    public Builder backupSuffix(String suffix) {
      if (suffix != null && suffix.contains("/")) {
        throw new IllegalArgumentException("backupSuffix must not contain '/', got " + suffix);
      }
      this.backupSuffix = suffix;
      return this;
    }

    /**
     * Compares new files with these directories first (see {@link CopyOptions#referenceDirs()}).
     */
    public Builder referenceDirs(ReferenceUse use, List<String> dirs) {
      this.referenceUse = Objects.requireNonNull(use, "use");
      for (String d : dirs) {
        if (d == null || d.isEmpty()) {
          throw new IllegalArgumentException("a reference directory must be named, got " + dirs);
        }
      }
      this.referenceDirs = List.copyOf(dirs);
      return this;
    }

    public Builder pruneEmptyDirs(boolean prune) {
      this.pruneEmptyDirs = prune;
      return this;
    }

    public Builder sparse(Sparse sparse) {
      this.sparse = Objects.requireNonNull(sparse, "sparse");
      return this;
    }

    public Builder relative(Relative relative) {
      this.relative = Objects.requireNonNull(relative, "relative");
      return this;
    }

    public Builder omitDirTimes(boolean omit) {
      this.omitDirTimes = omit;
      return this;
    }

    public Builder followSymlinks(SymlinkFollowing which) {
      this.followSymlinks = Objects.requireNonNull(which, "followSymlinks");
      return this;
    }

    public Builder chmod(ModeRules chmod) {
      this.chmod = java.util.Objects.requireNonNull(chmod, "chmod");
      return this;
    }

    /**
     * @throws IllegalArgumentException for options that contradict each other
     */
    public CopyOptions build() {
      if (sizeOnly && ignoreTimes) {
        throw new IllegalArgumentException(
            "sizeOnly and ignoreTimes contradict each other: choose one");
      }
      if (sparse != Sparse.AUTO
          && copyMethod != CopyMethod.AUTO
          && copyMethod != CopyMethod.READ_WRITE) {
        throw new IllegalArgumentException(
            "sparse "
                + sparse.name().toLowerCase(java.util.Locale.ROOT)
                + " decides every block, so the bytes go by read and write: the copy method "
                + copyMethod.cliName()
                + " cannot be used with it (as cp's --reflink needs --sparse=auto)");
      }
      boolean backups = backup || backupDir != null;
      if (backups && backupDir == null && "".equals(backupSuffix)) {
        throw new IllegalArgumentException(
            "an empty backup suffix without a backup directory would put each backup over its"
                + " file: give a suffix or a backup directory");
      }
      if (backups && inplace) {
        throw new IllegalArgumentException(
            "inplace with backup is not supported: the backup would share the file being"
                + " rewritten; drop one of them");
      }
      return new CopyOptions(this);
    }
  }
}
