// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.mirror;

import io.foxing.api.Copiers;
import io.foxing.api.CopyReport;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.copy.internal.MirrorApply;
import io.foxing.copy.internal.MirrorChanges;
import io.foxing.copy.internal.OutageJournal;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target of a {@link Mirror}, on its own thread, so a target that hangs or is away never holds
 * the others up. The mirror offers it batches of changes; it applies them while the target is
 * {@link TargetState#LIVE live}. It watches the target: before each batch the target must still be
 * the filesystem it was (its identity), and a target with nothing applied lately is probed (a small
 * write flushed to stable storage, within a timeout). A target that fails those, or whose runs fail
 * while its probe does, is {@link TargetState#DOWN away}; one that ran out of space is {@link
 * TargetState#FULL full}. Either way changes go to its {@link OutageJournal}, the target is tried
 * at every probe interval, and when the same filesystem is back (and, for a full one, space has
 * grown) the journaled entries are applied, then everything is compared once, and it is live again.
 * Nothing is half-written meanwhile: the engine publishes whole files only.
 */
final class TargetLane {
  private static final Logger LOG = LoggerFactory.getLogger(TargetLane.class);
  private static final long RETRY_FIRST_MILLIS = 100;
  private static final long RETRY_MAX_MILLIS = 30_000;

  /**
   * A live target with nothing applied this long is probed: often enough to notice a pulled disk,
   * rarely enough to let it sleep.
   */
  private static final long IDLE_PROBE_NANOS = 30_000_000_000L;

  /** A full target is tried again when this much more space is free than when it filled up. */
  private static final long SPACE_GROWN = 1 << 20;

  /**
   * And at least this often, whatever it says of its space (files deleted at the source need less).
   */
  private static final long FULL_RETRY_NANOS = 60_000_000_000L;

  private final Mirror mirror;
  private final String spec;
  private final OutageJournal journal;
  private final Thread thread;
  private final ExecutorService prober;
  private final Object lock = new Object();
  private MirrorChanges pending; // guarded by lock
  private boolean stopping; // guarded by lock

  /** Entries to look at again after a backoff (failed ones), this thread only. */
  private final MirrorChanges later;

  private long laterAt = Long.MAX_VALUE;
  private long backoffMillis = RETRY_FIRST_MILLIS;
  private Target target;
  private MirrorApply apply;
  private Future<Probe> probing;
  private long probeAt;
  private long lastAppliedNanos = System.nanoTime();
  private long availableAtStall = -1;
  private long stalledAt;
  private volatile TargetState state = TargetState.HYDRATING;
  private volatile String reason = "starting";
  private volatile Instant since = Instant.now();
  private volatile @Nullable String lastError;
  private volatile @Nullable Instant lastApplied;
  private volatile boolean started;

  /**
   * When the run in flight started (System.nanoTime), 0 when none: a run that hangs is noticed by
   * {@link #watch}.
   */
  private volatile long runningSince;

  /**
   * When the oldest change of the run in flight happened (System.nanoTime clock), Long.MAX_VALUE if
   * none.
   */
  private volatile long inFlightOldest = Long.MAX_VALUE;

  private volatile int retrying;
  private int retriesTaken;
  // totals: written by this lane's thread only (hung runs: by the watchdog), read by status()
  private volatile long events;
  private volatile long batches;
  private volatile long rescans;
  private volatile long retriesQueued;
  private volatile long retriesCompleted;
  private final java.util.concurrent.atomic.AtomicLong hungRuns =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long directoriesPruned;
  private volatile long deltaFiles;
  private volatile long deltaBytesSaved;

  TargetLane(Mirror mirror, String spec, Target target, OutageJournal journal) {
    this.mirror = mirror;
    this.spec = spec;
    this.journal = journal;
    this.pending = mirror.changes();
    this.later = mirror.changes();
    use(target);
    this.thread = new Thread(this::run, "foxing-mirror " + target.display());
    this.prober =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "foxing-probe " + spec);
              t.setDaemon(true); // a probe stuck on a dead target must not keep the JVM alive
              return t;
            });
  }

  void start() {
    thread.start();
  }

  /** Whether the lane is past its start: hydrated, or away with its journal. */
  boolean started() {
    return started;
  }

  String display() {
    return spec;
  }

  TargetStatus status() {
    int queued;
    long oldest;
    synchronized (lock) {
      queued = pending.size();
      oldest = pending.oldestNanos();
    }
    long inFlight = inFlightOldest;
    if (inFlight != Long.MAX_VALUE && (oldest == Long.MAX_VALUE || inFlight - oldest < 0)) {
      oldest = inFlight;
    }
    java.time.Duration lag =
        oldest == Long.MAX_VALUE
            ? java.time.Duration.ZERO
            : java.time.Duration.ofNanos(Math.max(0, System.nanoTime() - oldest));
    return new TargetStatus(
        spec,
        state,
        reason,
        since,
        lag,
        queued,
        retrying,
        runningSince != 0,
        journal.size(),
        journal.bytes(),
        lastError,
        lastApplied,
        new TargetStatus.Totals(
            events,
            batches,
            rescans,
            retriesQueued,
            retriesCompleted,
            hungRuns.get(),
            directoriesPruned,
            deltaFiles,
            deltaBytesSaved));
  }

  /** A full comparison of the target, counted. */
  private CopyReport compareAll(boolean rescan) throws IOException {
    if (rescan) {
      rescans++;
    }
    return counted(mirror.hydrate(new Guarded(target)));
  }

  private CopyReport counted(CopyReport r) {
    directoriesPruned += r.directoriesUnchanged();
    deltaFiles += r.deltaFiles();
    deltaBytesSaved += r.deltaBytesSaved();
    return r;
  }

  /**
   * Adds a batch (the mirror's thread); past the queue bound, a full comparison of this target
   * instead.
   */
  void offer(MirrorChanges batch) {
    synchronized (lock) {
      pending.addAll(batch);
      if (pending.size() > mirror.options().queueMax()) {
        pending.take();
        pending.everything(
            "more than " + mirror.options().queueMax() + " changes waited for " + spec);
      }
      lock.notifyAll();
    }
  }

  /**
   * Stops: the batch in flight finishes; what is still queued is journaled if the target is away.
   */
  void stop() {
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    prober.shutdownNow();
    try {
      target.close();
    } catch (IOException e) {
      LOG.debug("{}: closing", spec, e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void use(Target t) {
    this.target = t;
    this.apply = mirror.applier(new Guarded(t), false);
  }

  private void run() {
    try {
      begin();
      while (true) {
        MirrorChanges batch = next();
        if (batch == null) {
          return;
        }
        if (state == TargetState.LIVE) {
          live(batch);
        } else {
          away(batch);
        }
      }
    } catch (Throwable e) {
      mirror.laneFailed(this, e);
    } finally {
      started = true;
      synchronized (lock) {
        if (stopping && state != TargetState.LIVE && !pending.isEmpty()) {
          keep(pending.take()); // kept for the next start
        }
      }
    }
  }

  /** The start: resume an outage the journal recorded, refuse another filesystem, or hydrate. */
  private void begin() throws IOException {
    String recorded = journal.identity();
    if (journal.outage()) {
      enter(
          TargetState.DOWN,
          "resuming an outage: " + journal.size() + " entries journaled while the target was away");
      probeAt = System.nanoTime();
      started = true;
      return;
    }
    if (recorded != null) {
      String now = identityOrNull();
      if (!recorded.equals(now)) {
        enter(TargetState.DOWN, awayWhy(now, recorded));
        probeAt = System.nanoTime();
        started = true;
        return;
      }
    }
    enter(TargetState.HYDRATING, "comparing everything");
    CopyReport r = compareAll(false);
    String id = target.identity();
    journal.reset(id);
    r.failures().forEach(f -> retry(f.path()));
    enter(
        TargetState.LIVE,
        "hydrated: "
            + r.filesCopied()
            + " files copied, "
            + r.filesUpToDate()
            + " up to date, "
            + r.deleted()
            + " deleted");
    lastAppliedNanos = System.nanoTime();
    started = true;
  }

  /**
   * The next batch: what was offered, plus retries that are due; waits until one of them or a probe
   * is due. Null when stopping.
   */
  private MirrorChanges next() throws InterruptedException {
    runningSince = 0;
    inFlightOldest = Long.MAX_VALUE;
    long interval = mirror.options().probeInterval().toNanos();
    synchronized (lock) {
      while (true) {
        long now = System.nanoTime();
        boolean live = state == TargetState.LIVE;
        if (stopping) {
          return null;
        }
        boolean retryDue = laterAt != Long.MAX_VALUE && now - laterAt >= 0;
        long probeDue = live ? lastAppliedNanos + Math.max(interval, IDLE_PROBE_NANOS) : probeAt;
        if (!pending.isEmpty() || retryDue || now - probeDue >= 0) {
          MirrorChanges batch = pending.take();
          if (retryDue) {
            retriesTaken = later.size();
            batch.addAll(later.take());
            retrying = 0;
            laterAt = Long.MAX_VALUE;
          }
          inFlightOldest = batch.oldestNanos();
          return batch;
        }
        long wait = probeDue - now;
        if (laterAt != Long.MAX_VALUE) {
          wait = Math.min(wait, laterAt - now);
        }
        TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1_000_000, wait));
      }
    }
  }

  private void live(MirrorChanges batch) throws IOException {
    if (batch.isEmpty()) {
      // nothing applied for a probe interval: prove the target still works
      Probe p = probe();
      if (p.why != null) {
        goAway(TargetState.DOWN, p.why, batch);
      } else {
        lastAppliedNanos = System.nanoTime();
      }
      return;
    }
    String everything = batch.everythingWhy();
    List<CopyReport> reports;
    runningSince = System.nanoTime();
    try {
      if (everything != null) {
        mirror.rescan(everything);
        reports = List.of(compareAll(true));
      } else {
        reports = apply.apply(batch, mirror.copies(target.display(), this::failed));
        reports.forEach(this::counted);
      }
      if (state != TargetState.LIVE) {
        // the watchdog found the target away while this run hung, and the run got through in the
        // end:
        // what it did is compared again when the target is caught up
        keep(batch);
        return;
      }
    } catch (Mirror.SourceChangedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      failed(String.valueOf(e.getMessage()));
      if (noSpace(e)) {
        goAway(TargetState.FULL, "out of space: " + e.getMessage(), batch);
        return;
      }
      Probe p = probe();
      if (p.why != null) {
        goAway(TargetState.DOWN, p.why, batch);
        return;
      }
      if (state != TargetState.LIVE) {
        keep(batch); // found away by the watchdog meanwhile
        return;
      }
      // the target works: this batch failed for itself; it is compared whole after the backoff
      mirror.failed(target.display(), ".", String.valueOf(e.getMessage()));
      later.everything("a run on " + spec + " failed: " + e.getMessage());
      retriesQueued++;
      backoff(true);
      return;
    }
    List<String> full = new ArrayList<>();
    boolean failed = false;
    int failures = 0;
    for (CopyReport r : reports) {
      for (CopyReport.Failure f : r.failures()) {
        failures++;
        if (f.kind() == CopyReport.FailureKind.NO_SPACE) {
          full.add(f.path());
        } else {
          retry(f.path());
        }
        failed = true;
      }
    }
    lastAppliedNanos = System.nanoTime();
    lastApplied = Instant.now();
    events += batch.events();
    batches++;
    retriesCompleted += Math.max(0, retriesTaken - failures);
    retriesTaken = 0;
    CopyReport last = reports.isEmpty() ? null : reports.get(reports.size() - 1);
    long oldest = batch.oldestNanos();
    mirror.applied(
        target.display(),
        batch.events(),
        last,
        java.time.Duration.ofNanos(
            oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.nanoTime() - oldest)));
    if (!full.isEmpty()) {
      MirrorChanges left = mirror.changes();
      full.forEach(left::again);
      goAway(
          TargetState.FULL,
          "out of space (" + full.size() + " entries could not be written)",
          left);
      return;
    }
    backoff(failed);
    if (apply.touchedHardLinks()) {
      compareAll(true); // a changed file's other names: only a full comparison sees them all
    }
  }

  /** The target is away: keep the batch, and try the target when a probe is due. */
  private void away(MirrorChanges batch) throws IOException {
    keep(batch);
    if (System.nanoTime() - probeAt < 0) {
      return;
    }
    probeAt = System.nanoTime() + mirror.options().probeInterval().toNanos();
    if (state == TargetState.FULL) {
      long avail = availableOrUnknown();
      if (avail >= 0
          && avail < availableAtStall + SPACE_GROWN
          && System.nanoTime() - stalledAt < FULL_RETRY_NANOS) {
        return;
      }
    }
    Probe p = probe();
    if (p.why != null) {
      if (!p.why.equals(reason)) {
        enter(state, p.why);
      }
      return;
    }
    catchUp();
  }

  /**
   * Back: the journaled entries first (quick), then everything compared once (what no journal saw).
   */
  private void catchUp() throws IOException {
    TargetState was = state;
    int entries = journal.size();
    enter(
        TargetState.CATCHING_UP, "back: " + entries + " journaled entries, then a full comparison");
    runningSince = System.nanoTime();
    try {
      if (journal.rescan() == null && entries > 0) {
        MirrorChanges c = mirror.changes();
        journal.entries().forEach(c::again);
        for (CopyReport r :
            mirror
                .applier(new Guarded(target), true)
                .apply(c, mirror.copies(target.display(), this::failed))) {
          if (r.failures().stream().anyMatch(f -> f.kind() == CopyReport.FailureKind.NO_SPACE)) {
            throw stillFull();
          }
        }
      }
      CopyReport r = compareAll(false);
      if (r.failures().stream().anyMatch(f -> f.kind() == CopyReport.FailureKind.NO_SPACE)) {
        throw stillFull();
      }
      if (state != TargetState.CATCHING_UP) {
        return; // found away by the watchdog while it ran: caught up again when it is back
      }
      r.failures().forEach(f -> retry(f.path()));
      journal.reset(journal.identity() != null ? journal.identity() : target.identity());
      lastAppliedNanos = System.nanoTime();
      lastApplied = Instant.now();
      enter(
          TargetState.LIVE,
          "caught up after "
              + (was == TargetState.FULL ? "a full disk" : "an outage")
              + ": "
              + entries
              + " journaled entries, then "
              + r.filesCopied()
              + " files copied, "
              + r.deleted()
              + " deleted");
    } catch (Mirror.SourceChangedException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      failed(String.valueOf(e.getMessage()));
      goAway(
          noSpace(e) ? TargetState.FULL : TargetState.DOWN,
          "catching up failed: " + e.getMessage(),
          mirror.changes());
    }
  }

  /**
   * The watchdog's look at this target (the mirror calls it every probe interval from its own
   * thread): a run that has taken longer than the probe timeout may be hanging on a target that
   * went away (a server that died mid-call keeps a client reconnecting). If a probe through a fresh
   * connection fails too, the target is away: its state says so, and what is queued meanwhile goes
   * to its journal. The hung run goes on; whatever it does, the catch-up compares again.
   */
  void watch() {
    long since = runningSince;
    TargetState now = state;
    if (since == 0
        || now != TargetState.LIVE && now != TargetState.CATCHING_UP
        || System.nanoTime() - since < mirror.options().probeTimeout().toNanos()) {
      return;
    }
    Probe p = probe(true);
    if (p.target != null) {
      closeQuietly(p.target);
    }
    if (p.why == null || runningSince != since) {
      return; // it answers (a long run, not a hung one), or the run ended meanwhile
    }
    synchronized (lock) {
      if (state == TargetState.LIVE || state == TargetState.CATCHING_UP) {
        hungRuns.incrementAndGet();
        enter(
            TargetState.DOWN,
            p.why + " (a run has hung for " + (System.nanoTime() - since) / 1_000_000_000 + " s)");
        probeAt = System.nanoTime() + mirror.options().probeInterval().toNanos();
        keep(pending.take());
      }
    }
  }

  private void goAway(TargetState to, String why, MirrorChanges batch) throws IOException {
    if (to == TargetState.FULL) {
      availableAtStall = availableOrUnknown();
      stalledAt = System.nanoTime();
    }
    // what was queued for later goes in too: the catch-up sees it all
    batch.addAll(later.take());
    retrying = 0;
    laterAt = Long.MAX_VALUE;
    keep(batch);
    enter(to, why);
    probeAt = System.nanoTime() + mirror.options().probeInterval().toNanos();
  }

  /** Keeps a batch in the journal while away. */
  private void keep(MirrorChanges batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      journal.add(batch.paths(), batch.everythingWhy());
    } catch (IOException e) {
      // the journal is an optimisation of the catch-up: its full comparison still finds everything
      LOG.warn(
          "{}: cannot write the outage journal ({}); a full comparison will catch up instead",
          spec,
          e.toString());
    }
  }

  private void enter(TargetState to, String why) {
    boolean changed = state != to;
    state = to;
    reason = why;
    if (changed) {
      since = Instant.now();
    }
    if (to != TargetState.LIVE && to != TargetState.HYDRATING) {
      lastError = why;
    }
    LOG.info("{}: {}: {}", spec, to, why);
    mirror.state(spec, to, why);
  }

  private void failed(String why) {
    lastError = why;
  }

  private void retry(String rel) {
    retriesQueued++;
    if (rel == null || rel.equals(".")) {
      later.everything("a target failed: " + rel);
    } else {
      later.again(rel);
    }
    retrying = later.size();
    long at = System.nanoTime() + backoffMillis * 1_000_000;
    if (laterAt == Long.MAX_VALUE || at - laterAt < 0) {
      laterAt = at;
    }
  }

  private void backoff(boolean failed) {
    backoffMillis = failed ? Math.min(RETRY_MAX_MILLIS, backoffMillis * 2) : RETRY_FIRST_MILLIS;
    if (failed && laterAt == Long.MAX_VALUE) {
      laterAt = System.nanoTime() + backoffMillis * 1_000_000;
    }
  }

  private ErrnoException stillFull() {
    return new ErrnoException.NoSpace(
        "write", spec, 28, "ENOSPC", "no space left on the target while catching up");
  }

  private static boolean noSpace(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ErrnoException.NoSpace) {
        return true;
      }
    }
    return false;
  }

  private long availableOrUnknown() {
    try {
      return target.available();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private String identityOrNull() {
    try {
      return target.identity();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private String awayWhy(String now, String recorded) {
    return now == null
        ? "the target is not there (unmounted, or gone): waiting for it"
        : "another filesystem is at the target's path ("
            + now
            + ", mirrored to "
            + recorded
            + "): not written to; waiting for the one mirrored to (or move the journal "
            + "away to mirror to this one)";
  }

  /**
   * What a probe found: null if the target works and is the filesystem mirrored to; else why not.
   */
  private record Probe(Target target, String why) {}

  /**
   * Proves the target: the same filesystem as recorded, and a small write flushed to stable
   * storage, within the probe timeout. A target that is away is opened afresh for it (a remote one
   * reconnects); the fresh one replaces the old if it passes.
   */
  private Probe probe() {
    Probe p = probe(state != TargetState.LIVE);
    if (p.why == null && p.target != target) {
      Target old = target;
      use(p.target);
      closeQuietly(old);
    }
    return p;
  }

  /**
   * One probe within the timeout; {@code fresh}: through a target opened anew, which the caller
   * then owns.
   */
  private synchronized Probe probe(boolean fresh) {
    if (probing != null && !probing.isDone()) {
      return new Probe(
          null,
          "the target has not answered a probe for "
              + mirror.options().probeTimeout().toSeconds()
              + " s or more (a dying disk, a server gone)");
    }
    String recorded = journal.identity();
    Target current = target;
    probing =
        prober.submit(
            () -> {
              Target t = fresh ? Copiers.target(spec, mirror.options().copy()) : current;
              try {
                String id = t.identity();
                if (id == null || recorded != null && !recorded.equals(id)) {
                  if (fresh) {
                    t.close();
                  }
                  return new Probe(null, awayWhy(id, recorded));
                }
                t.probe();
                return new Probe(t, null);
              } catch (IOException | RuntimeException e) {
                if (fresh) {
                  t.close();
                }
                return new Probe(null, "the target does not work: " + e.getMessage());
              }
            });
    try {
      return probing.get(mirror.options().probeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new Probe(
          null,
          "the target did not answer a probe within "
              + mirror.options().probeTimeout().toSeconds()
              + " s (a dying disk, a server gone)");
    } catch (ExecutionException e) {
      return new Probe(null, "the target does not work: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(null, "interrupted");
    }
  }

  /**
   * Closes a target replaced by a fresh one, off this thread: a dead server may hold its close up.
   */
  private static void closeQuietly(Target t) {
    Thread c =
        new Thread(
            () -> {
              try {
                t.close();
              } catch (IOException | RuntimeException e) {
                LOG.debug("closing a target replaced after an outage", e);
              }
            },
            "foxing-close " + t.display());
    c.setDaemon(true);
    c.start();
  }

  /**
   * The target, refusing to run where another filesystem is at its path: each run's directory is
   * opened, then the path's identity is compared with the one recorded. If the filesystem went away
   * before the open, the path now leads elsewhere and the run stops before writing; if after, the
   * run writes through what it opened, which is the filesystem mirrored to.
   */
  final class Guarded implements Target {
    private final Target t;

    Guarded(Target t) {
      this.t = t;
    }

    private <D extends AutoCloseable> D checked(D d) throws IOException {
      String recorded = journal.identity();
      if (d == null || recorded == null) {
        return d;
      }
      String now = t.identity();
      if (!recorded.equals(now)) {
        try {
          d.close();
        } catch (Exception e) {
          LOG.debug("closing", e);
        }
        throw new IOException(spec + ": " + awayWhy(now, recorded));
      }
      return d;
    }

    @Override
    public TargetDirectory openDirectory(boolean create, TargetReport report) throws IOException {
      String recorded = journal.identity();
      if (create && recorded != null && !recorded.equals(t.identity())) {
        throw new IOException(
            spec + ": " + awayWhy(t.identity(), recorded)); // never make it on another filesystem
      }
      return checked(t.openDirectory(create, report));
    }

    @Override
    public @Nullable TargetDirectory openParent(TargetReport report) throws IOException {
      return checked(t.openParent(report));
    }

    @Override
    public String display() {
      return t.display();
    }

    @Override
    public Set<Capability> capabilities() {
      return t.capabilities();
    }

    @Override
    public @Nullable FileStat stat() throws IOException {
      return t.stat();
    }

    @Override
    public byte[] name() {
      return t.name();
    }

    @Override
    public int workers() {
      return t.workers();
    }

    @Override
    public @Nullable String identity() throws IOException {
      return t.identity();
    }

    @Override
    public void probe() throws IOException {
      t.probe();
    }

    @Override
    public long available() throws IOException {
      return t.available();
    }

    @Override
    public void close() throws IOException {
      t.close();
    }
  }

  @Override
  public String toString() {
    return Objects.toString(spec);
  }
}
