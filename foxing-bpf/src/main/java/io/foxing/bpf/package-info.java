// SPDX-License-Identifier: Apache-2.0
/**
 * File-event sources for {@link io.foxing.api.events.EventSources}: {@link
 * io.foxing.bpf.BpfEventSource} (eBPF on system-call tracepoints), {@link
 * io.foxing.bpf.FanotifyEventSource} and {@link io.foxing.bpf.InotifyEventSource}. Usually not
 * named directly: put this module on the path and call {@code EventSources.choose(null)}.
 */
@NullMarked
package io.foxing.bpf;

import org.jspecify.annotations.NullMarked;
