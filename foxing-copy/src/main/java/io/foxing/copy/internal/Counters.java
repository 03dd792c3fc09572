// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyReport;
import io.foxing.api.ErrnoException;
import io.foxing.posix.Posix;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running tally of one copy, updated from every worker; becomes a {@link CopyReport} at the
 * end.
 */
final class Counters implements io.foxing.api.spi.TargetReport {
  final LongAdder filesCopied = new LongAdder();
  final LongAdder bytesCopied = new LongAdder();
  final LongAdder filesUpToDate = new LongAdder();
  final LongAdder directories = new LongAdder();
  final LongAdder symlinks = new LongAdder();
  final LongAdder hardLinks = new LongAdder();
  final LongAdder specials = new LongAdder();
  final LongAdder metadataUpdated = new LongAdder();
  final LongAdder deleted = new LongAdder();
  final LongAdder excluded = new LongAdder();
  final LongAdder signaturesWritten = new LongAdder();
  final LongAdder deltaFiles = new LongAdder();
  final LongAdder deltaBytesSaved = new LongAdder();
  final LongAdder directoriesUnchanged = new LongAdder();
  final LongAdder throttledNanos = new LongAdder();
  private final LongAdder issues = new LongAdder();
  private final Map<String, LongAdder> tiers = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> xattrsNotPreserved = new ConcurrentHashMap<>();
  private final Queue<CopyReport.Failure> failures = new ConcurrentLinkedQueue<>();
  private final CopyListener listener;

  Counters(CopyListener listener) {
    this.listener = listener;
  }

  void tier(String name) {
    tiers.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  void failure(String path, Exception e) {
    issues.increment();
    ErrnoException call = failedCall(e);
    failures.add(
        new CopyReport.Failure(path, reason(e), kind(e), call == null ? null : call.errnoName()));
    listener.fileFailed(path, e); // guarded at the copier's entry
  }

  /**
   * What kind of failure, from the exception's type or errno: callers react to some and report the
   * rest.
   */
  static CopyReport.FailureKind kind(Exception e) {
    if (e instanceof TreeCopy.SourceChanged) {
      return CopyReport.FailureKind.RETRYABLE;
    }
    if (e instanceof io.foxing.api.spi.TierUnavailableException) {
      return CopyReport.FailureKind.UNSUPPORTED;
    }
    ErrnoException call = failedCall(e);
    return call == null ? CopyReport.FailureKind.OTHER : kind(call);
  }

  /**
   * The failed system call behind {@code e}, which may wrap it in a message of its own; or null.
   */
  private static ErrnoException failedCall(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ErrnoException x) {
        return x;
      }
    }
    return null;
  }

  private static CopyReport.FailureKind kind(ErrnoException x) {
    if (x instanceof ErrnoException.NoSpace) {
      return CopyReport.FailureKind.NO_SPACE;
    }
    if (x instanceof ErrnoException.NotFound) {
      return CopyReport.FailureKind.NOT_FOUND;
    }
    if (x instanceof ErrnoException.Retryable) {
      return CopyReport.FailureKind.RETRYABLE;
    }
    return switch (x.errno()) {
      case Posix.EACCES, Posix.EPERM, Posix.EROFS -> CopyReport.FailureKind.PERMISSION;
      case Posix.EOPNOTSUPP, Posix.EXDEV -> CopyReport.FailureKind.UNSUPPORTED;
      default -> CopyReport.FailureKind.OTHER;
    };
  }

  @Override
  public void notPreserved(String name, String path, Exception e) {
    xattrsNotPreserved.computeIfAbsent(name, k -> new LongAdder()).increment();
    warning(
        path,
        "xattr "
            + name
            + " not preserved: "
            + (e instanceof ErrnoException x ? x.errnoName() : e.getMessage()));
  }

  @Override
  public void fallback(String path, String from, String to, String reason) {
    listener.tierFallback(path, from, to, reason);
  }

  @Override
  public void warning(String path, String message) {
    issues.increment();
    listener.warning(path, message);
  }

  /** The exception's message (ours name the path and what to do), or its type when it has none. */
  private static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Failures and warnings so far: a directory records its state only if none came while it was
   * copied.
   */
  long issues() {
    return issues.sum();
  }

  CopyReport report(Duration took, boolean dryRun, boolean cancelled) {
    CopyReport.Builder b =
        CopyReport.builder()
            .filesCopied(filesCopied.sum())
            .bytesCopied(bytesCopied.sum())
            .filesUpToDate(filesUpToDate.sum())
            .directories(directories.sum())
            .symlinks(symlinks.sum())
            .hardLinks(hardLinks.sum())
            .specials(specials.sum())
            .metadataUpdated(metadataUpdated.sum())
            .deleted(deleted.sum())
            .excluded(excluded.sum())
            .signaturesWritten(signaturesWritten.sum())
            .deltaFiles(deltaFiles.sum())
            .deltaBytesSaved(deltaBytesSaved.sum())
            .directoriesUnchanged(directoriesUnchanged.sum())
            .duration(took)
            .throttled(Duration.ofNanos(throttledNanos.sum()))
            .dryRun(dryRun)
            .cancelled(cancelled);
    tiers.forEach((k, v) -> b.tier(k, v.sum()));
    xattrsNotPreserved.forEach((k, v) -> b.xattrNotPreserved(k, v.sum()));
    failures.stream().sorted((x, y) -> x.path().compareTo(y.path())).forEach(b::failure);
    return b.build();
  }
}
