// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a copy did: counts, bytes, which tier served how many files, and every failure with its path
 * and reason. Immutable and thread-safe; copiers make one with {@link #builder()}.
 */
public final class CopyReport {
  /**
   * How a copy ended. (What a command makes of it, such as an exit code, is the command's
   * business.)
   */
  public enum Status {
    /** Everything was copied. */
    SUCCESS,
    /** Some entries failed; each is listed in {@link #failures()}. */
    PARTIAL,
    /** Nothing could be done. */
    FAILED,
    /**
     * The copy was interrupted: work in flight finished, nothing new was started, and the copier
     * returned only then. What was copied is complete; a rerun finishes the rest.
     */
    CANCELLED
  }

  /**
   * What kind of failure, for callers that react to some (retry, wait for space) and report the
   * rest.
   */
  public enum FailureKind {
    /** The target is out of space or quota ({@code ENOSPC}, {@code EDQUOT}). */
    NO_SPACE,
    /**
     * Something vanished while we worked ({@code ENOENT}); a rescan or rerun usually repairs it.
     */
    NOT_FOUND,
    /** Not allowed ({@code EACCES}, {@code EPERM}, {@code EROFS}). */
    PERMISSION,
    /**
     * Interrupted or would block, or the entry changed while it was copied: trying again may work.
     */
    RETRYABLE,
    /**
     * The filesystem or target cannot do what was asked ({@code EOPNOTSUPP}, {@code EXDEV}, a tier
     * that cannot serve).
     */
    UNSUPPORTED,
    /** Anything else. */
    OTHER
  }

  /**
   * A path that could not be copied, why, what kind of failure it was and, when a system call
   * failed, its errno name ({@code ENOSPC}); null otherwise.
   */
  public record Failure(String path, String reason, FailureKind kind, @Nullable String errno) {
    public Failure {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(kind, "kind");
    }

    /** A failure of kind {@link FailureKind#OTHER} with no errno. */
    public Failure(String path, String reason) {
      this(path, reason, FailureKind.OTHER, null);
    }
  }

  private final long filesCopied;
  private final long bytesCopied;
  private final long filesUpToDate;
  private final long directories;
  private final long symlinks;
  private final long hardLinks;
  private final long specials;
  private final long metadataUpdated;
  private final long deleted;
  private final long excluded;
  private final long signaturesWritten;
  private final long deltaFiles;
  private final long deltaBytesSaved;
  private final long directoriesUnchanged;
  private final Map<String, Long> filesByTier;
  private final Map<String, Long> xattrsNotPreserved;
  private final List<Failure> failures;
  private final Duration duration;
  private final Duration throttled;
  private final boolean dryRun;
  private final boolean cancelled;

  private CopyReport(Builder b) {
    filesCopied = b.filesCopied;
    bytesCopied = b.bytesCopied;
    filesUpToDate = b.filesUpToDate;
    directories = b.directories;
    symlinks = b.symlinks;
    hardLinks = b.hardLinks;
    specials = b.specials;
    metadataUpdated = b.metadataUpdated;
    deleted = b.deleted;
    excluded = b.excluded;
    signaturesWritten = b.signaturesWritten;
    deltaFiles = b.deltaFiles;
    deltaBytesSaved = b.deltaBytesSaved;
    directoriesUnchanged = b.directoriesUnchanged;
    filesByTier = Collections.unmodifiableMap(new TreeMap<>(b.filesByTier));
    xattrsNotPreserved = Collections.unmodifiableMap(new TreeMap<>(b.xattrsNotPreserved));
    failures = List.copyOf(b.failures);
    duration = b.duration;
    throttled = b.throttled;
    dryRun = b.dryRun;
    cancelled = b.cancelled;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Regular files whose contents were written (or, in a dry run, would be). */
  public long filesCopied() {
    return filesCopied;
  }

  /** Bytes of file contents moved (a reflink counts the file's size). */
  public long bytesCopied() {
    return bytesCopied;
  }

  /** Regular files skipped because the target already had them. */
  public long filesUpToDate() {
    return filesUpToDate;
  }

  /** Directories created on the target. */
  public long directories() {
    return directories;
  }

  public long symlinks() {
    return symlinks;
  }

  /** Entries created as hard links to an earlier copy. */
  public long hardLinks() {
    return hardLinks;
  }

  /** Devices, FIFOs and sockets created. */
  public long specials() {
    return specials;
  }

  /** Existing entries whose contents matched but whose metadata was brought up to date. */
  public long metadataUpdated() {
    return metadataUpdated;
  }

  /** Target entries removed by {@code delete}. */
  public long deleted() {
    return deleted;
  }

  /** Source entries left out by the filter rules. */
  public long excluded() {
    return excluded;
  }

  /** Signatures stored on the target (with {@link CopyOptions#generateSignatures()}). */
  public long signaturesWritten() {
    return signaturesWritten;
  }

  /** Changed files updated in place chunk by chunk, guided by the target's signature. */
  public long deltaFiles() {
    return deltaFiles;
  }

  /** Bytes those delta copies did not have to write. */
  public long deltaBytesSaved() {
    return deltaBytesSaved;
  }

  /**
   * Directories whose record (written with {@link CopyOptions#generateSignatures()}) showed that
   * nothing in them changed on either side since, so their entries were not examined one by one.
   */
  public long directoriesUnchanged() {
    return directoriesUnchanged;
  }

  /**
   * Files served per tier name ({@code reflink}, {@code cfr}, {@code sendfile}, {@code rw}, ...).
   */
  public Map<String, Long> filesByTier() {
    return filesByTier;
  }

  /** Extended attribute names the target refused, with how many files each affected. */
  public Map<String, Long> xattrsNotPreserved() {
    return xattrsNotPreserved;
  }

  public List<Failure> failures() {
    return failures;
  }

  public Duration duration() {
    return duration;
  }

  /**
   * How long the copy's workers rested because the machine was under pressure ({@link
   * CopyOptions#throttle()}).
   */
  public Duration throttled() {
    return throttled;
  }

  public boolean dryRun() {
    return dryRun;
  }

  /**
   * Failures decide: none is success; failures with some work done is partial; otherwise failed.
   */
  public Status status() {
    if (cancelled) {
      return Status.CANCELLED;
    }
    if (failures.isEmpty()) {
      return Status.SUCCESS;
    }
    long done =
        filesCopied
            + filesUpToDate
            + directories
            + symlinks
            + hardLinks
            + specials
            + metadataUpdated
            + deleted;
    return done > 0 ? Status.PARTIAL : Status.FAILED;
  }

  @Override
  public String toString() {
    return "CopyReport{files="
        + filesCopied
        + ", bytes="
        + bytesCopied
        + ", upToDate="
        + filesUpToDate
        + ", dirs="
        + directories
        + ", symlinks="
        + symlinks
        + ", hardLinks="
        + hardLinks
        + ", specials="
        + specials
        + ", deleted="
        + deleted
        + ", tiers="
        + filesByTier
        + ", failures="
        + failures.size()
        + ", status="
        + status()
        + "}";
  }

  /** Mutable, not thread-safe. */
  public static final class Builder {
    private long filesCopied;
    private long bytesCopied;
    private long filesUpToDate;
    private long directories;
    private long symlinks;
    private long hardLinks;
    private long specials;
    private long metadataUpdated;
    private long deleted;
    private long excluded;
    private long signaturesWritten;
    private long deltaFiles;
    private long deltaBytesSaved;
    private long directoriesUnchanged;
    private final Map<String, Long> filesByTier = new TreeMap<>();
    private final Map<String, Long> xattrsNotPreserved = new TreeMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private Duration duration = Duration.ZERO;
    private Duration throttled = Duration.ZERO;
    private boolean dryRun;
    private boolean cancelled;

    private Builder() {}

    public Builder filesCopied(long n) {
      filesCopied = n;
      return this;
    }

    public Builder bytesCopied(long n) {
      bytesCopied = n;
      return this;
    }

    public Builder filesUpToDate(long n) {
      filesUpToDate = n;
      return this;
    }

    public Builder directories(long n) {
      directories = n;
      return this;
    }

    public Builder symlinks(long n) {
      symlinks = n;
      return this;
    }

    public Builder hardLinks(long n) {
      hardLinks = n;
      return this;
    }

    public Builder specials(long n) {
      specials = n;
      return this;
    }

    public Builder metadataUpdated(long n) {
      metadataUpdated = n;
      return this;
    }

    public Builder deleted(long n) {
      deleted = n;
      return this;
    }

    public Builder excluded(long n) {
      excluded = n;
      return this;
    }

    public Builder signaturesWritten(long n) {
      signaturesWritten = n;
      return this;
    }

    public Builder deltaFiles(long n) {
      deltaFiles = n;
      return this;
    }

    public Builder deltaBytesSaved(long n) {
      deltaBytesSaved = n;
      return this;
    }

    public Builder directoriesUnchanged(long n) {
      directoriesUnchanged = n;
      return this;
    }

    public Builder tier(String tier, long files) {
      filesByTier.merge(tier, files, Long::sum);
      return this;
    }

    public Builder xattrNotPreserved(String name, long files) {
      xattrsNotPreserved.merge(name, files, Long::sum);
      return this;
    }

    public Builder failure(String path, String reason) {
      failures.add(new Failure(path, reason));
      return this;
    }

    public Builder failure(Failure f) {
      failures.add(Objects.requireNonNull(f, "failure"));
      return this;
    }

    public Builder cancelled(boolean b) {
      cancelled = b;
      return this;
    }

    public Builder duration(Duration d) {
      duration = Objects.requireNonNull(d, "duration");
      return this;
    }

    public Builder dryRun(boolean b) {
      dryRun = b;
      return this;
    }

    public Builder throttled(Duration d) {
      throttled = Objects.requireNonNull(d, "throttled");
      return this;
    }

    public CopyReport build() {
      return new CopyReport(this);
    }
  }
}
