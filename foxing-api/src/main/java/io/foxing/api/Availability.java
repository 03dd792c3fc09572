// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import org.jspecify.annotations.Nullable;

/**
 * A part that works on some machines and not on others: a copy tier (reflink needs a filesystem
 * that shares extents), an event source (bpf needs privileges and a kernel with BTF). The part
 * probes once, lazily, and then answers without further system calls; a caller that needs it says
 * {@link #unavailabilityCause()} to the user as it is.
 */
public interface Availability {
  /** Whether it works here. */
  default boolean isAvailable() {
    return unavailabilityCause() == null;
  }

  /** Why it does not work here, in one line that says what to do; {@code null} when it works. */
  @Nullable String unavailabilityCause();
}
