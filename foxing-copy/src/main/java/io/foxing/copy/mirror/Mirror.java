// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.mirror;

import io.foxing.api.Change;
import io.foxing.api.Copiers;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyReport;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import io.foxing.api.spi.Target;
import io.foxing.copy.SmartCopier;
import io.foxing.copy.internal.MirrorApply;
import io.foxing.copy.internal.MirrorChanges;
import io.foxing.copy.internal.OutageJournal;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one or more targets equal to a source directory as it changes: the copy engine driven by
 * file events.
 *
 * <pre>{@code
 * EventStream events = EventSources.open(null, source, EventOptions.defaults()).stream(); // capture first
 * try (Mirror m = Mirror.start(source, List.of("/backup/home", "nfs://filer/export/home"), events,
 *     MirrorOptions.defaults(), MirrorListener.NONE)) {
 *   m.awaitReady(Duration.ofMinutes(10));   // hydrated: live from here on
 *   ...
 * }
 * }</pre>
 *
 * <p>How it stays right: the event stream is opened before the first comparison (hydration), so a
 * change made during it is applied after it. Events are not replayed one by one; each names an
 * entry to bring in line, and a batch of them is applied by the copy engine, which compares source
 * and target as they are then (see {@code MirrorChanges}). So a burst of writes is one copy, a
 * temporary made and removed within a batch never reaches the target, a rename chain leaves one
 * name, and events the kernel lost ({@code OVERFLOW}) become a full comparison, never a lost
 * change. Targets come from {@link Copiers#target}: a local path or {@code nfs://}.
 *
 * <p>When something fails it is tried again, not dropped: an entry the engine could not bring in
 * line is looked at again after a backoff (100 ms, doubling to 30 s while failures go on). A
 * written file is looked at again 60 ms after its last write event, since a source may report only
 * the first write of a burst. If the source's path leads to another directory than the one the
 * mirror started with (replaced, or unmounted), the mirror stops and leaves the targets as they
 * are.
 *
 * <p>Each target has its own thread and watches its own health ({@link TargetState}): one that is
 * unmounted, pulled, not answering, replaced by another filesystem at its path, or out of space is
 * paused while the others go on; its changes are kept in an outage journal ({@link
 * MirrorOptions#journalDirectory()}), and when the same filesystem is back (or space has grown) the
 * journaled entries are applied, then everything is compared once. See {@link #status()}.
 *
 * <p>The event stream must watch the source's real path. By default event sources leave out the
 * changes of this process ({@code EventOptions.excludeSelf}): an application that writes into the
 * source itself and wants those writes mirrored opens its stream with {@code excludeSelf(false)}.
 */
public final class Mirror implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Mirror.class);

  private final Path source;
  private final byte[] sourceName;
  private final List<TargetLane> lanes = new ArrayList<>();
  private final java.util.concurrent.ForkJoinPool
      pool; // the batches' workers, for the mirror's life
  private final EventStream events;
  private final MirrorOptions options;
  private final MirrorListener listener;
  private final int sourceFd;
  private final int sourceParentFd;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread thread;

  /** Looks at each target every probe interval for runs that hang ({@link TargetLane#watch}). */
  private final java.util.concurrent.ScheduledExecutorService watchdog;

  private volatile boolean stopping;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile @Nullable Throwable died;
  private volatile boolean hydrated;

  /**
   * The source directory the mirror started with (device, inode): a different one at its path stops
   * it.
   */
  private final long sourceDev;

  private final long sourceIno;

  /**
   * Written files to look at again shortly (see {@link #RECHECK_WRITES_MILLIS}); the mirror's
   * thread only.
   */
  private final MirrorChanges recheck;

  private long recheckAt = Long.MAX_VALUE;

  /**
   * A written file is looked at again this long after its last write event: a source may report
   * only the first write of a burst (bpf coalesces writes to one file over 50 ms), and the rest of
   * the burst must reach the target too.
   */
  private static final long RECHECK_WRITES_MILLIS = 60;

  /**
   * The longest the loop waits for an event when there is nothing to do. Foxing's event streams
   * wake it at once when they end or fail; this bounds the wait for one that does not.
   */
  private static final long IDLE_WAIT_MILLIS = 1000;

  /** How long a batch with a rename waits for more (see {@link #gather}). */
  private static final long RENAME_SETTLE_NANOS = 5_000_000L;

  private Mirror(
      Path source,
      EventStream events,
      MirrorOptions options,
      MirrorListener listener,
      int sourceFd,
      int sourceParentFd) {
    this.source = source;
    this.events = events;
    this.options = options;
    this.listener = listener;
    this.sourceFd = sourceFd;
    this.sourceParentFd = sourceParentFd;
    this.recheck = changes();
    long dev = -1;
    long ino = -1;
    try {
      var st = Posix.fstat(sourceFd, source.toString());
      dev = st.dev();
      ino = st.ino();
    } catch (IOException e) {
      LOG.debug("{}: cannot stat the source", source, e);
    }
    this.sourceDev = dev;
    this.sourceIno = ino;
    this.sourceName = Names.bytes(source.getFileName().toString());
    int workers =
        options.copy().threads() > 0
            ? options.copy().threads()
            : Math.max(2, Runtime.getRuntime().availableProcessors());
    this.pool =
        new java.util.concurrent.ForkJoinPool(
            workers,
            java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory,
            null,
            false);
    this.thread = new Thread(this::run, "foxing-mirror " + source);
    this.watchdog =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "foxing-watchdog " + source);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts mirroring {@code source} to {@code targets}: the initial comparison, then changes as
   * {@code events} reports them. The mirror owns {@code events} from here (it closes it).
   *
   * @param events a stream watching {@code source}, opened before this call (so nothing made during
   *     the initial comparison is missed)
   * @throws IllegalArgumentException if a target is inside the source (the mirror would copy its
   *     own copies), the filters read rule files in each directory ({@code dir-merge}), or symlinks
   *     are to be followed
   * @throws IOException if the source or a target cannot be opened, or a target's outage journal
   *     cannot be read
   */
  public static Mirror start(
      Path source,
      List<String> targets,
      EventStream events,
      MirrorOptions options,
      MirrorListener listener)
      throws IOException {
    Objects.requireNonNull(events, "events");
    Path src = source.toAbsolutePath().normalize();
    if (src.getParent() == null) {
      throw new IllegalArgumentException(
          source + ": mirroring the root directory is not supported; name a directory under it");
    }
    if (!Files.isDirectory(src)) {
      throw new IOException(source + ": not a directory; a mirror's source is a directory");
    }
    src = src.toRealPath(); // as the event sources report paths
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "no target given: name at least one directory to mirror to");
    }
    if (!options.copy().referenceDirs().isEmpty()) {
      throw new IllegalArgumentException(
          "reference directories (--compare-dest, --copy-dest, --link-dest) are not supported by a"
              + " mirror");
    }
    if (options.copy().backup()) {
      throw new IllegalArgumentException(
          "backups (--backup, --backup-dir) are not supported by a mirror yet");
    }
    if (options.copy().followSymlinks() != io.foxing.api.CopyOptions.SymlinkFollowing.NONE) {
      // what a symlink leads to changes without an event in the source
      throw new IllegalArgumentException(
          "following symlinks (-L, --copy-unsafe-links) is not supported by a mirror; mirror the"
              + " directory they lead to instead");
    }
    if (options.copy().filters().hasPerDirectoryFiles()) {
      // a change deep in the tree is applied without walking down to it, so the rule files of the
      // directories above it would not be read
      throw new IllegalArgumentException(
          "dir-merge filter rules are not supported by a mirror yet; list the rules in the"
              + " configuration instead");
    }
    for (String t : targets) {
      if (Copiers.scheme(t) == null
              && Path.of(t).toAbsolutePath().normalize().startsWith(src.toRealPath())
          || Copiers.scheme(t) == null && Path.of(t).toAbsolutePath().normalize().startsWith(src)) {
        throw new IllegalArgumentException(
            t
                + ": the target is inside the source "
                + source
                + "; the mirror would copy its own copies: choose a target outside it");
      }
    }
    List<Target> opened = new ArrayList<>();
    int fd = -1;
    int parentFd = -1;
    try {
      fd = Posix.openPath(src.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, source.toString());
      parentFd =
          Posix.openPath(
              src.getParent().toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, source.toString());
      Mirror m = new Mirror(src, events, options, listener, fd, parentFd);
      for (String t : targets) {
        Target target = Copiers.target(t, options.copy());
        opened.add(target);
        Path file =
            options.journalDirectory() == null
                ? null
                : OutageJournal.fileFor(options.journalDirectory(), src, t);
        m.lanes.add(
            new TargetLane(m, t, target, OutageJournal.open(file, src, t, options.journalMax())));
      }
      m.thread.start();
      return m;
    } catch (IOException | RuntimeException e) {
      Posix.close(fd);
      Posix.close(parentFd);
      for (Target t : opened) {
        t.close();
      }
      throw e;
    }
  }

  /**
   * Waits until every target is hydrated (or, resumed from its outage journal, still away) and the
   * mirror is live.
   *
   * @return false if that took longer than {@code timeout}
   * @throws IOException if the mirror stopped on an error before
   */
  public boolean awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.await(50, TimeUnit.MILLISECONDS)) {
      failIfDead();
      if (System.nanoTime() > deadline) {
        return false;
      }
    }
    failIfDead();
    return hydrated; // false if it was closed before the targets were hydrated
  }

  /**
   * The error that stopped the mirror, if one did (an event stream that failed, the source
   * replaced).
   */
  public @Nullable Throwable failure() {
    return died;
  }

  /** The mirrored directory (its real path). */
  public Path source() {
    return source;
  }

  /** The event source's name ({@code bpf}, {@code fanotify}, {@code inotify}). */
  public String eventSource() {
    return events.source();
  }

  /**
   * Events the event source could not hold (each loss became a full comparison, so no change was
   * lost).
   */
  public long eventsLost() {
    return events.lost();
  }

  /** Each target as it stands now, in the order given. */
  public List<TargetStatus> status() {
    List<TargetStatus> s = new ArrayList<>();
    for (TargetLane l : lanes) {
      s.add(l.status());
    }
    return s;
  }

  private void failIfDead() throws IOException {
    if (died != null) {
      throw new IOException("the mirror of " + source + " stopped: " + died.getMessage(), died);
    }
  }

  private void run() {
    try {
      lanes.forEach(TargetLane::start);
      long every = options.probeInterval().toMillis();
      watchdog.scheduleWithFixedDelay(
          () -> lanes.forEach(TargetLane::watch), every, every, TimeUnit.MILLISECONDS);
      MirrorChanges pending = changes();
      List<FileEvent> drained = new ArrayList<>();
      boolean live = false;
      while (!stopping && died == null) {
        if (!live && lanes.stream().allMatch(TargetLane::started)) {
          live = true;
          hydrated = died == null;
          ready.countDown();
          guard(listener::ready);
        }
        // idle, the loop sleeps in the event queue: an event, the stream's end or its failure
        // wakes it at once, so a long wait costs no latency and keeps an idle daemon still
        long wait =
            recheckAt == Long.MAX_VALUE
                ? IDLE_WAIT_MILLIS
                : Math.max(
                    1, Math.min(IDLE_WAIT_MILLIS, (recheckAt - System.nanoTime()) / 1_000_000));
        FileEvent first = events.poll(live ? wait : Math.min(wait, 20), TimeUnit.MILLISECONDS);
        if (first != null) {
          add(pending, first);
          gather(pending, drained);
        } else if (events.failure() != null && !stopping) {
          throw new IOException("event capture stopped: " + events.failure());
        }
        if (recheckAt != Long.MAX_VALUE && System.nanoTime() - recheckAt >= 0) {
          pending.addAll(recheck.take());
          recheckAt = Long.MAX_VALUE;
        }
        if (!pending.isEmpty()) {
          checkSource();
          MirrorChanges batch = pending.take();
          for (TargetLane l : lanes) {
            l.offer(batch);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      died(e);
    } finally {
      ready.countDown();
    }
  }

  private void died(Throwable e) {
    if (!stopping && died == null) {
      died = e;
      LOG.error("mirror of {} stopped: {}", source, e.toString(), e);
    }
  }

  /**
   * The rest of a batch: what is waiting, then what comes within the settle time, up to the batch
   * limit.
   */
  private void gather(MirrorChanges pending, List<FileEvent> drained) throws InterruptedException {
    long deadline = System.nanoTime() + options.settle().toNanos();
    boolean renamed = false;
    for (long count = 1; count < options.batchMax(); ) {
      drained.clear();
      int n = events.drainTo(drained, (int) Math.min(4096, options.batchMax() - count));
      drained.forEach(e -> add(pending, e));
      count += n;
      if (!renamed && (pending.renames().size() > 0)) {
        // a rename is often the first of a chain (mv a b; mv b c): wait a little for the rest, so
        // the chain is one rename at the target and its data is never copied again
        renamed = true;
        deadline = Math.max(deadline, System.nanoTime() + RENAME_SETTLE_NANOS);
      }
      if (n == 0) {
        long left = deadline - System.nanoTime();
        FileEvent e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
        if (e == null) {
          return;
        }
        add(pending, e);
        count++;
      }
    }
  }

  private void add(MirrorChanges pending, FileEvent e) {
    pending.add(e);
    if (e.kind() == FileEvent.Kind.MODIFIED) {
      recheck.add(e);
      long at = System.nanoTime() + RECHECK_WRITES_MILLIS * 1_000_000;
      if (recheckAt == Long.MAX_VALUE || at - recheckAt < 0) {
        recheckAt = at;
      }
    }
  }

  /**
   * The source's path leads to another directory than the mirror's (replaced, or unmounted):
   * nothing more may be applied.
   */
  static final class SourceChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceChangedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Stops the mirror if the source's path now leads to another directory (replaced, or unmounted
   * with something else beneath): comparing that with the targets would delete what they hold.
   */
  private void checkSource() throws IOException {
    int fd;
    try {
      fd = Posix.openPath(source.toString(), LibC.O_PATH | LibC.O_DIRECTORY, source.toString());
    } catch (IOException e) {
      throw new SourceChangedException(
          source + ": the source is gone (" + e.getMessage() + "); stopped, the targets untouched",
          e);
    }
    try {
      var now = Posix.fstat(fd, source.toString());
      if (now.dev() != sourceDev || now.ino() != sourceIno) {
        throw new SourceChangedException(
            source
                + ": another directory is at the source's path now (replaced or unmounted);"
                + " stopped, the targets untouched: start the mirror again to mirror it",
            null);
      }
    } finally {
      Posix.close(fd);
    }
  }

  // what the lanes use

  MirrorOptions options() {
    return options;
  }

  MirrorChanges changes() {
    return new MirrorChanges(source, options.copy().filters());
  }

  /**
   * Applies batches to {@code t}: the live path, or (background) a journal's entries when it is
   * back.
   */
  MirrorApply applier(Target t, boolean background) {
    return new MirrorApply(
        sourceFd,
        sourceParentFd,
        sourceName,
        t,
        background ? options.background() : options.copy(),
        pool);
  }

  /**
   * A full comparison of one target: the engine's copy with delete (the initial one, and after lost
   * events).
   */
  CopyReport hydrate(Target t) throws IOException {
    checkSource();
    CopyReport r =
        SmartCopier.to(t, options.background(), false)
            .copy(List.of(source + "/"), copies(t.display(), why -> {}));
    LOG.info(
        "{}: compared whole: {} files copied, {} up to date, {} deleted",
        t.display(),
        r.filesCopied(),
        r.filesUpToDate(),
        r.deleted());
    guard(() -> listener.hydrated(t.display(), r));
    return r;
  }

  void laneFailed(TargetLane lane, Throwable e) {
    died(
        e instanceof SourceChangedException
            ? e
            : new IOException(lane.display() + ": " + e.getMessage(), e));
  }

  void rescan(String why) {
    guard(() -> listener.rescan(why));
  }

  void failed(String target, String path, String reason) {
    guard(() -> listener.failed(target, path, reason));
  }

  void applied(String target, long count, @Nullable CopyReport last, Duration lag) {
    guard(() -> listener.applied(target, count, last, lag));
  }

  void state(String target, TargetState state, String why) {
    guard(() -> listener.state(target, state, why));
  }

  /** What the engine reports of one target's runs, as the mirror's listener hears it. */
  CopyListener copies(String name, java.util.function.Consumer<String> failures) {
    return new CopyListener() {
      @Override
      public void changed(Change change) {
        guard(() -> listener.changed(name, change));
      }

      @Override
      public void fileFailed(String path, Exception cause) {
        failures.accept(path + ": " + cause.getMessage());
        guard(() -> listener.failed(name, path, String.valueOf(cause.getMessage())));
      }
    };
  }

  private static void guard(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("mirror listener threw; ignored", e);
    }
  }

  /**
   * Stops: each target's batch in flight finishes (changes for a target that is away stay in its
   * journal), then the event stream, the targets and the source are closed.
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping = true;
    events.close();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    watchdog.shutdownNow();
    lanes.forEach(TargetLane::stop);
    pool.shutdown();
    Posix.close(sourceFd);
    Posix.close(sourceParentFd);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
