// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import io.foxing.api.events.EventSource;
import io.foxing.posix.NativeSupport;
import org.jspecify.annotations.Nullable;

/** A source whose availability is probed once, on first asking (the probe may touch the kernel). */
abstract class ProbedSource implements EventSource {
  private volatile @Nullable String cause;
  private volatile boolean probed;

  /** Why this source cannot run here, or null. */
  abstract @Nullable String probe();

  @Override
  public final boolean isAvailable() {
    return unavailabilityCause() == null;
  }

  @Override
  public final @Nullable String unavailabilityCause() {
    if (!probed) {
      String nativeProblem = NativeSupport.problem();
      cause = nativeProblem != null ? nativeProblem : probe();
      probed = true;
    }
    return cause;
  }
}
