// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.Change;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.DeleteTiming;
import io.foxing.api.ErrnoException;
import io.foxing.api.FilterRules;
import io.foxing.api.Preserve;
import io.foxing.api.TierNames;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Itemize;
import io.foxing.api.spi.SourceEntry;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.posix.LibC;
import io.foxing.posix.Metadata;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import io.foxing.posix.Privileges;
import io.foxing.posix.Temporaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy run: walks each source tree with descriptors and mirrors it into the target.
 *
 * <p>How the walk stays safe and parallel: every directory is opened relative to its parent's
 * descriptor with {@code O_NOFOLLOW}, so no symlink is followed inside the tree (unless -L or
 * --copy-unsafe-links asks for it: then a followed one is checked against the directories being
 * copied, so a loop is refused) and paths of any length work. A {@link Dir} keeps its two
 * descriptors (source and target) open until everything inside it is done, counted by {@link
 * Dir#pending}; then its own metadata is applied (directory times must be set after their contents)
 * and it releases its parent. Directory listings and batches of files are tasks on a fork-join pool
 * whose LIFO local queues keep the walk mostly depth-first, which bounds open descriptors by depth
 * times threads in practice.
 *
 * <p>Hard links: the first path of an inode is copied; the others wait on its {@link LinkGroup} and
 * are linked to the finished file through an {@code O_PATH} descriptor, so no worker ever blocks
 * waiting for another.
 */
public final class TreeCopy {
  private static final Logger LOG = LoggerFactory.getLogger(TreeCopy.class);

  /**
   * Files per task: enough to amortise scheduling, few enough to spread a big directory over
   * threads.
   */
  private static final int BATCH_FILES = 32;

  private static final long BATCH_BYTES = 8L << 20;

  private final CopyOptions options;
  private final CopyListener listener;
  private final Counters counters;
  private final boolean root = Privileges.canChown(); // only root (CAP_CHOWN) may give files away
  private final int targetWorkers;
  private final boolean
      dropXattrs; // the target carries none: each one of the source is reported instead
  private final boolean dropAcls;
  private final FilterRules filters;
  private final Planner planner;
  private final boolean dryRun;
  private final boolean hardLinks;
  private final byte[]
      optionsDigest; // the part of every directory record that depends on the options
  private ForkJoinPool pool;
  private final ForkJoinPool
      shared; // a pool kept by the caller across runs (a mirror), or null: one per run
  private final Map<InodeKey, LinkGroup> links = new ConcurrentHashMap<>();
  private final AtomicInteger roots = new AtomicInteger();
  private volatile CountDownLatch finished; // the current pass's
  private volatile boolean noAtime = true;

  /**
   * @param listener guarded by the caller ({@link CopyListener#guarded}): its calls here are not
   *     wrapped again
   * @param target where the copy goes: its workers and capabilities count; its directories come
   *     with the roots
   */
  public TreeCopy(CopyOptions options, CopyListener listener, Target target) {
    this(options, listener, target, null);
  }

  /**
   * @param shared runs this copy's tasks on the caller's pool, which outlives the run: a mirror
   *     applies a batch in a few milliseconds, and starting a pool's threads for each would cost as
   *     much as the work
   */
  public TreeCopy(CopyOptions options, CopyListener listener, Target target, ForkJoinPool shared) {
    this.shared = shared;
    this.options = options;
    this.listener = listener;
    this.targetWorkers = target.workers();
    this.dropXattrs =
        options.preserves(Preserve.XATTRS)
            && !target.capabilities().contains(Target.Capability.XATTRS);
    this.dropAcls =
        options.preserves(Preserve.ACLS) && !target.capabilities().contains(Target.Capability.ACLS);
    this.counters = new Counters(listener);
    this.filters = options.filters();
    this.planner = new Planner(options);
    this.deletionsLeft.set(options.maxDelete() < 0 ? Long.MAX_VALUE : options.maxDelete());
    this.dryRun = options.dryRun();
    this.hardLinks = options.preserves(Preserve.HARD_LINKS);
    this.optionsDigest = DirRecords.options(options, root, Posix.umask());
  }

  /**
   * Workers when the options leave it to us: one per core within a filesystem, where more only
   * contend for directory locks, and two per core across filesystems, where reads on one device
   * overlap writes on the other. Measured on 2 cores with 10,000 small files, cold cache: btrfs to
   * btrfs 0.84 s with 2 workers and 1.08 s with 4; btrfs to XFS 1.09 s with 2, 0.96 s with 4.
   */
  private int threads(List<Root> roots) {
    if (options.threads() > 0) {
      return options.threads();
    }
    if (targetWorkers > 0) {
      return targetWorkers; // a remote target's latency wants more requests in flight than cores
    }
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    for (Root r : roots) {
      try {
        if (Posix.fstat(r.srcDirFd(), r.relPath()).dev() != r.dstDev()) {
          return 2 * cores;
        }
      } catch (ErrnoException e) {
        // the walk reports it
      }
    }
    return cores;
  }

  /**
   * One thing to copy: entry {@code srcName} of {@code srcDirFd} becomes {@code dstName} of {@code
   * dst} (null: not there yet, in a dry run).
   */
  public record Root(
      int srcDirFd,
      byte[] srcName,
      TargetDirectory dst,
      long dstDev,
      byte[] dstName,
      String relPath,
      String targetDisplay,
      String rawDir,
      boolean mirrored,
      boolean walk,
      FilterRules scope) {
    /**
     * A root from the command line: named by the user, so never filtered, never deleted to make
     * room.
     */
    public Root(
        int srcDirFd,
        byte[] srcName,
        TargetDirectory dst,
        long dstDev,
        byte[] dstName,
        String relPath,
        String targetDisplay) {
      this(srcDirFd, srcName, dst, dstDev, dstName, relPath, targetDisplay, "", false, true, null);
    }

    /**
     * The same root, copying only what {@code scope} includes (rsync's {@code -R}: the named paths
     * and their parents); what it leaves out is neither copied nor deleted.
     */
    public Root withScope(FilterRules scope) {
      return new Root(
          srcDirFd,
          srcName,
          dst,
          dstDev,
          dstName,
          relPath,
          targetDisplay,
          rawDir,
          mirrored,
          walk,
          scope);
    }

    /**
     * A root of a mirror's change: entry {@code name} of directory {@code dirRel} (raw, for
     * filters), made equal on the target whatever it became: removed there if the source has it no
     * more, replaced if its kind changed. A directory on both sides is walked only if {@code walk}
     * (else only its own metadata is brought in line); a new one is always walked.
     */
    public static Root mirror(
        int srcDirFd,
        TargetDirectory dst,
        byte[] name,
        String dirRel,
        String rawDir,
        boolean walk) {
      String display = Names.display(name);
      String rel = dirRel.isEmpty() ? display : dirRel + "/" + display;
      return new Root(srcDirFd, name, dst, -1, name, rel, rel, rawDir, true, walk, null);
    }
  }

  /** A mirror's entry was a file with other hard links (see {@link #touchedHardLinks}). */
  private volatile boolean linkedMirrorEntry;

  /**
   * Whether a mirror root named a file that has other hard links: its other names changed with it
   * but no event names them, so the mirror follows with a full comparison, whose link groups see
   * every name. Known from the stat the run takes anyway.
   */
  public boolean touchedHardLinks() {
    return linkedMirrorEntry;
  }

  /** Where the target reports to this run (its warnings count with the run's). */
  public TargetReport report() {
    return counters;
  }

  /**
   * Copies every root and waits for the end. The root descriptors stay open: they belong to the
   * caller.
   *
   * @param rootFailures failures found while resolving the command line, reported with the rest
   */
  public CopyReport run(List<Root> rootList, List<CopyReport.Failure> rootFailures) {
    long start = System.nanoTime();
    for (CopyReport.Failure f : rootFailures) {
      counters.failure(f.path(), new IOException(f.reason()));
    }
    pool =
        shared != null
            ? shared
            : new ForkJoinPool(
                threads(rootList), ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, false);
    // rsync's --delete-before and --delete-after: a pass that only deletes, before or after the
    // copy (which then deletes nothing); --delete-during deletes as each directory is reached
    DeleteTiming when = options.delete() ? options.deleteTiming() : DeleteTiming.DURING;
    boolean interrupted = false;
    if (when == DeleteTiming.BEFORE) {
      interrupted = pass(rootList, Pass.DELETIONS);
    }
    if (!cancelled) {
      interrupted |= pass(rootList, when == DeleteTiming.DURING ? Pass.BOTH : Pass.COPIES);
    }
    if (when == DeleteTiming.AFTER && !cancelled) {
      interrupted |= pass(rootList, Pass.DELETIONS);
    }
    if (shared == null) {
      pool.shutdown();
      interrupted |=
          Waits.through(
              () -> pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES),
              () -> cancelled = true);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (deletionsStopped.get() > 0) {
      counters.failure(
          ".",
          new IOException(
              "deletions stopped at the --max-delete limit of "
                  + options.maxDelete()
                  + ": "
                  + deletionsStopped.get()
                  + " entries kept that the source does not have"));
    }
    return counters.report(Duration.ofNanos(System.nanoTime() - start), dryRun, cancelled);
  }

  /** What one walk of the roots does. */
  private enum Pass {
    /** Copies and deletes (--delete-during, or no --delete). */
    BOTH,
    /** Copies only: the deletions have their own pass. */
    COPIES,
    /** Deletes only: walks the directories both sides have, and nothing else. */
    DELETIONS
  }

  private volatile Pass pass = Pass.BOTH;

  /**
   * Walks every root once and waits for the end.
   *
   * @return whether the caller was interrupted (the walk was then cancelled)
   */
  private boolean pass(List<Root> rootList, Pass what) {
    pass = what;
    finished = new CountDownLatch(1);
    roots.set(rootList.size() + 1);
    for (Root r : rootList) {
      Dir parent = Dir.forRoot(r, filters);
      pool.execute(() -> copyRoot(parent, r));
    }
    rootDone();
    // Interrupting the caller cancels the copy: nothing new starts, work in flight finishes (its
    // descriptors and temporaries are its own to close), and only then does the run return, so
    // the caller may close the roots' descriptors safely.
    return Waits.through(
        () -> {
          finished.await();
          return true;
        },
        () -> cancelled = true);
  }

  /** Whether this pass deletes what the source does not have. */
  private boolean deleting() {
    return options.delete() && pass != Pass.COPIES;
  }

  /** Set when the caller is interrupted: tasks start no new work (see {@link #run}). */
  private volatile boolean cancelled;

  private void rootDone() {
    if (roots.decrementAndGet() == 0) {
      finished.countDown();
    }
  }

  // ---------------------------------------------------------------- directories

  /** A directory being copied; see the class comment for its life cycle. */
  static final class Dir {
    final Dir parent;
    final byte[] srcName; // NUL-terminated, in parent's source dir
    final byte[] dstName; // raw, in parent's target dir
    final String rel; // display path relative to the transfer root ("" for a pseudo-parent)
    final String raw; // the same path as raw bytes, for filters
    final FileStat src;
    final FileStat before; // target's stat before we touched it; null if we created it
    final boolean pseudo; // the held parent of a root entry: nothing of its own to apply
    String targetDisplay; // a pseudo-parent's: the target as the user gave it, for messages
    int sfd = -1;
    TargetDirectory target; // null: not opened (or, in a dry run, not made)
    FilterRules filters; // for its entries: the run's, with the dir-merge files found down to here
    FilterRules scope; // -R: what its root names (null: everything)
    boolean lazy; // --prune-empty-dirs: new, and made only when something not a directory goes in
    boolean made; // a lazy one that was (or, in a dry run, would be) made
    long tdev = -1; // the target filesystem, for -x
    final AtomicInteger pending = new AtomicInteger(1);
    List<Entry> entries; // what was found in the source, kept for the directory record
    byte[] sourceDigest; // of the entries as listed; null: no record is to be written
    boolean unchanged; // its record matched: the entries were left alone
    boolean pruned; // a pass that only deletes removed entries here
    boolean followed; // reached through a symlink (-L): opened without O_NOFOLLOW
    List<TargetDirectory> references; // at its path in each reference directory (null: none)
    boolean
        boundary; // on another filesystem than its parent (-x), or a mirror root not to walk: made,
    // not walked
    boolean mirrorRoot; // a pseudo-parent of a mirror's root (see Root#mirror)
    boolean walkRoot = true;
    String rootRaw = ""; // a pseudo-parent's raw path below the transfer root, for filters
    long issuesAtStart; // failures and warnings of the whole run when the directory was listed
    long listedAt; // wall clock before the source was listed, less the ctime guard

    Dir(
        Dir parent,
        byte[] srcName,
        byte[] dstName,
        String rel,
        String raw,
        FileStat src,
        FileStat before,
        boolean pseudo) {
      this.parent = parent;
      this.srcName = srcName;
      this.dstName = dstName;
      this.rel = rel;
      this.raw = raw;
      this.src = src;
      this.before = before;
      this.pseudo = pseudo;
    }

    static Dir forRoot(Root r, FilterRules filters) {
      Dir d = new Dir(null, null, null, "", "", null, null, true);
      d.filters = filters;
      d.scope = r.scope;
      d.sfd = r.srcDirFd;
      d.target = r.dst;
      d.tdev = r.dstDev;
      d.targetDisplay = r.targetDisplay;
      d.mirrorRoot = r.mirrored;
      d.walkRoot = r.walk;
      d.rootRaw = r.rawDir;
      return d;
    }

    boolean fresh() {
      return before == null;
    }

    String childRel(String name) {
      return rel.isEmpty() ? name : rel + "/" + name;
    }

    String childRaw(String name) {
      return raw.isEmpty() ? name : raw + "/" + name;
    }
  }

  /** An entry of a directory being processed. */
  private static final class Entry {
    final byte[] name; // without NUL
    final byte[] cname; // with NUL
    final String rel;
    final FileStat src; // with -L, of what a followed symlink leads to
    FileStat dst;
    boolean followed; // a symlink copied as what it leads to (-L): opened without O_NOFOLLOW
    String code; // its itemize code when a reference directory decided it ("": no line)

    Entry(byte[] name, byte[] cname, String rel, FileStat src) {
      this.name = name;
      this.cname = cname;
      this.rel = rel;
      this.src = src;
    }
  }

  private void copyRoot(Dir parent, Root r) {
    try {
      if (cancelled) {
        return;
      }
      byte[] cname = Posix.cstr(r.srcName);
      String where = r.relPath.isEmpty() ? "." : r.relPath;
      FileStat st =
          chmod(
              r.mirrored
                  ? Posix.statIfExists(parent.sfd, cname, where)
                  : Posix.stat(parent.sfd, cname, where));
      FileStat referent =
          st != null
                  && st.isSymlink()
                  && !r.mirrored
                  && options.followSymlinks() != CopyOptions.SymlinkFollowing.NONE
              ? referent(parent, cname, where, st)
              : null;
      if (referent != null) {
        st = referent;
      }
      FileStat there = parent.target != null ? parent.target.stat(r.dstName, where) : null;
      if (r.mirrored && !filters.isEmpty()) {
        // a mirror's entry is judged like any entry of a walk: by its raw path and its kind (the
        // source's, or the target's when the source has it no more); excluded ones stay as they are
        FileStat kind = st != null ? st : there;
        String raw =
            r.rawDir.isEmpty() ? Names.raw(r.srcName) : r.rawDir + "/" + Names.raw(r.srcName);
        if (kind != null
            && (st != null
                ? filters.isExcluded(raw, kind.isDirectory())
                : filters.isProtected(raw, kind.isDirectory(), options.deleteExcluded()))) {
          counters.excluded.increment();
          return;
        }
      }
      if (st == null) {
        // a mirror's change: the source has it no more, so neither will the target
        if (there != null) {
          removeTree(parent.target, r.dstName, r.relPath, there.isDirectory(), true);
        }
        return;
      }
      if (r.mirrored && hardLinks && st.isRegular() && st.nlink() > 1) {
        linkedMirrorEntry = true;
      }
      Entry e = new Entry(r.dstName, Posix.cstr(r.dstName), r.relPath, st);
      e.followed = referent != null;
      e.dst = there;
      if (!r.mirrored && e.dst != null && (e.dst.isDirectory() != st.isDirectory())) {
        // as cp and rsync do: the target the user named is never deleted to make room
        String what =
            st.isDirectory() ? "non-directory with a directory" : "directory with a non-directory";
        throw new IOException(
            Names.display(r.dstName)
                + ": cannot overwrite "
                + what
                + "; remove it or choose another target");
      }
      if (pass == Pass.DELETIONS) {
        if (e.dst != null && st.isDirectory() && e.dst.isDirectory()) {
          walkForDeletions(parent, e, cname);
        }
      } else if (handle(parent, e, cname)) {
        runFile(parent, e, cname);
      }
    } catch (IOException | RuntimeException ex) {
      counters.failure(r.relPath.isEmpty() ? "." : r.relPath, asIo(ex));
    } finally {
      done(parent);
    }
  }

  /** Lists one directory and dispatches its entries. Runs on a pool thread. */
  private void processDir(Dir d) {
    if (cancelled) {
      done(d); // never opened: nothing of its own to finish
      return;
    }
    d.issuesAtStart = counters.issues();
    d.listedAt = System.currentTimeMillis() * 1_000_000L - RECORD_GUARD_NANOS;
    try {
      open(d);
      if (d.boundary) {
        return; // -x: a mount point is made with its metadata (when done) but neither walked nor
        // pruned
      }
      List<Posix.Dirent> ents = Posix.readdir(d.sfd, where(d));
      // name order, as rsync's file lists: deterministic output, and hard-link groups resolve the
      // same way every run
      ents.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
      Map<ByteKey, Boolean> targetNames = listTarget(d);
      Set<ByteKey> keep = new HashSet<>();
      List<Entry> entries = new ArrayList<>(ents.size());
      for (Posix.Dirent de : ents) {
        String name = Names.display(de.name());
        String rel = d.childRel(name);
        byte[] cname = Posix.cstr(de.name());
        FileStat st;
        try {
          st = chmod(Posix.statIfExists(d.sfd, cname, rel));
        } catch (ErrnoException ex) {
          counters.failure(rel, ex);
          continue;
        }
        if (st == null) {
          counters.warning(rel, "file has vanished");
          continue;
        }
        ByteKey key = new ByteKey(de.name());
        if (Arrays.equals(de.name(), SIDECAR_NAME)) {
          continue; // signatures are fxcp's state on a target, never a source's data (nor its
          // FIFOs)
        }
        FileStat referent = null;
        if (st.isSymlink() && options.followSymlinks() != CopyOptions.SymlinkFollowing.NONE) {
          try {
            referent = referent(d, cname, rel, st);
          } catch (IOException ex) {
            counters.failure(rel, ex);
            keep.add(key); // not copied, so not deleted either
            continue;
          }
          if (referent != null) {
            st = referent; // filters judge what it leads to, as rsync's -L
          }
        }
        String raw = d.childRaw(Names.raw(de.name()));
        if (d.scope != null && d.scope.isExcluded(raw, st.isDirectory())) {
          keep.add(key); // not named by -R: neither copied nor deleted
          continue;
        }
        if (d.filters.isExcluded(raw, st.isDirectory())) {
          counters.excluded.increment();
          if (d.filters.isProtected(raw, st.isDirectory(), options.deleteExcluded())) {
            keep.add(key); // like rsync's excluded files, unless hidden only (H)
          }
          continue;
        }
        try {
          if (options.safeLinks()
              && st.isSymlink()
              && Planner.unsafeSymlink(Posix.readlinkat(d.sfd, cname, st.size(), rel), rel)) {
            // as rsync: not copied, and a target entry of its name stays, even under --delete
            counters.warning(rel, "ignoring unsafe symlink (--safe-links)");
            keep.add(key);
            continue;
          }
        } catch (ErrnoException ex) {
          counters.failure(rel, ex);
          continue;
        }
        keep.add(key);
        Entry e = new Entry(de.name(), cname, rel, st);
        e.followed = referent != null;
        if (targetNames != null && targetNames.containsKey(key)) {
          e.dst = d.target.stat(e.name, rel);
        }
        entries.add(e);
      }
      boolean removed = targetNames != null && removeExtraneous(d, targetNames, keep);
      if (pass == Pass.DELETIONS) {
        d.pruned = removed;
        for (Entry e : entries) {
          if (e.dst != null && e.src.isDirectory() && e.dst.isDirectory()) {
            walkForDeletions(d, e, e.cname);
          }
        }
        return;
      }
      checkRecord(d, entries, removed ? null : targetNames);
      List<Entry> batch = new ArrayList<>();
      long batchBytes = 0;
      for (Entry e : entries) {
        if (cancelled) {
          batch.clear();
          break;
        }
        if (d.unchanged && DirRecords.covered(e.src, hardLinks)) {
          upToDate(e);
          continue;
        }
        try {
          if (!handle(d, e, e.cname)) {
            continue;
          }
        } catch (IOException | RuntimeException ex) {
          counters.failure(e.rel, asIo(ex));
          continue;
        }
        batch.add(e);
        batchBytes += e.src.size();
        if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
          submitFiles(d, batch);
          batch = new ArrayList<>();
          batchBytes = 0;
        }
      }
      if (!batch.isEmpty()) {
        submitFiles(d, batch);
      }
    } catch (IOException | RuntimeException ex) {
      counters.failure(where(d), asIo(ex));
    } finally {
      done(d);
    }
  }

  private static String where(Dir d) {
    return d.rel.isEmpty() ? "." : d.rel;
  }

  /** Names in the target directory, or null when it is new (nothing to compare or delete). */
  private Map<ByteKey, Boolean> listTarget(Dir d) throws IOException {
    if (d.fresh() || d.target == null) {
      return null;
    }
    Map<ByteKey, Boolean> out = new HashMap<>();
    for (TargetDirectory.Entry te : d.target.list(where(d))) {
      out.put(new ByteKey(te.name()), te.directory());
    }
    return out;
  }

  private void submitFiles(Dir d, List<Entry> batch) {
    d.pending.incrementAndGet();
    pool.execute(
        () -> {
          try {
            for (Entry f : batch) {
              if (cancelled) {
                break;
              }
              runFile(d, f, f.cname);
            }
          } finally {
            done(d);
          }
        });
  }

  private void runFile(Dir d, Entry f, byte[] srcCname) {
    long started = options.throttle() ? System.nanoTime() : 0;
    try {
      if (copyFile(d, f, srcCname)) {
        sourceDone(d, f, srcCname);
      }
    } catch (IOException | RuntimeException ex) {
      counters.failure(f.rel, asIo(ex));
    }
    if (options.throttle()) {
      try {
        counters.throttledNanos.add(
            Governor.system().pace(System.nanoTime() - started, () -> cancelled));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the pool is being shut down: no more resting
      }
    }
  }

  /**
   * One unit of a directory's work finished; the last one finishes the directory, which is one unit
   * of its parent's. A loop, not recursion: a tree 10,000 levels deep finishes its chain of
   * directories without growing the stack.
   */
  private void done(Dir d) {
    for (Dir cur = d; cur != null && cur.pending.decrementAndGet() == 0; ) {
      try {
        // sfd < 0: it could not be opened, which is already reported; a cancelled copy leaves the
        // directories it did not finish without their times and records: a rerun completes them
        if (!cur.pseudo && cur.sfd >= 0 && !cancelled) {
          if (pass != Pass.DELETIONS) {
            finishDir(cur);
          } else if (cur.pruned) {
            restoreTimes(cur);
          }
        }
      } catch (IOException | RuntimeException ex) {
        counters.failure(where(cur), asIo(ex));
      }
      if (cur.pseudo) {
        rootDone(); // the root's held descriptors belong to the caller
        return;
      }
      Posix.close(cur.sfd);
      closeQuietly(cur.target);
      closeReferences(cur);
      cur = cur.parent;
    }
  }

  /**
   * Source entries whose ctime is this close to the listing get no record (see {@link
   * DirRecords#racy}): well above the kernel's coarse clock tick (at most 10 ms).
   */
  private static final long RECORD_GUARD_NANOS = 50_000_000L;

  /**
   * After a pass that only deletes, a directory it deleted in gets the times the copy gave it back,
   * silently: rsync's --delete-after leaves them as the copy made them.
   */
  private void restoreTimes(Dir d) throws IOException {
    if (d.target != null && !dryRun) {
      d.target.metadata(
          null,
          new SourceEntry(d.parent.sfd, Metadata.trimNul(d.srcName), d.sfd, d.src),
          d.before,
          true,
          where(d) + "/");
    }
  }

  /** Directory metadata goes on after its contents: creating entries moves its mtime. */
  private void finishDir(Dir d) throws IOException {
    if (d.scope != null && d.parent.pseudo) {
      return; // -R copies paths below its base, not the base itself: the target keeps its own
    }
    if (d.lazy && !d.made) {
      return; // --prune-empty-dirs: nothing went in, so it was never made
    }
    String where = where(d) + "/";
    int bits = 0;
    if (d.target != null) {
      bits =
          d.target.metadata(
              null,
              new SourceEntry(d.parent.sfd, Metadata.trimNul(d.srcName), d.sfd, d.src),
              d.before,
              !dryRun,
              where);
      reportDropped(d.sfd, where);
    }
    if (!d.fresh() && bits != 0) {
      changed(Itemize.code('.', 'd', bits), dirDisplay(d.rel), "");
      counters.metadataUpdated.increment();
    }
    storeRecord(d);
  }

  // ---------------------------------------------------------------- directory records

  /**
   * Compares the directory's record (see {@link DirRecords}) with digests of the stats just taken;
   * on a match its covered entries are left alone. Never with {@code --checksum}, which asks for
   * contents to be compared, nor when entries were just removed ({@code targetNames} null: the
   * listing is out of date; the directory is examined and recorded afresh).
   */
  private void checkRecord(Dir d, List<Entry> entries, Map<ByteKey, Boolean> targetNames) {
    if (options.checksum()
        || options.ignoreTimes()
        || options.removeSourceFiles()
        || filters.hasPerDirectoryFiles()
        || options.followSymlinks() != CopyOptions.SymlinkFollowing.NONE
        || d.scope != null) {
      // each asks for every file to be looked at again (the third, to be removed; the fourth,
      // because a rule file above can change what is copied here without a change here; the
      // fifth, because what a symlink leads to can change without a change here; the last, as
      // what -R names changes from run to run)
      return;
    }
    byte[] stored = targetNames == null ? null : d.target.readRecord(where(d));
    if (stored == null && !recordsWanted()) {
      return; // nothing to compare with, nothing to write
    }
    d.entries = entries;
    d.sourceDigest = sourceDigest(d, entries);
    if (stored != null && d.sourceDigest != null) {
      List<byte[]> names = new ArrayList<>(targetNames.size());
      targetNames.keySet().forEach(k -> names.add(k.bytes));
      byte[] target = targetDigest(d, names, e -> e.dst);
      d.unchanged =
          target != null
              && Arrays.equals(stored, DirRecords.record(optionsDigest, d.sourceDigest, target));
      if (d.unchanged) {
        counters.directoriesUnchanged.increment();
      }
    }
  }

  private boolean recordsWanted() {
    return options.generateSignatures() && !dryRun;
  }

  /**
   * Of the source directory and its entries; null if an entry changed too recently to vouch for it.
   */
  private byte[] sourceDigest(Dir d, List<Entry> entries) {
    DirRecords.Digest h = new DirRecords.Digest().state(d.src).count(entries.size());
    for (Entry e : entries) {
      h.name(e.name, e.src.type());
      if (DirRecords.covered(e.src, hardLinks)) {
        if (DirRecords.racy(e.src, d.listedAt)) {
          return null;
        }
        h.state(e.src);
      }
    }
    return h.finish();
  }

  /**
   * Of the target's names, the state of each covered entry ({@code target} gives it) and of the
   * signatures' sidecar directory, whose mtime moves when a sidecar signature is added or removed
   * (a sidecar does not touch its file's ctime). Null if that directory cannot be stat'ed.
   */
  private byte[] targetDigest(Dir d, List<byte[]> names, Function<Entry, FileStat> target) {
    DirRecords.Digest h = new DirRecords.Digest().count(names.size());
    DirRecords.sortNames(names);
    boolean sidecars = false;
    for (byte[] n : names) {
      h.name(n, 0);
      sidecars |= Arrays.equals(n, SIDECAR_NAME);
    }
    try {
      h.state(sidecars ? d.target.stat(SIDECAR_NAME, where(d)) : null);
    } catch (IOException ex) {
      return null;
    }
    for (Entry e : d.entries) {
      if (DirRecords.covered(e.src, hardLinks)) {
        h.state(target.apply(e));
      }
    }
    return h.finish();
  }

  /**
   * Writes the record of a directory copied the normal way, from its target as it is now, unless
   * anything failed or warned meanwhile (anywhere in the run: cheap to check, and it only costs a
   * later run the shortcut) or a target entry does not look like its source (another process
   * changing the target while we copied it: its change must not become the trusted state). Any
   * error only means no record.
   */
  private void storeRecord(Dir d) {
    if (!recordsWanted()
        || d.unchanged
        || d.sourceDigest == null
        || d.target == null
        || counters.issues() != d.issuesAtStart) {
      return;
    }
    try {
      List<byte[]> names = new ArrayList<>();
      for (TargetDirectory.Entry te : d.target.list(where(d))) {
        names.add(te.name());
      }
      Map<Entry, FileStat> now = new HashMap<>();
      for (Entry e : d.entries) {
        if (DirRecords.covered(e.src, hardLinks)) {
          FileStat t = d.target.stat(e.name, e.rel);
          if (!looksCopied(e.src, t)) {
            LOG.debug(
                "{}: target differs from its source after the copy; no directory record", e.rel);
            return;
          }
          now.put(e, t);
        }
      }
      byte[] target = targetDigest(d, names, now::get);
      if (target != null) {
        d.target.storeRecord(DirRecords.record(optionsDigest, d.sourceDigest, target), where(d));
      }
    } catch (IOException ex) {
      LOG.debug("{}: no directory record: {}", where(d), ex.getMessage());
    }
  }

  /**
   * The target entry has what a copy of {@code s} gets from the stat fields: kind, size, and what
   * is preserved.
   */
  private boolean looksCopied(FileStat s, FileStat t) {
    return t != null
        && t.type() == s.type()
        && t.size() == s.size()
        && (!options.preserves(Preserve.TIMES)
            || s.isDirectory() && options.omitDirTimes()
            || t.sameMtime(s))
        && (!options.preserves(Preserve.MODE)
            || s.isSymlink()
            || t.permissions() == s.permissions())
        && (!options.preserves(Preserve.OWNER) || !root || t.uid() == s.uid())
        && (!options.preserves(Preserve.GROUP) || t.gid() == s.gid());
  }

  private void upToDate(Entry e) {
    if (!e.src.isRegular()) {
      return; // unchanged symlinks and special files are not counted, as on the normal path
    }
    counters.filesUpToDate.increment();
    listener.fileUpToDate(e.rel, e.src.size());
  }

  private static String dirDisplay(String rel) {
    return rel.isEmpty() ? "./" : rel + "/";
  }

  // ---------------------------------------------------------------- entries

  /**
   * Creates or updates one entry, except regular files, which are batched by the caller.
   *
   * @return true for a regular file still to be copied
   */
  private boolean handle(Dir d, Entry e, byte[] srcCname) throws IOException {
    Planner.Action a =
        planner.plan(
            e.src, e.dst, e.rel.isEmpty() ? Names.display(Metadata.trimNul(srcCname)) : e.rel);
    if (a.makeWay() != Planner.MakeWay.NONE) {
      makeWay(d, e, a.makeWay());
      e.dst = null;
    }
    if (d.lazy
        && a.step() != Planner.Step.DIRECTORY
        && a.step() != Planner.Step.LEAVE
        && a.step() != Planner.Step.SKIP
        && a.step() != Planner.Step.REFUSE) {
      ensureMade(d);
    }
    switch (a.step()) {
      case DIRECTORY -> enterDir(d, e, srcCname, a);
      case COPY, MAYBE_UP_TO_DATE -> {
        return true;
      }
      case SYMLINK -> {
        copySymlink(d, e, srcCname, a);
        sourceDone(d, e, srcCname);
      }
      case SPECIAL -> {
        copySpecial(d, e, srcCname, a);
        sourceDone(d, e, srcCname);
      }
      case SKIP -> counters.warning(e.rel, a.reason());
      case LEAVE -> {}
      case REFUSE -> throw new IOException(a.reason());
    }
    return false;
  }

  /**
   * Removes a target entry of another kind to make room for the source's, as the planner says: a
   * directory goes with its contents only under {@code --delete}; otherwise only an empty one goes,
   * as rsync (and cp) never empty a directory to replace it with a file unless asked to.
   */
  private void makeWay(Dir d, Entry e, Planner.MakeWay way) throws IOException {
    if (way == Planner.MakeWay.REMOVE_IF_EMPTY) {
      boolean empty;
      if (dryRun) {
        try (TargetDirectory sub = d.target.open(e.name, e.rel)) {
          empty = sub.list(e.rel).isEmpty();
        }
      } else {
        empty = d.target.removeIfEmpty(e.name, e.rel);
      }
      if (!empty) {
        throw new IOException(
            e.rel
                + ": cannot replace a non-empty directory with a non-directory; "
                + "remove it, or run with --delete to let it go with its contents");
      }
      counters.deleted.increment(); // as rsync: not itemized, the new entry's line says enough
      return;
    }
    removeTree(
        d.target, e.name, e.rel, e.dst.isDirectory(), false, null, null, true, backupPath(d));
  }

  /**
   * Creates the target directory (if new) and queues the child. Its descriptors are opened by the
   * child's own task, not here: a directory with 100,000 subdirectories must not hold 200,000
   * descriptors while they wait in the queue.
   */
  private void enterDir(Dir d, Entry e, byte[] srcCname, Planner.Action a) throws IOException {
    boolean lazy = e.dst == null && options.pruneEmptyDirs() && !d.pseudo;
    if (e.dst == null && !lazy) {
      String code = referenceRoots.isEmpty() ? a.itemize() : referenceDirCode(d, e, srcCname, a);
      if (code != null) {
        changed(code, dirDisplay(e.rel), "");
      }
      if (!dryRun) {
        // the root directory has no path of its own below the target: name the target as given
        d.target.makeDirectory(e.name, e.rel.isEmpty() && d.pseudo ? d.targetDisplay : e.rel);
      }
      counters.directories.increment();
    }
    Dir child = new Dir(d, srcCname, e.name, e.rel, rawOf(d, e), e.src, e.dst, false);
    child.followed = e.followed;
    child.scope = d.scope;
    child.lazy = lazy;
    child.boundary =
        options.oneFileSystem() && !d.pseudo && e.src.dev() != d.src.dev()
            || d.pseudo
                && !d.walkRoot
                && e.dst != null; // a mirror's directory whose own metadata changed
    d.pending.incrementAndGet();
    pool.execute(() -> processDir(child));
  }

  /**
   * Queues a directory both sides have for a pass that only deletes: nothing made, nothing itemized
   * but deletions, the same boundaries as the copy's.
   */
  private void walkForDeletions(Dir d, Entry e, byte[] srcCname) {
    Dir child = new Dir(d, srcCname, e.name, e.rel, rawOf(d, e), e.src, e.dst, false);
    child.followed = e.followed;
    child.scope = d.scope;
    child.boundary =
        options.oneFileSystem() && !d.pseudo && e.src.dev() != d.src.dev()
            || d.pseudo && !d.walkRoot;
    d.pending.incrementAndGet();
    pool.execute(() -> processDir(child));
  }

  /**
   * Opens a directory's two descriptors; its parent's are still open (it waits for its children).
   */
  private void open(Dir d) throws IOException {
    try {
      openBoth(d);
      d.filters = rulesIn(d);
    } catch (ErrnoException ex) {
      if (ex.errno() == Posix.EMFILE) {
        // each directory being copied holds its two descriptors until its contents are done
        String where =
            d.rel.length() <= 200
                ? d.rel
                : d.rel.substring(0, 80)
                    + "..."
                    + d.rel.substring(d.rel.length() - 80)
                    + " ("
                    + d.rel.split("/").length
                    + " levels)";
        throw new IOException(
            where
                + ": too deep to copy within the open-file limit (each level holds two "
                + "descriptors); raise it with ulimit -n and run again",
            ex);
      }
      throw ex;
    }
  }

  private void openBoth(Dir d) throws IOException {
    d.sfd =
        Posix.openat(
            d.parent.sfd,
            d.srcName,
            LibC.O_RDONLY | LibC.O_DIRECTORY | (d.followed ? 0 : LibC.O_NOFOLLOW),
            0,
            d.rel);
    d.tdev = d.parent.tdev; // a directory we create lives on its parent's filesystem
    if ((dryRun || d.lazy) && d.fresh()) {
      return; // nothing on the target yet (a lazy one is made with its first entry)
    }
    d.target = d.parent.target.open(d.dstName, d.rel);
    if (!d.fresh() && options.oneFileSystem()) {
      d.tdev = d.target.stat(d.rel).dev(); // an existing one may be a mount point
      if (options.oneFileSystem() && !d.parent.pseudo && d.tdev != d.parent.tdev) {
        d.boundary =
            true; // -x on the target side too: another filesystem there is neither walked nor
        // pruned
      }
    }
  }

  /**
   * The rules for a directory's entries: its parent's, with the rules of its own dir-merge files
   * (read from the source, regular files only, never through a symlink nor blocking on a FIFO).
   */
  private static FilterRules rulesIn(Dir d) throws IOException {
    FilterRules up = d.parent.filters;
    if (!up.hasPerDirectoryFiles()) {
      return up;
    }
    try {
      return up.inDirectory(
          d.raw,
          name -> {
            byte[] text =
                Posix.readSmallFile(
                    d.sfd,
                    Posix.cstr(name.getBytes(StandardCharsets.UTF_8)),
                    1 << 20,
                    d.childRel(name));
            return text == null
                ? null
                : new java.io.StringReader(new String(text, StandardCharsets.UTF_8));
          });
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage() + "; the directory is left as it was", e);
    }
  }

  /**
   * What a symlink leads to, when the options say to copy it as that (-L, or --copy-unsafe-links
   * and it points outside the tree); null: it is copied as a symlink.
   *
   * @throws IOException if it leads nowhere, to a special file, or back to a directory being copied
   *     (a loop)
   */
  private FileStat referent(Dir d, byte[] cname, String rel, FileStat link) throws IOException {
    if (options.followSymlinks() == CopyOptions.SymlinkFollowing.UNSAFE
        && !Planner.unsafeSymlink(Posix.readlinkat(d.sfd, cname, link.size(), rel), rel)) {
      return null;
    }
    FileStat to = chmod(Posix.statFollowing(d.sfd, cname, rel));
    if (to == null) {
      throw new IOException(
          rel + ": symlink has no referent (it is followed: -L); remove it or copy without -L");
    }
    if (!to.isRegular() && !to.isDirectory()) {
      throw new IOException(
          rel
              + ": a symlink to a device, FIFO or socket; fxcp follows symlinks to files and"
              + " directories only");
    }
    for (Dir a = d; to.isDirectory() && a != null && !a.pseudo; a = a.parent) {
      if (a.src.dev() == to.dev() && a.src.ino() == to.ino()) {
        throw new IOException(
            rel
                + ": symlink loop: it leads back to "
                + where(a)
                + ", which is being copied; it is skipped");
      }
    }
    return to;
  }

  private static String rawOf(Dir d, Entry e) {
    if (d.pseudo) {
      return e.rel.isEmpty()
          ? ""
          : d.rootRaw.isEmpty() ? Names.raw(e.name) : d.rootRaw + "/" + Names.raw(e.name);
    }
    return d.childRaw(Names.raw(e.name));
  }

  private void copySymlink(Dir d, Entry e, byte[] srcCname, Planner.Action a) throws IOException {
    byte[] target = Posix.readlinkat(d.sfd, srcCname, e.src.size(), e.rel);
    String detail = "-> " + Names.display(target);
    SourceEntry source = source(d, e, srcCname, -1);
    TargetDirectory same = e.dst == null ? referenceSymlink(d, e, source, target) : null;
    if (same != null) {
      // as rsync: the reference's identical symlink is linked, left out or made, without a line
      switch (options.referenceUse()) {
        case LINK -> {
          if (!dryRun) {
            d.target.link(e.name, same, e.name, false, e.rel);
          }
          return;
        }
        case COMPARE -> {
          return;
        }
        case COPY -> {
          counters.symlinks.increment();
          if (!dryRun) {
            d.target.makeSymlink(e.name, target, source, false, e.rel);
          }
          return;
        }
      }
    }
    if (e.dst != null && Arrays.equals(d.target.readSymlink(e.name, e.rel), target)) {
      updateInPlace(d, e, source, 'L', detail);
      return;
    }
    changed(e.dst == null ? a.itemize() : "cL.c.......", e.rel, detail);
    counters.symlinks.increment();
    if (!dryRun) {
      if (e.dst != null && options.backup()) {
        backUp(d.target, pathOf(d), e.name, e.rel, true);
      }
      d.target.makeSymlink(e.name, target, source, e.dst != null, e.rel);
    }
  }

  private void copySpecial(Dir d, Entry e, byte[] srcCname, Planner.Action a) throws IOException {
    SourceEntry source = source(d, e, srcCname, -1);
    if (e.dst != null) {
      updateInPlace(d, e, source, e.src.isDevice() ? 'D' : 'S', "");
      return;
    }
    changed(a.itemize(), e.rel, "");
    counters.specials.increment();
    if (!dryRun) {
      d.target.makeSpecial(e.name, source, false, e.rel);
    }
  }

  /** A symlink or special file that is already there: only its metadata may need to change. */
  private void updateInPlace(Dir d, Entry e, SourceEntry source, char kind, String detail)
      throws IOException {
    int bits = d.target.metadata(e.name, source, e.dst, !dryRun, e.rel);
    if (bits != 0) {
      changed(Itemize.code('.', kind, bits), e.rel, detail);
      counters.metadataUpdated.increment();
    }
  }

  /**
   * The source entry as a target reads it: its directory, name, open descriptor (or -1) and state.
   */
  private static SourceEntry source(Dir d, Entry e, byte[] srcCname, int fd) {
    return new SourceEntry(d.sfd, Metadata.trimNul(srcCname), fd, e.src);
  }

  // ---------------------------------------------------------------- regular files

  /**
   * The source as --chmod says to take it: its permissions through the rules (symlinks have none
   * that count). Only what is copied changes, never the source.
   */
  private FileStat chmod(FileStat st) {
    if (st == null || options.chmod().isEmpty() || st.isSymlink()) {
      return st;
    }
    return st.withPermissions(options.chmod().apply(st.permissions(), st.isDirectory()));
  }

  /**
   * Copies (or links, or finds up to date) one regular file.
   *
   * @return false when it waits for the first name of its hard-link group, which finishes it later
   */
  private boolean copyFile(Dir d, Entry e, byte[] srcCname) throws IOException {
    LinkGroup group = null;
    if (options.preserves(Preserve.HARD_LINKS) && e.src.nlink() > 1) {
      LinkGroup g =
          links.computeIfAbsent(new InodeKey(e.src.dev(), e.src.ino()), k -> new LinkGroup(e.rel));
      if (!g.claimFirst()) {
        d.pending.incrementAndGet();
        g.whenReady(
            () ->
                pool.execute(
                    () -> {
                      try {
                        if (cancelled) {
                          return;
                        }
                        linkFollower(d, e, g, srcCname);
                        sourceDone(d, e, srcCname);
                      } catch (IOException | RuntimeException ex) {
                        counters.failure(e.rel, asIo(ex));
                      } finally {
                        done(d);
                      }
                    }));
        return false;
      }
      group = g;
    }
    boolean ok = false;
    try {
      copyRegular(d, e, srcCname);
      ok = true;
    } finally {
      if (group != null) {
        Placed placed = null;
        if (ok && !dryRun) {
          try {
            placed = placed(d, e);
          } catch (IOException ex) {
            LOG.debug("cannot find {} again for its hard links", e.rel, ex);
          }
        }
        group.complete(placed, ok && (dryRun || placed != null));
      }
    }
    return true;
  }

  /**
   * A non-directory the target now holds: with --remove-source-files its source name goes, unless
   * it changed since it was read (then it is kept, with a warning, as something the copy may not
   * hold).
   */
  private void sourceDone(Dir d, Entry e, byte[] srcCname) throws IOException {
    if (!options.removeSourceFiles() || dryRun) {
      return;
    }
    FileStat now =
        e.followed
            ? Posix.statFollowing(d.sfd, srcCname, e.rel)
            : Posix.statIfExists(d.sfd, srcCname, e.rel);
    if (now == null) {
      return; // already gone
    }
    // the ctime too, unless another name of the file went meanwhile (which sets it): removing
    // the first name of a hard-link group must not keep the others
    boolean linksGone = now.nlink() < e.src.nlink();
    if (now.ino() != e.src.ino() || !now.unchangedSince(e.src, !linksGone)) {
      counters.warning(e.rel, e.rel + ": changed since it was copied; the source is kept");
      return;
    }
    Posix.unlinkat(d.sfd, srcCname, false, e.rel);
  }

  private void linkFollower(Dir d, Entry e, LinkGroup g, byte[] srcCname) throws IOException {
    if (!g.ok) {
      copyRegular(d, e, srcCname); // the first copy failed: this path gets a copy of its own
      return;
    }
    if (dryRun) {
      changed(Itemize.created('h', 'f'), e.rel, "=> " + g.firstRel);
      counters.hardLinks.increment();
      return;
    }
    Placed p = g.first;
    TargetDirectory parent = p.openParent(g.firstRel);
    try {
      byte[] first = p.path.get(p.path.size() - 1);
      FileStat now = parent.stat(first, g.firstRel);
      if (now == null || now.ino() != p.ino || now.dev() != p.dev) {
        // the first copy was replaced or removed meanwhile (by someone else): never link to a
        // stranger
        copyRegular(d, e, srcCname);
        return;
      }
      if (e.dst != null && e.dst.ino() == p.ino && e.dst.dev() == p.dev) {
        return; // already the same inode
      }
      // a name that held the old version shows what changed, as rsync shows it (hf.st......)
      String code = Itemize.created('h', 'f');
      if (e.dst != null && e.dst.isRegular()) {
        int fd = e.followed ? openSource(d, e, srcCname) : -1;
        try {
          code =
              Itemize.code(
                  'h',
                  'f',
                  planner.contentBits(e.src, e.dst) | metadataChanges(d, e, srcCname, fd, e.dst));
        } finally {
          Posix.close(fd);
        }
      }
      changed(code, e.rel, "=> " + g.firstRel);
      counters.hardLinks.increment();
      if (e.dst != null && options.backup()) {
        backUp(d.target, pathOf(d), e.name, e.rel, true);
      }
      d.target.link(e.name, parent, first, e.dst != null, e.rel);
    } finally {
      if (parent != p.root) {
        closeQuietly(parent);
      }
    }
  }

  /**
   * Where the first copy of a hard-link group went: its names from the root's target directory
   * (held for the whole run) and its inode. A path, not a held descriptor: 20,000 groups whose
   * other names come much later (a second directory of links) would otherwise hold 20,000
   * descriptors.
   */
  private record Placed(TargetDirectory root, List<byte[]> path, long dev, long ino) {
    /** Opens the first copy's directory one name at a time, never following a symlink. */
    TargetDirectory openParent(String where) throws IOException {
      TargetDirectory cur = root;
      for (int i = 0; i < path.size() - 1; i++) {
        TargetDirectory next;
        try {
          next = cur.open(path.get(i), where);
        } finally {
          if (cur != root) {
            closeQuietly(cur);
          }
        }
        cur = next;
      }
      return cur;
    }
  }

  private Placed placed(Dir d, Entry e) throws IOException {
    java.util.ArrayDeque<byte[]> names = new java.util.ArrayDeque<>();
    names.add(e.name);
    Dir x = d;
    for (; !x.pseudo; x = x.parent) {
      names.addFirst(x.dstName);
    }
    FileStat st = d.target.stat(e.name, e.rel);
    if (st == null) {
      throw new IOException(e.rel + ": gone from the target right after its copy");
    }
    return new Placed(x.target, List.copyOf(names), st.dev(), st.ino());
  }

  private void copyRegular(Dir d, Entry e, byte[] srcCname) throws IOException {
    if (e.dst == null && !referenceRoots.isEmpty() && fromReference(d, e, srcCname)) {
      return;
    }
    if (planner.plan(e.src, e.dst, e.rel).step() == Planner.Step.MAYBE_UP_TO_DATE
        && (!options.checksum() || sameContents(d, e, srcCname))) {
      updateMetadataOnly(d, e, srcCname);
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        copyContents(d, e, srcCname, attempt == 1);
        return;
      } catch (SourceChanged ex) {
        if (attempt == CHANGE_ATTEMPTS) {
          throw new SourceChanged(
              e.rel
                  + ": file changed as we read it ("
                  + CHANGE_ATTEMPTS
                  + " tries); not copied: run again when it is quiet");
        }
        LOG.debug("{} changed while it was copied; copying it again", e.rel);
      }
    }
  }

  /**
   * Copies of a file that is being written: tries before its change is reported (as tar's "file
   * changed as we read it").
   */
  private static final int CHANGE_ATTEMPTS = 3;

  /**
   * The source file changed between the stat before its copy and the one after: the copy is not
   * published.
   */
  static final class SourceChanged extends IOException {
    private static final long serialVersionUID = 1L;

    SourceChanged(String message) {
      super(message);
    }
  }

  /**
   * Throws {@link SourceChanged} if the open source no longer has the size, mtime and ctime it had
   * when its copy began: bytes or metadata written meanwhile may be half in the copy. Every write,
   * truncate, chmod or xattr change moves ctime, which no one can set back.
   */
  private static void checkUnchanged(int sfd, FileStat before, String rel) throws IOException {
    if (!Posix.fstat(sfd, rel).unchangedSince(before, true)) {
      throw new SourceChanged(rel + ": changed during its copy");
    }
  }

  /**
   * What else differs on an entry being replaced (rsync's p, o, g, a, x letters beside s and t):
   * compared, not applied; the replacement gets the source's metadata anyway. Costs the xattr
   * listings of both sides (8 system calls for a file with one xattr), on replaced files only.
   *
   * @param sfd the source's open descriptor, or -1 to read it through its directory
   */
  private int metadataChanges(Dir d, Entry e, byte[] srcCname, int sfd, FileStat dst)
      throws IOException {
    return d.target.metadata(e.name, source(d, e, srcCname, sfd), dst, false, e.rel);
  }

  private void copyContents(Dir d, Entry e, byte[] srcCname, boolean first) throws IOException {
    FileStat dst = e.dst;
    int sfd = openSource(d, e, srcCname);
    try {
      FileStat s = chmod(Posix.fstat(sfd, e.rel));
      if (!s.isRegular() || s.ino() != e.src.ino()) {
        throw new IOException(e.rel + ": changed while being copied (was replaced); run again");
      }
      if (first) {
        listener.fileStart(e.rel, s.size());
        String code =
            e.code != null
                ? e.code
                : dst == null
                    ? Itemize.created('>', 'f')
                    : Itemize.code(
                        '>',
                        'f',
                        planner.contentBits(s, dst) | metadataChanges(d, e, srcCname, sfd, dst));
        if (!code.isEmpty()) {
          changed(code, e.rel, "");
        }
      }
      if (dryRun) {
        counters.filesCopied.increment();
        counters.bytesCopied.add(s.size());
        listener.fileEnd(e.rel, s.size(), TierNames.DRY_RUN);
        return;
      }
      SourceEntry source = new SourceEntry(d.sfd, Metadata.trimNul(srcCname), sfd, s);
      if (dst != null && options.backup()) {
        backUp(d.target, pathOf(d), e.name, e.rel, true);
      }
      TargetDirectory.Written w =
          d.target.writeFile(
              e.name,
              source,
              dst,
              // a delta writes in place: the backup, a link to the same file, would change too
              !options.backup() && planner.deltaCandidate(s, dst),
              () -> checkUnchanged(sfd, s, e.rel),
              e.rel);
      counters.filesCopied.increment();
      counters.bytesCopied.add(w.bytesWritten());
      counters.tier(w.method());
      if (w.signed()) {
        counters.signaturesWritten.increment();
      }
      if (TierNames.DELTA.equals(w.method())) {
        counters.deltaFiles.increment();
        counters.deltaBytesSaved.add(s.size() - w.bytesWritten());
      }
      reportDropped(sfd, e.rel);
      listener.fileEnd(e.rel, w.bytesWritten(), w.method());
    } finally {
      Posix.close(sfd);
    }
  }

  /**
   * For a target that carries no xattrs or no ACLs: each one the options asked for that the open
   * source has is reported as not preserved (counted in the report, with a warning), never dropped
   * in silence. Symlinks and special files have no user xattrs to lose.
   */
  private void reportDropped(int sfd, String rel) {
    if (!dropXattrs && !dropAcls || dryRun) {
      return;
    }
    try {
      for (byte[] n : Posix.listXattrs(sfd, null, rel)) {
        boolean acl = Metadata.isAcl(n);
        if ((acl ? dropAcls : dropXattrs) && Metadata.isCopied(n)) {
          counters.notPreserved(
              Posix.xattrName(n),
              rel,
              new IOException("the target carries no " + (acl ? "ACLs" : "extended attributes")));
        }
      }
    } catch (ErrnoException ex) {
      LOG.debug("{}: cannot list its xattrs to report them", rel, ex);
    }
  }

  /**
   * Opens a source file without following a symlink (unless it is one the options follow: the
   * caller checks it still leads to the file listed) and, where allowed, without touching its
   * atime.
   */
  private int openSource(Dir d, Entry e, byte[] cname) throws ErrnoException {
    // a followed symlink is opened non-blocking: swapped for a FIFO meanwhile, it must not hang us
    int base = LibC.O_RDONLY | LibC.O_NOCTTY | (e.followed ? LibC.O_NONBLOCK : LibC.O_NOFOLLOW);
    if (noAtime) {
      int fd = LibC.openat(d.sfd, cname, base | LibC.O_NOATIME | LibC.O_CLOEXEC, 0);
      if (fd >= 0) {
        return fd;
      }
      if (Posix.lastError() != Posix.EPERM) {
        throw Posix.error("open", e.rel, Posix.lastError());
      }
      noAtime = false; // not our file and not root: plain opens from now on
    }
    return Posix.openat(d.sfd, cname, base, 0, e.rel);
  }

  private static final byte[] SIDECAR_NAME = Metadata.trimNul(Signatures.SIDECAR_DIR);

  private void updateMetadataOnly(Dir d, Entry e, byte[] srcCname) throws IOException {
    upToDate(e);
    // a followed symlink's referent is read through a descriptor: by name, its xattrs would be
    // the link's
    int fd = e.followed ? openSource(d, e, srcCname) : -1;
    try {
      SourceEntry source = source(d, e, srcCname, fd);
      int bits = d.target.metadata(e.name, source, e.dst, false, e.rel);
      if (bits != 0) {
        changed(Itemize.code('.', 'f', bits), e.rel, "");
        counters.metadataUpdated.increment();
      }
      if (dryRun) {
        return;
      }
      if (bits != 0) {
        d.target.metadata(e.name, source, e.dst, true, e.rel);
      }
    } finally {
      Posix.close(fd);
    }
    if (options.generateSignatures() && d.target.sign(e.name, e.dst, e.rel)) {
      counters.signaturesWritten.increment();
    }
  }

  /** Under --checksum: whether the target file holds exactly the source's bytes. */
  private boolean sameContents(Dir d, Entry e, byte[] srcCname) throws IOException {
    int fd = openSource(d, e, srcCname);
    try {
      return d.target.sameContents(e.name, source(d, e, srcCname, fd), e.rel);
    } finally {
      Posix.close(fd);
    }
  }

  // ---------------------------------------------------------------- delete

  /**
   * Removes what the source does not have (with --delete) and our leftovers; true if any name went.
   */
  private boolean removeExtraneous(Dir d, Map<ByteKey, Boolean> targetNames, Set<ByteKey> keep) {
    boolean any = false;
    Set<ByteKey> removed = new java.util.HashSet<>();
    for (Map.Entry<ByteKey, Boolean> t : targetNames.entrySet()) {
      byte[] name = t.getKey().bytes;
      if (keep.contains(t.getKey()) || Arrays.equals(name, SIDECAR_NAME)) {
        continue; // the source's, or our signatures' sidecar directory
      }
      String rel = d.childRel(Names.display(name));
      try {
        if (d.target.isLeftover(name, rel)) {
          // a temporary of an interrupted run: recognisably ours, so never the user's; under
          // --partial, one of a file still to copy is what that copy continues
          byte[] resumes = options.partial() ? Temporaries.partialOf(name) : null;
          if (resumes != null && keep.contains(new ByteKey(resumes))) {
            continue;
          }
          if (!dryRun) {
            d.target.remove(name, false, rel);
            any = true;
          }
          continue;
        }
        if (!deleting()) {
          continue;
        }
        FileStat st = d.target.stat(name, rel);
        String raw = d.childRaw(Names.raw(name));
        if (st == null
            || d.scope != null && d.scope.isExcluded(raw, st.isDirectory())
            || d.filters.isProtected(raw, st.isDirectory(), options.deleteExcluded())
            || keptBackup(d.target, new TargetDirectory.Entry(name, st.isDirectory()), rel)) {
          continue;
        }
        if (removeTree(
            d.target, name, rel, st.isDirectory(), true, d.filters, raw, false, backupPath(d))) {
          removed.add(t.getKey()); // kept by --max-delete: its signature stays too
        }
        any = true;
      } catch (IOException | RuntimeException ex) {
        counters.failure(rel, asIo(ex));
      }
    }
    if (deleting() && !dryRun && targetNames.containsKey(new ByteKey(SIDECAR_NAME))) {
      // signatures whose file was just deleted, or went away since the run that wrote them
      try {
        d.target.pruneSignatures(
            base -> {
              ByteKey k = new ByteKey(base);
              return keep.contains(k) || (targetNames.containsKey(k) && !removed.contains(k));
            },
            d.childRel(io.foxing.merkle.SignatureStore.SIDECAR_DIR));
      } catch (IOException ex) {
        counters.failure(d.childRel(io.foxing.merkle.SignatureStore.SIDECAR_DIR), ex);
      }
    }
    return any;
  }

  private void deleteChange(String rel, boolean dir) {
    changed("*deleting  ", dir ? rel + "/" : rel, "");
    counters.deleted.increment();
  }

  boolean removeTree(
      TargetDirectory dir, byte[] name, String rel, boolean directory, boolean limited)
      throws IOException {
    return removeTree(dir, name, rel, directory, limited, null, null, false, null);
  }

  /**
   * Removes an entry of a target directory, depth first, through descriptors only.
   *
   * @param limited counts against {@code --max-delete}: what the limit stops stays (with its
   *     parents)
   * @param rules what {@code --delete} must leave inside (as rsync, which keeps a directory that
   *     holds a protected entry); null: everything goes
   * @param raw the entry's raw path, for the rules
   * @param quiet the entry makes way for the source's of another kind: as rsync, only what was
   *     inside it is itemized as deleted
   * @param path the target names from the transfer root down to {@code dir}, for backups (null:
   *     none are made; see {@link #backupPath})
   * @return whether it is gone
   */
  private boolean removeTree(
      TargetDirectory dir,
      byte[] name,
      String rel,
      boolean directory,
      boolean limited,
      FilterRules rules,
      String raw,
      boolean quiet,
      List<byte[]> path)
      throws IOException {
    boolean emptied = true;
    if (directory && (!dryRun || quiet)) {
      boolean keptInside = false;
      List<byte[]> inside = path == null ? null : child(path, name);
      try (TargetDirectory sub = dir.open(name, rel)) {
        for (TargetDirectory.Entry c : sub.list(rel)) {
          String childRel = rel + "/" + Names.display(c.name());
          String childRaw = rules == null ? null : raw + "/" + Names.raw(c.name());
          if (rules != null && rules.isProtected(childRaw, c.directory(), options.deleteExcluded())
              || keptBackup(sub, c, childRel)) {
            emptied = false;
            keptInside = true;
            continue;
          }
          emptied &=
              removeTree(
                  sub, c.name(), childRel, c.directory(), limited, rules, childRaw, false, inside);
          // backups beside the files stay in the directory, which then cannot go (as rsync)
          keptInside |= !dryRun && !c.directory() && inside != null && backupRoot == null;
        }
      }
      emptied &= !keptInside;
      if (keptInside) {
        counters.warning(
            rel,
            "cannot delete non-empty directory: it holds entries the filters protect, or backups"
                + " (as rsync)");
      }
    }
    if (!emptied || limited && !takeDeletion()) {
      return false;
    }
    if (!dryRun) {
      if (!directory && path != null) {
        backUp(dir, path, name, rel, false);
      } else {
        dir.remove(name, directory, rel);
      }
    }
    if (quiet) {
      counters.deleted.increment();
    } else {
      deleteChange(rel, directory);
    }
    return true;
  }

  /**
   * Makes a directory that --prune-empty-dirs left for later, and the ones above it, when the first
   * entry that is not a directory goes in; itemized then, as rsync lists only what it keeps. Locks
   * go from a directory to its parent, never down.
   */
  private void ensureMade(Dir d) throws IOException {
    synchronized (d) {
      if (!d.lazy || d.made) {
        return;
      }
      if (d.parent.lazy) {
        ensureMade(d.parent);
      }
      changed(Itemize.created('c', 'd'), dirDisplay(d.rel), "");
      if (!dryRun) {
        d.parent.target.makeDirectory(d.dstName, d.rel);
        d.target = d.parent.target.open(d.dstName, d.rel);
      }
      counters.directories.increment();
      d.made = true;
    }
  }

  // ---------------------------------------------------------------- reference directories

  /** --compare-dest, --copy-dest, --link-dest: each directory's root, in order (empty: none). */
  private List<TargetDirectory> referenceRoots = List.of();

  /** Compares new files with these roots' files at the same paths; the caller closes them. */
  public void compareWith(List<TargetDirectory> roots) {
    this.referenceRoots = List.copyOf(roots);
  }

  /**
   * The directories at {@code d}'s path in each reference root, opened once per directory (its
   * parent's are still open) and closed with it; null where a reference has none.
   */
  private synchronized List<TargetDirectory> references(Dir d) {
    if (d.references == null) {
      List<TargetDirectory> out = new ArrayList<>(referenceRoots.size());
      for (int i = 0; i < referenceRoots.size(); i++) {
        TargetDirectory up;
        if (d.pseudo) {
          up = referenceRoots.get(i);
        } else if (d.parent.pseudo && d.rel.isEmpty()) {
          out.add(referenceRoots.get(i)); // the transfer root is the reference's root
          continue;
        } else {
          up = references(d.parent).get(i);
        }
        TargetDirectory here = null;
        if (up != null && !d.pseudo) {
          try {
            FileStat st = up.stat(d.dstName, d.rel);
            here = st != null && st.isDirectory() ? up.open(d.dstName, d.rel) : null;
          } catch (IOException ex) {
            LOG.debug("{}: not in reference directory {}: {}", d.rel, i, ex.getMessage());
          }
        }
        out.add(d.pseudo ? up : here);
      }
      d.references = out;
    }
    return d.references;
  }

  private void closeReferences(Dir d) {
    List<TargetDirectory> refs;
    synchronized (this) {
      refs = d.references;
      d.references = null;
    }
    if (refs != null) {
      for (TargetDirectory r : refs) {
        if (r != null && !referenceRoots.contains(r)) {
          closeQuietly(r);
        }
      }
    }
  }

  /**
   * A file new to the target, compared with the reference directories' files at its path, as rsync
   * does: the first found with the same size, modification time and metadata decides (linked under
   * --link-dest, left out under --compare-dest, copied without a line under --copy-dest); else the
   * closest (same size and time; or any regular file) is what the copy's itemized line is measured
   * against ({@code cf} for a local copy, {@code >f} for a transfer).
   *
   * @return whether the file is done
   */
  private boolean fromReference(Dir d, Entry e, byte[] srcCname) throws IOException {
    List<TargetDirectory> refs = references(d);
    int bestLevel = 0;
    int bestBits = 0;
    FileStat bestStat = null;
    TargetDirectory bestDir = null;
    int fd = e.followed ? openSource(d, e, srcCname) : -1;
    try {
      for (TargetDirectory ref : refs) {
        FileStat st = ref == null ? null : ref.stat(e.name, e.rel);
        if (st == null || !st.isRegular()) {
          continue;
        }
        int bits = ref.metadata(e.name, source(d, e, srcCname, fd), st, false, e.rel);
        boolean sameData = st.size() == e.src.size() && planner.sameMtime(e.src, st);
        int level = sameData ? (bits == 0 ? 3 : 2) : 1;
        if (level > bestLevel) {
          bestLevel = level;
          bestBits = bits;
          bestStat = st;
          bestDir = ref;
        }
        if (level == 3) {
          break;
        }
      }
    } finally {
      Posix.close(fd);
    }
    switch (bestLevel) {
      case 3 -> {
        switch (options.referenceUse()) {
          case LINK -> {
            if (!dryRun) {
              d.target.link(e.name, bestDir, e.name, false, e.rel);
            }
            counters.hardLinks.increment();
            upToDate(e);
            return true;
          }
          case COMPARE -> {
            upToDate(e); // left out: the reference has it as it is
            return true;
          }
          case COPY -> e.code = "";
        }
      }
      case 2 -> e.code = Itemize.code('c', 'f', bestBits);
      case 1 -> e.code = Itemize.code('>', 'f', planner.contentBits(e.src, bestStat) | bestBits);
      default -> {}
    }
    return false;
  }

  /**
   * The first reference directory holding the same symlink (the same target and metadata) at its
   * path, or null.
   */
  private TargetDirectory referenceSymlink(Dir d, Entry e, SourceEntry source, byte[] linkTarget)
      throws IOException {
    if (referenceRoots.isEmpty()) {
      return null;
    }
    for (TargetDirectory ref : references(d)) {
      FileStat st = ref == null ? null : ref.stat(e.name, e.rel);
      if (st != null
          && st.isSymlink()
          && Arrays.equals(ref.readSymlink(e.name, e.rel), linkTarget)
          && ref.metadata(e.name, source, st, false, e.rel) == 0) {
        return ref;
      }
    }
    return null;
  }

  /**
   * A directory new to the target, measured against the first reference directory that has it (as
   * rsync: no line when it is the same there); null: no line.
   */
  private String referenceDirCode(Dir d, Entry e, byte[] srcCname, Planner.Action a)
      throws IOException {
    boolean root = d.pseudo && e.rel.isEmpty(); // the transfer root: the reference root itself
    for (TargetDirectory ref : references(d)) {
      FileStat st = ref == null ? null : root ? ref.stat(".") : ref.stat(e.name, e.rel);
      if (st != null && st.isDirectory()) {
        int bits = ref.metadata(root ? null : e.name, source(d, e, srcCname, -1), st, false, e.rel);
        return bits == 0 ? null : Itemize.code('c', 'd', bits);
      }
    }
    return a.itemize();
  }

  // ---------------------------------------------------------------- backups

  /** Where --backup-dir keeps backups (null: beside the files they keep), and its state. */
  private TargetDirectory backupRoot;

  private FileStat backupRootStat;

  /**
   * Sends backups to {@code root} (--backup-dir), which the caller opened and closes after the run.
   */
  public void backupsInto(TargetDirectory root) throws IOException {
    this.backupRoot = root;
    this.backupRootStat = root.stat(options.backupDir());
  }

  /**
   * Whether a target entry must outlive --delete as a backup: the backup directory itself, wherever
   * it is in the target, or (beside the files, unless --delete-excluded) a name with the backup
   * suffix, as rsync's implied {@code P *~} rule.
   */
  private boolean keptBackup(TargetDirectory dir, TargetDirectory.Entry e, String rel)
      throws IOException {
    if (!options.backup()) {
      return false;
    }
    if (backupRoot != null) {
      if (!e.directory()) {
        return false;
      }
      FileStat st = dir.stat(e.name(), rel);
      return st != null && st.dev() == backupRootStat.dev() && st.ino() == backupRootStat.ino();
    }
    byte[] suffix = options.backupSuffix().getBytes(StandardCharsets.UTF_8);
    byte[] n = e.name();
    return !options.deleteExcluded()
        && n.length > suffix.length
        && Arrays.equals(n, n.length - suffix.length, n.length, suffix, 0, suffix.length);
  }

  /**
   * Keeps entry {@code name} of {@code dir} as a backup before it is replaced or deleted: under its
   * name plus the suffix, beside it or at the same path under the backup directory.
   *
   * @param path the target names from the transfer root down to {@code dir}
   * @param stays the entry is about to be replaced atomically: the backup is a hard link, so the
   *     name never goes missing (a rename where links cannot be made); else it is renamed
   */
  private void backUp(
      TargetDirectory dir, List<byte[]> path, byte[] name, String rel, boolean stays)
      throws IOException {
    byte[] suffix = options.backupSuffix().getBytes(StandardCharsets.UTF_8);
    byte[] backupName = Arrays.copyOf(name, name.length + suffix.length);
    System.arraycopy(suffix, 0, backupName, name.length, suffix.length);
    TargetDirectory into = backupRoot == null ? dir : backupDirectory(path, rel);
    try {
      if (stays) {
        try {
          into.link(backupName, dir, name, true, rel);
          return;
        } catch (IOException ex) {
          LOG.debug("{}: no hard link for its backup ({}); renamed instead", rel, ex.getMessage());
        }
      }
      dir.rename(name, into, backupName, rel);
    } catch (ErrnoException ex) {
      if (ex.errno() == Posix.EXDEV) {
        throw new IOException(
            rel
                + ": the backup directory "
                + options.backupDir()
                + " is on another filesystem than the target; choose one on the same"
                + " filesystem",
            ex);
      }
      throw ex;
    } finally {
      if (into != dir && into != backupRoot) {
        closeQuietly(into);
      }
    }
  }

  /** The backup directory's directory at {@code path}, made where missing (mode 0700). */
  private TargetDirectory backupDirectory(List<byte[]> path, String rel) throws IOException {
    TargetDirectory cur = backupRoot;
    for (byte[] c : path) {
      TargetDirectory next;
      try {
        next = cur.open(c, rel);
      } catch (ErrnoException.NotFound missing) {
        try {
          cur.makeDirectory(c, rel);
        } catch (ErrnoException ex) {
          if (ex.errno() != Posix.EEXIST) { // another worker made it meanwhile
            throw ex;
          }
        }
        next = cur.open(c, rel);
      } finally {
        if (cur != backupRoot) {
          closeQuietly(cur);
        }
      }
      cur = next;
    }
    return cur;
  }

  /**
   * The target names from the transfer root down to {@code d}'s target directory: a loop, as a tree
   * may be 10,000 levels deep.
   */
  private static List<byte[]> pathOf(Dir d) {
    java.util.ArrayDeque<byte[]> names = new java.util.ArrayDeque<>();
    for (Dir cur = d; !cur.pseudo; cur = cur.parent) {
      if (!(cur.parent.pseudo && cur.rel.isEmpty())) {
        names.addFirst(cur.dstName); // the transfer root itself has no name below the target
      }
    }
    return List.copyOf(names);
  }

  /** Where a deletion in {@code d} keeps its backups: its path, or null without --backup. */
  private List<byte[]> backupPath(Dir d) {
    return options.backup() ? pathOf(d) : null;
  }

  private static List<byte[]> child(List<byte[]> path, byte[] name) {
    List<byte[]> out = new ArrayList<>(path.size() + 1);
    out.addAll(path);
    out.add(name);
    return out;
  }

  /** Deletions --max-delete still allows (Long.MAX_VALUE: no limit), and those it stopped. */
  private final java.util.concurrent.atomic.AtomicLong deletionsLeft =
      new java.util.concurrent.atomic.AtomicLong();

  private final java.util.concurrent.atomic.AtomicLong deletionsStopped =
      new java.util.concurrent.atomic.AtomicLong();

  private boolean takeDeletion() {
    if (deletionsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      return true;
    }
    deletionsStopped.incrementAndGet();
    return false;
  }

  // ---------------------------------------------------------------- listener plumbing

  private void changed(String code, String path, String detail) {
    listener.changed(new Change(code, path, detail));
  }

  private static void closeQuietly(TargetDirectory t) {
    if (t != null) {
      try {
        t.close();
      } catch (IOException | RuntimeException ex) {
        LOG.debug("closing a target directory", ex);
      }
    }
  }

  private static IOException asIo(Exception ex) {
    return ex instanceof IOException io ? io : new IOException(ex.toString(), ex);
  }

  // ---------------------------------------------------------------- small types

  private record InodeKey(long dev, long ino) {}

  /** A name as a hash key (byte arrays compare by identity). */
  static final class ByteKey {
    final byte[] bytes;
    private final int hash;

    ByteKey(byte[] bytes) {
      this.bytes = bytes;
      this.hash = java.util.Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && java.util.Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The paths of one inode: the first is copied, the rest link to it once it is in place. */
  private static final class LinkGroup {
    final String firstRel;
    private boolean claimed;
    private boolean ready;
    private List<Runnable> waiters = new ArrayList<>();
    volatile Placed first;
    volatile boolean ok;

    LinkGroup(String firstRel) {
      this.firstRel = firstRel;
    }

    synchronized boolean claimFirst() {
      if (claimed) {
        return false;
      }
      claimed = true;
      return true;
    }

    void whenReady(Runnable r) {
      synchronized (this) {
        if (!ready) {
          waiters.add(r);
          return;
        }
      }
      r.run();
    }

    void complete(Placed first, boolean ok) {
      List<Runnable> run;
      synchronized (this) {
        this.first = first;
        this.ok = ok;
        ready = true;
        run = waiters;
        waiters = null;
      }
      for (Runnable r : run) {
        r.run();
      }
    }
  }
}
