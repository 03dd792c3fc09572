// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import com.sun.jna.Pointer;
import io.foxing.posix.LibC;
import io.foxing.posix.Posix;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Takes records out of the BPF ring buffer. Two ways, both kept because they were measured against
 * each other (see the benchmarks page): {@link Mapped} reads the shared memory directly, as the
 * kernel's ring buffer ABI allows; {@link Libbpf} lets libbpf's {@code ring_buffer__poll} call back
 * into Java for each record.
 */
interface RingReader extends AutoCloseable {
  /** Waits up to {@code timeoutMs} for records, hands each to {@code sink}; returns how many. */
  int poll(int timeoutMs, Consumer<ByteBuffer> sink) throws IOException;

  /** Makes a waiting {@link #poll} return early. */
  void wake();

  /**
   * How long an idle {@link #poll} may wait: each return costs a wakeup of the reader thread, so a
   * reader that {@link #wake} really wakes waits long; one that it cannot wake returns often enough
   * to see that it was stopped.
   */
  default int idleTimeoutMs() {
    return 100;
  }

  @Override
  void close();

  static RingReader open(BpfProgram program, int ringBytes, String kind) throws IOException {
    return "libbpf".equals(kind) ? new Libbpf(program.ringFd()) : new Mapped(program, ringBytes);
  }

  /** Turns the kernel's per-record wakeups on or off. */
  interface WakeupSwitch {
    void wake(boolean on) throws IOException;
  }

  /**
   * The ring's pages mapped into this process: the consumer position (ours to write), the producer
   * position, then the data area mapped twice in a row so a record that wraps reads contiguously.
   * Each record has an 8-byte header whose length word the kernel publishes last (release), with a
   * busy bit while the producer is still writing and a discard bit for records it gave up.
   *
   * <p>While records keep coming the reader polls every {@link #POLL_NANOS} and the kernel does not
   * wake it (a wakeup per record, an irq_work plus a scheduler wakeup, cost a create-heavy process
   * a third more time than polling, measured); after {@link #IDLE_NANOS} without records it asks
   * for wakeups again and sleeps in epoll, drains once more (records committed before the switch),
   * then waits. It polls again only when two records come within {@link #BUSY_NANOS}: records of
   * other processes trickle in all the time (the program follows every process's working
   * directory), and 20 ms of polling after each kept an idle daemon awake ~26 times a second.
   */
  final class Mapped implements RingReader {
    static final long POLL_NANOS = 100_000;
    static final long IDLE_NANOS = 20_000_000;
    static final long BUSY_NANOS = 1_000_000;
    private static final VarHandle LONGS =
        MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS =
        MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int PAGE = 4096;

    private final int ringBytes;
    private final long mask;
    private final Pointer consumerPage;
    private final Pointer producerPages;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private final int epoll;
    private final int wakeFd;
    private final byte[] epollEvents = new byte[32];
    private final WakeupSwitch wakeups;
    private boolean woken = true;
    private long lastRecord = System.nanoTime();
    private long wokenAt;
    private volatile boolean stopped;

    Mapped(BpfProgram program, int ringBytes) throws IOException {
      int ringFd = program.ringFd();
      this.wakeups = program::wakeConsumer;
      this.ringBytes = ringBytes;
      this.mask = ringBytes - 1L;
      consumerPage =
          LibC.mmap(null, PAGE, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, ringFd, 0);
      if (Pointer.nativeValue(consumerPage) == -1L) {
        throw Posix.error("mmap of the consumer page", "BPF ring buffer", Posix.lastError());
      }
      producerPages =
          LibC.mmap(null, PAGE + 2L * ringBytes, LibC.PROT_READ, LibC.MAP_SHARED, ringFd, PAGE);
      if (Pointer.nativeValue(producerPages) == -1L) {
        LibC.munmap(consumerPage, PAGE);
        throw Posix.error("mmap of the data pages", "BPF ring buffer", Posix.lastError());
      }
      consumer = consumerPage.getByteBuffer(0, PAGE).order(ByteOrder.nativeOrder());
      producer = producerPages.getByteBuffer(0, PAGE).order(ByteOrder.nativeOrder());
      data = producerPages.getByteBuffer(PAGE, 2L * ringBytes).order(ByteOrder.nativeOrder());
      int w = -1;
      try {
        w =
            (int)
                Posix.check(
                    LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.O_NONBLOCK),
                    "eventfd",
                    "BPF ring buffer");
        epoll = Posix.epollOn("BPF ring buffer", ringFd, w);
      } catch (IOException e) {
        if (w >= 0) {
          LibC.close(w);
        }
        LibC.munmap(producerPages, PAGE + 2L * ringBytes);
        LibC.munmap(consumerPage, PAGE);
        throw e;
      }
      wakeFd = w;
    }

    @Override
    public int poll(int timeoutMs, Consumer<ByteBuffer> sink) throws IOException {
      int n = drain(sink);
      long now = System.nanoTime();
      if (n > 0) {
        // polling pays only while records come often: a record within BUSY_NANOS of the last one
        // turns the kernel's wakeups off; a lone one (a process elsewhere forking, the daemon's
        // own probe) leaves the reader asleep in epoll, as an idle reader should be
        if (woken && now - lastRecord < BUSY_NANOS) {
          wakeups.wake(false);
          woken = false;
        }
        lastRecord = now;
        return n;
      }
      if (!woken && now - lastRecord < IDLE_NANOS) {
        LockSupport.parkNanos(POLL_NANOS);
        return drain(sink);
      }
      if (!woken) {
        wakeups.wake(true);
        woken = true;
        wokenAt = now;
        n = drain(sink);
        if (n > 0) {
          return n;
        }
      }
      // A producer that read "no wakeup" just before the switch commits without waking us (a later
      // record wakes us, as every record does now). It may commit late, preempted on a busy
      // machine (the likely cause of one event ReplayTest saw late). So the wait grows with the
      // time since the switch, a tenth of it: 1 ms after 10 ms, 100 ms after a second, the
      // caller's timeout (1 s) after 10 s; such a record waits at most a tenth longer than its
      // producer did, and an idle reader still wakes rarely.
      long sinceSwitchMs = (now - wokenAt) / 1_000_000;
      LibC.epoll_wait(
          epoll, epollEvents, 2, (int) Math.max(1, Math.min(timeoutMs, sinceSwitchMs / 10)));
      return drain(sink);
    }

    private int drain(Consumer<ByteBuffer> sink) {
      long cons = (long) LONGS.getAcquire(consumer, 0);
      long prod = (long) LONGS.getAcquire(producer, 0);
      int n = 0;
      while (cons < prod && !stopped) {
        int at = (int) (cons & mask);
        int len = (int) INTS.getAcquire(data, at);
        if ((len & BUSY) != 0) {
          break; // the producer has not committed this record yet
        }
        int size = len & ~(BUSY | DISCARD);
        if ((len & DISCARD) == 0) {
          sink.accept(data.slice(at + 8, size).order(ByteOrder.LITTLE_ENDIAN));
          n++;
        }
        cons += (size + 8 + 7) & ~7L;
        LONGS.setRelease(consumer, 0, cons); // the space is the kernel's again
        if (cons >= prod) {
          prod = (long) LONGS.getAcquire(producer, 0);
        }
      }
      return n;
    }

    @Override
    public void wake() {
      stopped = true;
      Posix.signal(wakeFd);
    }

    /** Its eventfd ends the wait on stop: an idle daemon wakes once a second (it was 10 times). */
    @Override
    public int idleTimeoutMs() {
      return 1000;
    }

    @Override
    public void close() {
      LibC.close(epoll);
      LibC.close(wakeFd);
      LibC.munmap(producerPages, PAGE + 2L * ringBytes);
      LibC.munmap(consumerPage, PAGE);
    }
  }

  /** libbpf's own consumer: epoll plus a native-to-Java callback per record. */
  final class Libbpf implements RingReader {
    private final Pointer ring;
    private Consumer<ByteBuffer> sink;
    // kept in a field: JNA must not see the callback collected while libbpf holds it
    private final LibBpf.SampleCallback callback =
        (ctx, data, size) -> {
          sink.accept(data.getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN));
          return 0;
        };

    Libbpf(int ringFd) throws IOException {
      ring = LibBpf.ring_buffer__new(ringFd, callback, null, null);
      if (ring == null) {
        throw Posix.error("ring_buffer__new", "BPF ring buffer", Posix.lastError());
      }
    }

    @Override
    public int poll(int timeoutMs, Consumer<ByteBuffer> sink) throws IOException {
      this.sink = sink;
      int n = LibBpf.ring_buffer__poll(ring, timeoutMs);
      if (n < 0 && n != -Posix.EINTR) {
        throw Posix.error("ring_buffer__poll", "BPF ring buffer", -n);
      }
      return Math.max(n, 0);
    }

    @Override
    public void wake() {
      // the poll returns on its own within its timeout
    }

    @Override
    public void close() {
      LibBpf.ring_buffer__free(ring);
    }
  }
}
