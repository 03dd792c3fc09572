package io.foxing.copy.internal;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyReport;
import io.foxing.api.ErrnoException;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** The running tally of one copy, updated from every worker; becomes a {@link CopyReport} at the end. */
final class Counters {
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
    failures.add(new CopyReport.Failure(path, reason(e)));
    try {
      listener.fileFailed(path, e);
    } catch (RuntimeException ignored) {
      // listeners must not throw; one that does does not stop the copy
    }
  }

  void xattrNotPreserved(String name, String path, ErrnoException e) {
    xattrsNotPreserved.computeIfAbsent(name, k -> new LongAdder()).increment();
    warning(path, "xattr " + name + " not preserved: " + e.errnoName());
  }

  void warning(String path, String message) {
    issues.increment();
    try {
      listener.warning(path, message);
    } catch (RuntimeException ignored) {
      // see failure()
    }
  }

  /** The exception's message (ours name the path and what to do), or its type when it has none. */
  private static String reason(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Failures and warnings so far: a directory records its state only if none came while it was copied. */
  long issues() {
    return issues.sum();
  }

  CopyReport report(Duration took, boolean dryRun) {
    CopyReport.Builder b = CopyReport.builder()
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
        .dryRun(dryRun);
    tiers.forEach((k, v) -> b.tier(k, v.sum()));
    xattrsNotPreserved.forEach((k, v) -> b.xattrNotPreserved(k, v.sum()));
    failures.stream().sorted((x, y) -> x.path().compareTo(y.path())).forEach(f -> b.failure(f.path(), f.reason()));
    return b.build();
  }
}
