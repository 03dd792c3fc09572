package io.foxing.copy.mirror;

import io.foxing.api.CopyOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Mirror} runs: the copy options its changes are applied with (always with delete: a
 * mirror has what the source has, nothing more), how long it waits for more changes before applying
 * a batch, and how many changes it gathers at most before it applies them anyway.
 */
public final class MirrorOptions {
  private final CopyOptions copy;
  private final Duration settle;
  private final int batchMax;

  private MirrorOptions(Builder b) {
    this.copy = b.copy.toBuilder().delete(true).build();
    this.settle = b.settle;
    this.batchMax = b.batchMax;
  }

  public static MirrorOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The copy options of every run (initial and per batch); {@code delete} is always on. */
  public CopyOptions copy() {
    return copy;
  }

  /**
   * After the first change of a batch, how long to wait for more (events of one save arrive
   * together): a temporary made and removed within it never reaches the target. Default 2 ms.
   */
  public Duration settle() {
    return settle;
  }

  /** Changes gathered at most before a batch is applied, so a storm is applied as it goes. Default 10,000. */
  public int batchMax() {
    return batchMax;
  }

  /** Builds {@link MirrorOptions}. */
  public static final class Builder {
    private CopyOptions copy = CopyOptions.archive();
    private Duration settle = Duration.ofMillis(2);
    private int batchMax = 10_000;

    private Builder() {}

    /**
     * @throws IllegalArgumentException for options a mirror cannot keep: a dry run, no recursion,
     *     {@code --update}, {@code --existing}, {@code --ignore-existing} or {@code --max-delete}
     *     (a mirror has what the source has, whenever it looks)
     */
    public Builder copy(CopyOptions copy) {
      Objects.requireNonNull(copy, "copy");
      String bad = copy.dryRun() ? "--dry-run" : !copy.recursive() ? "no recursion" : copy.update() ? "--update"
          : copy.existingOnly() ? "--existing" : copy.ignoreExisting() ? "--ignore-existing"
          : copy.maxDelete() >= 0 ? "--max-delete" : null;
      if (bad != null) {
        throw new IllegalArgumentException(bad + " cannot be kept by a mirror, which has what the source has; drop it");
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
      if (changes < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + changes);
      }
      this.batchMax = changes;
      return this;
    }

    public MirrorOptions build() {
      return new MirrorOptions(this);
    }
  }
}
