// SPDX-License-Identifier: Apache-2.0
/**
 * File-event capture: eBPF through libbpf, fanotify and inotify, as {@link
 * io.foxing.api.events.EventSource}s.
 */
module io.foxing.bpf {
  requires static transitive org.jspecify; // the API's @Nullable: compile time only
  requires transitive io.foxing.api;
  requires io.foxing.posix;
  requires com.sun.jna;

  exports io.foxing.bpf;

  provides io.foxing.api.events.EventSource with
      io.foxing.bpf.BpfEventSource,
      io.foxing.bpf.FanotifyEventSource,
      io.foxing.bpf.InotifyEventSource;
}
