// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.mirror;

import io.foxing.api.CopyOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Mirror} runs: the copy options its changes are applied with (always with delete: a
 * mirror has what the source has, nothing more), how long it waits for more changes before applying
 * a batch, how many changes it gathers at most before it applies them anyway, and how it watches
 * its targets (probes, and the outage journals kept while one is away).
 */
public final class MirrorOptions {
  private final CopyOptions copy;
  private final Duration settle;
  private final int batchMax;
  private final @Nullable Path journalDirectory;
  private final Duration probeInterval;
  private final Duration probeTimeout;
  private final int journalMax;
  private final int queueMax;
  private final boolean paceBackground;
  private final CopyOptions background;

  private MirrorOptions(Builder b) {
    this.copy = b.copy.toBuilder().delete(true).throttle(false).build();
    this.paceBackground = b.paceBackground;
    this.background = copy.toBuilder().throttle(b.paceBackground).build();
    this.settle = b.settle;
    this.batchMax = b.batchMax;
    this.journalDirectory = b.journalDirectory;
    this.probeInterval = b.probeInterval;
    this.probeTimeout = b.probeTimeout;
    this.journalMax = b.journalMax;
    this.queueMax = b.queueMax;
  }

  public static MirrorOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The copy options of every run (initial and per batch); {@code delete} is always on, and {@code
   * throttle} is off: the live path is never paced (see {@link #paceBackground()}).
   */
  public CopyOptions copy() {
    return copy;
  }

  /**
   * Whether the background work (the first comparison, full comparisons after lost events, and the
   * catching up of a target that was away) is paced by the machine's pressure, as {@link
   * CopyOptions#throttle()} paces a copy. Changes as they happen never are. Default true.
   */
  public boolean paceBackground() {
    return paceBackground;
  }

  /** The copy options of background work. */
  CopyOptions background() {
    return background;
  }

  /**
   * After the first change of a batch, how long to wait for more (events of one save arrive
   * together): a temporary made and removed within it never reaches the target. Default 2 ms.
   */
  public Duration settle() {
    return settle;
  }

  /**
   * Changes gathered at most before a batch is applied, so a storm is applied as it goes. Default
   * 10,000.
   */
  public int batchMax() {
    return batchMax;
  }

  /**
   * Where each target's outage journal is kept (one file per source and target, on the source's
   * side): the target's filesystem identity, and while it is away the entries changed meanwhile.
   * With it, a mirror restarted during an outage resumes it, and one started when another
   * filesystem is at a target's path never writes there. Null (the default): kept in memory only.
   */
  public @Nullable Path journalDirectory() {
    return journalDirectory;
  }

  /**
   * How often a target that had no change applied lately is probed (its identity, and a small write
   * flushed to stable storage), and how often one that is away is tried. Default 2 s.
   */
  public Duration probeInterval() {
    return probeInterval;
  }

  /**
   * How long a probe may take before the target counts as away (a dying disk, a server gone).
   * Default 10 s.
   */
  public Duration probeTimeout() {
    return probeTimeout;
  }

  /**
   * Entries an outage journal lists at most; past it, it records that everything must be compared.
   * Default 100,000.
   */
  public int journalMax() {
    return journalMax;
  }

  /**
   * Entries waiting for one target at most; past it they are dropped for a full comparison of that
   * target (never lost). Default 100,000.
   */
  public int queueMax() {
    return queueMax;
  }

  /** Builds {@link MirrorOptions}. */
  public static final class Builder {
    private CopyOptions copy = CopyOptions.archive();
    private Duration settle = Duration.ofMillis(2);
    private int batchMax = 10_000;
    private @Nullable Path journalDirectory;
    private Duration probeInterval = Duration.ofSeconds(2);
    private Duration probeTimeout = Duration.ofSeconds(10);
    private int journalMax = 100_000;
    private int queueMax = 100_000;
    private boolean paceBackground = true;

    private Builder() {}

    public Builder paceBackground(boolean pace) {
      this.paceBackground = pace;
      return this;
    }

    /** See {@link MirrorOptions#journalDirectory()}; null keeps journals in memory. */
    public Builder journalDirectory(@Nullable Path dir) {
      this.journalDirectory = dir == null ? null : dir.toAbsolutePath().normalize();
      return this;
    }

    public Builder probeInterval(Duration interval) {
      this.probeInterval = positive(interval, "probe interval");
      return this;
    }

    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = positive(timeout, "probe timeout");
      return this;
    }

    public Builder journalMax(int entries) {
      this.journalMax = atLeastOne(entries, "journal size");
      return this;
    }

    public Builder queueMax(int entries) {
      this.queueMax = atLeastOne(entries, "queue size");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    private static int atLeastOne(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + n);
      }
      return n;
    }

    /**
     * @throws IllegalArgumentException for options a mirror cannot keep: a dry run, no recursion,
     *     {@code --update}, {@code --existing}, {@code --ignore-existing} or {@code --max-delete}
     *     (a mirror has what the source has, whenever it looks)
     */
    public Builder copy(CopyOptions copy) {
      Objects.requireNonNull(copy, "copy");
      String bad =
          copy.dryRun()
              ? "--dry-run"
              : !copy.recursive()
                  ? "no recursion"
                  : copy.update()
                      ? "--update"
                      : copy.existingOnly()
                          ? "--existing"
                          : copy.ignoreExisting()
                              ? "--ignore-existing"
                              : copy.maxDelete() >= 0 ? "--max-delete" : null;
      if (bad != null) {
        throw new IllegalArgumentException(
            bad + " cannot be kept by a mirror, which has what the source has; drop it");
      }
      this.copy = copy;
      return this;
    }

    public Builder settle(Duration settle) {
      if (settle.isNegative()) {
        throw new IllegalArgumentException("settle time must not be negative, got " + settle);
      }
      this.settle = settle;
      return this;
    }

    public Builder batchMax(int changes) {
      this.batchMax = atLeastOne(changes, "batch size");
      return this;
    }

    public MirrorOptions build() {
      return new MirrorOptions(this);
    }
  }
}
