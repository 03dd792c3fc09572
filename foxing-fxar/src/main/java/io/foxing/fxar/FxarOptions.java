// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

/**
 * How archives are written and read: codec, parallelism and memory. Immutable; start from {@link
 * #defaults()} or {@link #builder()}.
 */
public final class FxarOptions {
  private final Compression compression;
  private final int threads;
  private final long memoryBudget;
  private final long sizeHint;

  private FxarOptions(Builder b) {
    this.compression = b.compression;
    this.threads = b.threads;
    this.memoryBudget = b.memoryBudget;
    this.sizeHint = b.sizeHint;
  }

  public static FxarOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .compression(compression)
        .threads(threads)
        .memoryBudget(memoryBudget)
        .sizeHint(sizeHint);
  }

  public Compression compression() {
    return compression;
  }

  /** Worker threads for chunking, hashing and (de)compression; 0 means one per core. */
  public int threads() {
    return threads;
  }

  /** The number of worker threads this means on this machine. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** Bytes of chunk data in flight at once (read but not yet written), 64 MiB by default. */
  public long memoryBudget() {
    return memoryBudget;
  }

  /**
   * Total content bytes the writer expects, recorded in the header for import's space check; 0 =
   * unknown.
   */
  public long sizeHint() {
    return sizeHint;
  }

  /** Builds {@link FxarOptions}. */
  public static final class Builder {
    private Compression compression = Compression.DEFAULT;
    private int threads;
    private long memoryBudget = 64L << 20;
    private long sizeHint;

    private Builder() {}

    public Builder compression(Compression compression) {
      if (compression == null) {
        throw new IllegalArgumentException("compression is required");
      }
      this.compression = compression;
      return this;
    }

    public Builder threads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    public Builder memoryBudget(long bytes) {
      if (bytes < (4L << 20)) {
        throw new IllegalArgumentException(
            "memory budget must be at least 4 MiB (two maximal chunks)");
      }
      this.memoryBudget = bytes;
      return this;
    }

    public Builder sizeHint(long bytes) {
      this.sizeHint = Math.max(0, bytes);
      return this;
    }

    public FxarOptions build() {
      return new FxarOptions(this);
    }
  }
}
