// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.foxing.api.events.EventOptions;
import io.foxing.posix.LibC;
import io.foxing.posix.Privileges;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged BPF object (built from {@code src/main/bpf/foxing.bpf.c}) opened, loaded and
 * attached through libbpf: one enter/exit pair per traced system call plus the fork tracepoint.
 * Everything is released by {@link #close()}; the kernel also drops it all when the process dies.
 */
final class BpfProgram implements AutoCloseable {
  static final String RESOURCE = "foxing.bpf.o";
  private static final String[] TRACEFS = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
  private static final StringBuilder LOG = new StringBuilder();
  private static final LibBpf.PrintCallback PRINT =
      (level, format, args) -> {
        byte[] buf = new byte[1024];
        int n = LibC.vsnprintf(buf, buf.length, format, args);
        synchronized (LOG) {
          LOG.append(
              new String(buf, 0, Math.max(0, Math.min(n, buf.length - 1)), StandardCharsets.UTF_8));
          if (LOG.length() > 65536) {
            LOG.delete(0, LOG.length() - 65536);
          }
        }
        return 0;
      };

  private final Pointer object;
  private final List<Pointer> links = new ArrayList<>();
  private final int eventsFd;
  private final int countersFd;
  private final int configFd;

  /** struct config: exclude_tgid, fork_child_pid_offset, coalesce_ns, wakeup, pad. */
  private final ByteBuffer config = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder());

  private BpfProgram(Pointer object, int eventsFd, int countersFd, int configFd) {
    this.object = object;
    this.eventsFd = eventsFd;
    this.countersFd = countersFd;
    this.configFd = configFd;
  }

  /** Why the BPF source cannot run here, in one line with what to do; null if it can. */
  static String unavailabilityCause() {
    return unavailabilityCause(
        BpfProgram.class.getResource(RESOURCE) != null,
        Privileges.has(Privileges.CAP_SYS_ADMIN)
            || (Privileges.has(Privileges.CAP_BPF) && Privileges.has(Privileges.CAP_PERFMON)),
        tracefs() != null,
        BpfProgram::libbpfMissing);
  }

  /**
   * The checks in order, each with its one-line reason; {@code libbpf} is asked last (it loads the
   * library).
   */
  static String unavailabilityCause(
      boolean packaged,
      boolean privileged,
      boolean tracefs,
      java.util.function.Supplier<String> libbpf) {
    if (!packaged) {
      return "the BPF program was not built into this jar (build it where clang and libbpf-dev are installed)";
    }
    if (!privileged) {
      return "loading BPF programs needs root (CAP_BPF and CAP_PERFMON); run as root or use --source inotify";
    }
    if (!tracefs) {
      return "tracefs is not mounted; as root: mount -t tracefs nodev /sys/kernel/tracing";
    }
    return libbpf.get();
  }

  private static String libbpfMissing() {
    try {
      LibBpf.LIBRARY.getName();
      return null;
    } catch (UnsatisfiedLinkError e) {
      return "libbpf.so.1 not found (apt-get install libbpf1): " + e.getMessage();
    }
  }

  static Path tracefs() {
    for (String t : TRACEFS) {
      if (Files.isDirectory(Path.of(t, "events", "syscalls"))) {
        return Path.of(t);
      }
    }
    return null;
  }

  static BpfProgram load(EventOptions options) throws IOException {
    String cause = unavailabilityCause();
    if (cause != null) {
      throw new IOException("BPF capture unavailable: " + cause);
    }
    byte[] image;
    try (InputStream in = BpfProgram.class.getResourceAsStream(RESOURCE)) {
      image = in.readAllBytes();
    }
    LibBpf.libbpf_set_print(PRINT);
    Memory buf = new Memory(image.length);
    buf.write(0, image, 0, image.length);
    Pointer obj = LibBpf.bpf_object__open_mem(buf, image.length, null);
    if (obj == null) {
      throw failure("opening the BPF object", Native.getLastError());
    }
    BpfProgram program = null;
    try {
      Pointer events = map(obj, "events");
      if (LibBpf.bpf_map__set_max_entries(events, options.kernelBufferBytes()) != 0) {
        throw failure(
            "sizing the ring buffer to " + options.kernelBufferBytes() + " bytes",
            Native.getLastError());
      }
      int r = LibBpf.bpf_object__load(obj);
      if (r != 0) {
        throw failure("loading the BPF program (the verifier's or libbpf's log follows)", -r);
      }
      program =
          new BpfProgram(
              obj,
              LibBpf.bpf_map__fd(events),
              LibBpf.bpf_map__fd(map(obj, "counters")),
              LibBpf.bpf_map__fd(map(obj, "config")));
      program.configure(options);
      program.attachAll();
      return program;
    } catch (IOException | RuntimeException e) {
      if (program != null) {
        program.close();
      } else {
        LibBpf.bpf_object__close(obj);
      }
      throw e;
    }
  }

  private static Pointer map(Pointer obj, String name) throws IOException {
    Pointer m = LibBpf.bpf_object__find_map_by_name(obj, name);
    if (m == null) {
      throw new IOException(
          "BPF object has no map " + name + ": the packaged program does not match this code");
    }
    return m;
  }

  private void configure(EventOptions options) throws IOException {
    config.putInt(0, options.excludeSelf() ? (int) ProcessHandle.current().pid() : 0);
    config.putInt(4, forkChildPidOffset());
    config.putLong(8, options.coalesceNanos());
    config.putInt(16, 1);
    writeConfig();
  }

  private void writeConfig() throws IOException {
    if (LibBpf.bpf_map_update_elem(configFd, new byte[4], config.array(), 0) != 0) {
      throw failure("writing the BPF configuration", Native.getLastError());
    }
  }

  /**
   * Whether the kernel wakes the consumer per record (it sleeps in epoll) or not (it is polling).
   */
  void wakeConsumer(boolean wake) throws IOException {
    config.putInt(16, wake ? 2 : 0); // 2: every record wakes (see struct config in foxing.bpf.c)
    writeConfig();
  }

  /**
   * Where sched_process_fork keeps child_pid on this kernel (it moved when the comm fields became
   * dynamic).
   */
  static int forkChildPidOffset() {
    Path format = tracefs().resolve("events/sched/sched_process_fork/format");
    try {
      for (String line : Files.readAllLines(format)) {
        int at = line.indexOf(" child_pid;");
        if (at >= 0) {
          int off = line.indexOf("offset:");
          return Integer.parseInt(line.substring(off + 7, line.indexOf(';', off)).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // without it, new processes' working directories are read from /proc instead
    }
    return 0;
  }

  private void attachAll() throws IOException {
    for (Pointer p = LibBpf.bpf_object__next_program(object, null);
        p != null;
        p = LibBpf.bpf_object__next_program(object, p)) {
      Pointer link = LibBpf.bpf_program__attach(p);
      if (link == null) {
        int errno = Native.getLastError();
        String name = LibBpf.bpf_program__name(p);
        if (name.endsWith("_fchmodat2") || name.endsWith("_openat2")) {
          continue; // newer system calls: absent on older kernels, nothing can call them there
        }
        throw failure("attaching " + name, errno);
      }
      links.add(link);
    }
  }

  int ringFd() {
    return eventsFd;
  }

  int attached() {
    return links.size();
  }

  /** Events the kernel could not put into the ring buffer since loading. */
  long dropped() {
    byte[] value = new byte[16];
    if (LibBpf.bpf_map_lookup_elem(countersFd, new byte[4], value) != 0) {
      return 0;
    }
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong(8);
  }

  private static IOException failure(String what, int errno) {
    String log;
    synchronized (LOG) {
      log = LOG.toString().strip();
      LOG.setLength(0);
    }
    if (log.length() > 2000) {
      log = "..." + log.substring(log.length() - 2000);
    }
    return new IOException(
        "BPF capture: "
            + what
            + " failed: "
            + LibC.strerror(errno)
            + (log.isEmpty() ? "" : "\n" + log));
  }

  @Override
  public void close() {
    for (Pointer link : links) {
      LibBpf.bpf_link__destroy(link);
    }
    links.clear();
    LibBpf.bpf_object__close(object);
  }
}
