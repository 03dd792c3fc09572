// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.events;

import java.io.Closeable;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Changes under one root, in the order the source saw them. Backed by a bounded queue: a consumer
 * that falls behind makes the source wait, and what the kernel then cannot hold is reported as one
 * {@link FileEvent.Kind#OVERFLOW}, never silently lost. Thread-safe; one consumer is expected.
 */
public interface EventStream extends Closeable {
  /** The source's name: {@code bpf}, {@code fanotify} or {@code inotify}. */
  String source();

  /** Waits for the next event; {@code null} once the stream is closed and drained. */
  @Nullable FileEvent take() throws InterruptedException;

  /** The next event, waiting at most {@code timeout}; {@code null} if none came. */
  @Nullable FileEvent poll(long timeout, TimeUnit unit) throws InterruptedException;

  /**
   * Moves up to {@code max} waiting events into {@code sink} without blocking; returns how many.
   */
  int drainTo(Collection<? super FileEvent> sink, int max);

  /**
   * Events the kernel or a queue could not hold since the stream opened (each run of them was
   * reported as an OVERFLOW).
   */
  long lost();

  /**
   * Why capture stopped on its own (the kernel side failed), or {@code null} while it runs or after
   * a normal {@link #close()}; the last event before the end is then an OVERFLOW saying the same.
   */
  @Nullable String failure();

  /**
   * Stops capturing and releases kernel resources; a blocked {@link #take()} returns {@code null}.
   */
  @Override
  void close();
}
