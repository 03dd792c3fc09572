// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import io.foxing.api.Availability;
import io.foxing.api.CopyMethod;
import java.io.IOException;

/**
 * One way to move a file's bytes. Found through {@link java.util.ServiceLoader}, so a module such
 * as io_uring support can add a tier without the copier knowing it; the copier tries available
 * tiers in descending {@link #priority()} order and falls back on {@link TierUnavailableException}.
 *
 * <p>A tier probes the kernel once (lazily) and then answers {@link #isAvailable()} and {@link
 * #unavailabilityCause()} ({@link Availability}, as event sources do) without further system calls.
 * Each tier can be switched off with the system property {@code foxing.tier.NAME.disable=true}.
 * Implementations must be thread-safe.
 */
public interface CopyTier extends Availability {
  /** The short name reports use, e.g. {@code reflink}. */
  String name();

  /** The {@link CopyMethod} this tier implements, so {@code --copy-method} can force it. */
  CopyMethod method();

  /** Higher is tried first. Built-in tiers: reflink 400, cfr 300, sendfile 200, rw 100. */
  int priority();

  /**
   * Copies the whole file.
   *
   * @return bytes moved
   * @throws TierUnavailableException to hand the file to the next tier (nothing written must be
   *     undone)
   * @throws IOException when the copy itself failed (the file fails)
   */
  long copy(FileCopyRequest request) throws IOException;
}
