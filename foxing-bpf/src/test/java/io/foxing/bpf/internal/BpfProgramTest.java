// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Each reason the BPF source cannot load is its own line saying what to do, checked in this order.
 */
class BpfProgramTest {
  @Test
  void eachLoadingFailureHasItsOwnLine() {
    assertEquals(
        "the BPF program was not built into this jar (build it where clang and libbpf-dev are installed)",
        BpfProgram.unavailabilityCause(false, true, true, () -> null));
    assertEquals(
        "loading BPF programs needs root (CAP_BPF and CAP_PERFMON); run as root or use --source inotify",
        BpfProgram.unavailabilityCause(true, false, true, () -> null));
    assertEquals(
        "tracefs is not mounted; as root: mount -t tracefs nodev /sys/kernel/tracing",
        BpfProgram.unavailabilityCause(true, true, false, () -> null));
    assertEquals(
        "libbpf missing", BpfProgram.unavailabilityCause(true, true, true, () -> "libbpf missing"));
    assertNull(BpfProgram.unavailabilityCause(true, true, true, () -> null));
  }
}
