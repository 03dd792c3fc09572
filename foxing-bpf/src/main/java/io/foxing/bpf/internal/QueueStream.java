// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every source shares: one reader thread that turns kernel records into events and puts them
 * into a bounded queue, waiting when it is full (so the kernel's own buffer absorbs a burst and,
 * past that, counts what it drops; the reader turns that count into an OVERFLOW).
 */
public abstract class QueueStream implements EventStream {
  private static final FileEvent END =
      new FileEvent(-1, 0, FileEvent.Kind.OVERFLOW, Path.of("/"), null, 0, "end");

  private final String source;
  protected final Path root;
  private final String rootPrefix;
  private final BlockingQueue<FileEvent> queue;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final Thread reader;
  private final java.util.concurrent.atomic.AtomicBoolean closing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean ended;
  private volatile String failure;

  protected QueueStream(String source, Path root, int capacity) {
    this.source = source;
    this.root = root;
    this.rootPrefix = root.toString().endsWith("/") ? root.toString() : root + "/";
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.reader = new Thread(this::readLoop, "foxing-" + source + "-events");
    this.reader.setDaemon(true);
  }

  /** Starts the reader; called by the subclass once its kernel side is ready. */
  protected final void start() {
    reader.start();
  }

  /** Reads and {@link #emit}s until {@link #stopping()}; called on the reader thread. */
  protected abstract void read() throws Exception;

  /** Releases the kernel side; called once, after the reader has stopped. */
  protected abstract void release();

  /** Wakes a reader blocked in the kernel so it sees {@link #stopping()}. */
  protected abstract void wake();

  protected final boolean stopping() {
    return closed;
  }

  /** Whether {@code path} is the root or below it. */
  protected final boolean underRoot(String path) {
    return path.startsWith(rootPrefix) || path.equals(root.toString());
  }

  /** Queues an event, waiting while the queue is full; false once closed. */
  protected final boolean emit(
      FileEvent.Kind kind, String path, String from, int pid, long timestampNanos, String detail) {
    FileEvent e =
        new FileEvent(
            sequence.getAndIncrement(),
            timestampNanos,
            kind,
            Path.of(path),
            from == null ? null : Path.of(from),
            pid,
            detail);
    try {
      while (!closed) {
        if (queue.offer(e, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Reports {@code count} lost events as one OVERFLOW for the root. */
  protected final void overflow(long count, String why) {
    lost.addAndGet(count);
    emit(
        FileEvent.Kind.OVERFLOW,
        root.toString(),
        null,
        0,
        System.nanoTime(),
        count + " events lost: " + why);
  }

  private void readLoop() {
    try {
      read();
    } catch (Throwable t) {
      if (!closed) {
        failure = "capture stopped: " + t;
        emit(FileEvent.Kind.OVERFLOW, root.toString(), null, 0, System.nanoTime(), failure);
      }
    } finally {
      ended = true;
      queue.offer(END);
    }
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public FileEvent take() throws InterruptedException {
    if (ended && queue.isEmpty()) {
      return null;
    }
    FileEvent e = queue.take();
    return e == END ? end() : e;
  }

  @Override
  public FileEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
    FileEvent e = queue.poll(timeout, unit);
    return e == END ? end() : e;
  }

  private FileEvent end() {
    queue.offer(END); // every later take() sees the end too
    return null;
  }

  @Override
  public int drainTo(Collection<? super FileEvent> sink, int max) {
    int n = 0;
    FileEvent e;
    while (n < max && (e = queue.peek()) != null && e != END) {
      sink.add(queue.poll());
      n++;
    }
    return n;
  }

  @Override
  public long lost() {
    return lost.get();
  }

  @Override
  public String failure() {
    return failure;
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    closed = true;
    wake();
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!reader.isAlive()) {
      release();
    }
    // else: leaked rather than unmapped under a reader still inside it; the kernel frees it all at
    // exit
    ended = true;
    queue.offer(END);
  }
}
