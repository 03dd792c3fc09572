// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link EventStream} is opened. Immutable; start from {@link #defaults()} or {@link
 * #builder()}.
 */
public final class EventOptions {
  private static final EventOptions DEFAULTS = builder().build();

  private final int queueCapacity;
  private final int kernelBufferBytes;
  private final boolean excludeSelf;
  private final long coalesceNanos;

  private EventOptions(Builder b) {
    this.queueCapacity = b.queueCapacity;
    this.kernelBufferBytes = b.kernelBufferBytes;
    this.excludeSelf = b.excludeSelf;
    this.coalesceNanos = b.coalesceNanos;
  }

  public static EventOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .queueCapacity(queueCapacity)
        .kernelBufferBytes(kernelBufferBytes)
        .excludeSelf(excludeSelf)
        .coalesceNanos(coalesceNanos);
  }

  /**
   * Events held between the source and the consumer; when full, the source waits (back-pressure).
   */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Size of the kernel-side buffer (the BPF ring buffer); a power of two. */
  public int kernelBufferBytes() {
    return kernelBufferBytes;
  }

  /** Leave out changes made by this process (so a mirror does not hear its own writes). */
  public boolean excludeSelf() {
    return excludeSelf;
  }

  /** Writes to one open file closer together than this are reported once (BPF source). */
  public long coalesceNanos() {
    return coalesceNanos;
  }

  public static final class Builder {
    private int queueCapacity = 65_536;
    private int kernelBufferBytes = 16 << 20;
    private boolean excludeSelf = true;
    private long coalesceNanos = 50_000_000L;

    private Builder() {}

    public Builder queueCapacity(int events) {
      if (events < 16) {
        throw new IllegalArgumentException(
            "queue capacity must be at least 16 events, got " + events);
      }
      this.queueCapacity = events;
      return this;
    }

    public Builder kernelBufferBytes(int bytes) {
      if (bytes < 4096 || Integer.bitCount(bytes) != 1) {
        throw new IllegalArgumentException(
            "kernel buffer must be a power of two of at least 4096 bytes, got " + bytes);
      }
      this.kernelBufferBytes = bytes;
      return this;
    }

    public Builder excludeSelf(boolean exclude) {
      this.excludeSelf = exclude;
      return this;
    }

    public Builder coalesceNanos(long nanos) {
      if (nanos < 0) {
        throw new IllegalArgumentException("coalesce interval must not be negative, got " + nanos);
      }
      this.coalesceNanos = nanos;
      return this;
    }

    public EventOptions build() {
      return new EventOptions(this);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof EventOptions e
        && e.queueCapacity == queueCapacity
        && e.kernelBufferBytes == kernelBufferBytes
        && e.excludeSelf == excludeSelf
        && e.coalesceNanos == coalesceNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueCapacity, kernelBufferBytes, excludeSelf, coalesceNanos);
  }
}
