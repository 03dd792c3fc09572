// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventStream;
import io.foxing.bpf.internal.BpfStream;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * File events from an eBPF program on the system-call tracepoints: every successful change by any
 * process, with its pid, the moment it returns from the kernel. Needs root (CAP_BPF, CAP_PERFMON),
 * tracefs and libbpf 1.x. See the "File events" guide for what it sees and where it can be wrong.
 */
public final class BpfEventSource extends ProbedSource {
  /**
   * {@code foxing.bpf.consumer=libbpf} reads the ring buffer through libbpf's callback instead of
   * mapped memory.
   */
  static final String CONSUMER = System.getProperty("foxing.bpf.consumer", "mmap");

  @Override
  public String name() {
    return "bpf";
  }

  @Override
  public int preference() {
    return 30;
  }

  @Override
  @Nullable String probe() {
    return BpfStream.unavailabilityCause();
  }

  @Override
  public EventStream open(Path root, EventOptions options) throws IOException {
    return BpfStream.open(Roots.check(root), options, CONSUMER);
  }
}
