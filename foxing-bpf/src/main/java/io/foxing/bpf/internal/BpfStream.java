// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import static io.foxing.api.events.FileEvent.Kind.ATTRIBUTES_CHANGED;
import static io.foxing.api.events.FileEvent.Kind.CLOSED_AFTER_WRITE;
import static io.foxing.api.events.FileEvent.Kind.CREATED;
import static io.foxing.api.events.FileEvent.Kind.DELETED;
import static io.foxing.api.events.FileEvent.Kind.DIRECTORY_CREATED;
import static io.foxing.api.events.FileEvent.Kind.DIRECTORY_REMOVED;
import static io.foxing.api.events.FileEvent.Kind.MODIFIED;
import static io.foxing.api.events.FileEvent.Kind.RENAMED;
import static io.foxing.api.events.FileEvent.Kind.RENAMED_FROM;
import static io.foxing.api.events.FileEvent.Kind.RENAMED_TO;
import static io.foxing.api.events.FileEvent.Kind.RESCAN;
import static io.foxing.api.events.FileEvent.Kind.SYNCED;
import static io.foxing.api.events.FileEvent.Kind.XATTR_CHANGED;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.FileEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Events from the BPF program: records are taken from the ring buffer, their paths resolved ({@link
 * ProcessPaths}), those outside the root dropped, the rest queued.
 */
public final class BpfStream extends QueueStream {
  private static final int AT_FDCWD = -100;

  private final BpfProgram program;
  private final RingReader ring;
  private final ProcessPaths paths = new ProcessPaths();
  private long reportedDrops;
  private volatile long records;
  private volatile long unresolved;

  private BpfStream(Path root, EventOptions options, BpfProgram program, RingReader ring) {
    super("bpf", root, options.queueCapacity());
    this.program = program;
    this.ring = ring;
  }

  /**
   * Loads and attaches the program and starts reading; {@code consumer} is {@code mmap} or {@code
   * libbpf}.
   */
  public static BpfStream open(Path root, EventOptions options, String consumer)
      throws IOException {
    BpfProgram program = BpfProgram.load(options);
    RingReader ring = null;
    try {
      ring = RingReader.open(program, options.kernelBufferBytes(), consumer);
      BpfStream s = new BpfStream(root, options, program, ring);
      s.start();
      return s;
    } catch (IOException | RuntimeException e) {
      if (ring != null) {
        ring.close();
      }
      program.close();
      throw e;
    }
  }

  public static String unavailabilityCause() {
    return BpfProgram.unavailabilityCause();
  }

  /** Records read from the kernel, whether or not they were under the root. */
  public long records() {
    return records;
  }

  /**
   * fd-based records (writes, closes) whose file could no longer be named; see {@link
   * ProcessPaths}.
   */
  public long unresolved() {
    return unresolved;
  }

  /**
   * How often the kernel's drop counter is read: a system call, not worth making every 100 us poll.
   */
  private static final long DROP_CHECK_NANOS = 10_000_000;

  @Override
  protected void read() throws IOException {
    java.util.function.Consumer<ByteBuffer> sink = this::onRecord;
    long lastCheck = System.nanoTime();
    while (!stopping()) {
      ring.poll(ring.idleTimeoutMs(), sink);
      long now = System.nanoTime();
      if (now - lastCheck >= DROP_CHECK_NANOS) {
        lastCheck = now;
        long dropped = program.dropped();
        if (dropped > reportedDrops) {
          overflow(dropped - reportedDrops, "the kernel's ring buffer was full");
          reportedDrops = dropped;
        }
      }
    }
  }

  private void onRecord(ByteBuffer record) {
    records++;
    BpfEvent e;
    try {
      e = BpfEvent.decode(record);
    } catch (IllegalArgumentException bad) {
      rescan("a malformed record: " + bad.getMessage(), 0, System.nanoTime());
      return;
    }
    try {
      handle(e);
    } catch (RuntimeException bad) {
      // e.g. a name this JVM cannot turn into a Path (not valid in its file-name encoding)
      rescan("an event that could not be named (" + bad + ")", e.pid(), e.timestampNanos());
    }
  }

  void handle(BpfEvent e) {
    int pid = e.pid();
    switch (e.op()) {
      case BpfEvent.FORK -> paths.forked(pid, (int) e.ret());
      case BpfEvent.CHDIR -> paths.changedDirectory(pid, paths.resolve(pid, AT_FDCWD, e.path1()));
      case BpfEvent.FCHDIR -> paths.changedDirectory(pid, paths.fd(pid, e.dfd1()));
      case BpfEvent.OPENDIR ->
          paths.openedDirectory(pid, (int) e.ret(), named(e, e.dfd1(), e.path1()));
      case BpfEvent.EXIT -> {
        for (String path : paths.exited(pid)) {
          report(CLOSED_AFTER_WRITE, path, null, e, null);
        }
      }
      case BpfEvent.DUP -> {
        int newFd = e.dfd2() >= 0 ? e.dfd2() : (int) e.ret();
        if ((e.flags() & 2) != 0) {
          reportFd(CLOSED_AFTER_WRITE, newFd, e, null); // dup2 onto a written file closed it
        }
        paths.duplicated(pid, e.dfd1(), newFd);
      }
      case BpfEvent.OPEN -> {
        if ((e.flags() & BpfEvent.O_TMPFILE) == BpfEvent.O_TMPFILE) {
          paths.opened(
              pid, (int) e.ret(), null); // an unnamed file in that directory: its linkat names it
          return;
        }
        String path = named(e, e.dfd1(), e.path1());
        paths.opened(pid, (int) e.ret(), path);
        if ((e.flags() & BpfEvent.O_CREAT) != 0) {
          report(CREATED, path, null, e, null);
        } else if ((e.flags() & BpfEvent.O_TRUNC) != 0) {
          report(MODIFIED, path, null, e, null);
        }
      }
      case BpfEvent.WRITE, BpfEvent.FTRUNCATE, BpfEvent.FALLOCATE -> reportFd(MODIFIED, e, null);
      case BpfEvent.CLOSE -> {
        reportFd(CLOSED_AFTER_WRITE, e, null);
        paths.closed(pid, e.dfd1());
      }
      case BpfEvent.FSYNC -> reportFd(SYNCED, e, null);
      case BpfEvent.FCHMOD, BpfEvent.FCHOWN -> reportFd(ATTRIBUTES_CHANGED, e, null);
      case BpfEvent.FSETXATTR, BpfEvent.FREMOVEXATTR -> reportFd(XATTR_CHANGED, e, e.path2());
      case BpfEvent.TRUNCATE -> report(MODIFIED, named(e, e.dfd1(), e.path1()), null, e, null);
      case BpfEvent.UNLINK -> report(DELETED, named(e, e.dfd1(), e.path1()), null, e, null);
      case BpfEvent.RMDIR ->
          report(DIRECTORY_REMOVED, named(e, e.dfd1(), e.path1()), null, e, null);
      case BpfEvent.MKDIR ->
          report(DIRECTORY_CREATED, named(e, e.dfd1(), e.path1()), null, e, null);
      case BpfEvent.LINK ->
          report(CREATED, named(e, e.dfd2(), e.path2()), named(e, e.dfd1(), e.path1()), e, null);
      case BpfEvent.SYMLINK -> report(CREATED, named(e, e.dfd2(), e.path2()), null, e, null);
      case BpfEvent.CHMOD, BpfEvent.CHOWN, BpfEvent.UTIMENS ->
          report(
              ATTRIBUTES_CHANGED,
              e.path1() == null ? paths.fd(pid, e.dfd1()) : named(e, e.dfd1(), e.path1()),
              null,
              e,
              null);
      case BpfEvent.SETXATTR, BpfEvent.REMOVEXATTR ->
          report(XATTR_CHANGED, named(e, AT_FDCWD, e.path1()), null, e, e.path2());
      case BpfEvent.RENAME -> renamed(e);
      default ->
          rescan(
              "an unknown operation " + e.op() + " (program and code do not match)",
              pid,
              e.timestampNanos());
    }
  }

  private void renamed(BpfEvent e) {
    String from = named(e, e.dfd1(), e.path1());
    String to = named(e, e.dfd2(), e.path2());
    if (from == null || to == null) {
      rescan(
          "a rename by process " + e.pid() + " whose paths could not be resolved",
          e.pid(),
          e.timestampNanos());
      return;
    }
    if ((e.flags() & BpfEvent.RENAME_EXCHANGE) != 0) {
      paths.exchanged(from, to);
    } else {
      paths.renamed(from, to);
    }
    boolean inFrom = underRoot(from);
    boolean inTo = underRoot(to);
    if ((e.flags() & BpfEvent.RENAME_EXCHANGE) != 0) {
      if (inFrom) {
        emit(RESCAN, from, null, e.pid(), e.timestampNanos(), "exchanged with " + to);
      }
      if (inTo) {
        emit(RESCAN, to, null, e.pid(), e.timestampNanos(), "exchanged with " + from);
      }
    } else if (inFrom && inTo) {
      emit(RENAMED, to, from, e.pid(), e.timestampNanos(), null);
    } else if (inFrom) {
      emit(RENAMED_FROM, from, null, e.pid(), e.timestampNanos(), null);
    } else if (inTo) {
      emit(RENAMED_TO, to, null, e.pid(), e.timestampNanos(), null);
    }
  }

  private String named(BpfEvent e, int dirfd, String path) {
    if (e.incomplete()) {
      return null;
    }
    return paths.resolve(e.pid(), dirfd, path);
  }

  private void report(FileEvent.Kind kind, String path, String from, BpfEvent e, String detail) {
    if (path == null) {
      rescan(
          "a " + kind + " by process " + e.pid() + " whose path could not be resolved",
          e.pid(),
          e.timestampNanos());
    } else if (underRoot(path)) {
      emit(
          kind,
          path,
          from != null && underRoot(from) ? from : null,
          e.pid(),
          e.timestampNanos(),
          detail);
    }
  }

  private void reportFd(FileEvent.Kind kind, BpfEvent e, String detail) {
    reportFd(kind, e.dfd1(), e, detail);
  }

  private void reportFd(FileEvent.Kind kind, int fd, BpfEvent e, String detail) {
    String path =
        kind == MODIFIED || kind == CLOSED_AFTER_WRITE
            ? paths.written(e.pid(), fd)
            : paths.fd(e.pid(), fd);
    if (path == null) {
      // a descriptor opened before capture began, by a process that has since exited, or not a file
      // at all
      unresolved++;
    } else if (underRoot(path)) {
      emit(kind, path, null, e.pid(), e.timestampNanos(), detail);
    }
  }

  private void rescan(String why, int pid, long timestampNanos) {
    emit(RESCAN, root.toString(), null, pid, timestampNanos, why);
  }

  @Override
  protected void wake() {
    ring.wake();
  }

  @Override
  protected void release() {
    ring.close();
    program.close();
  }
}
