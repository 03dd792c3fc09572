// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import io.foxing.api.CopyOptions;
import java.io.IOException;
import java.net.URI;

/**
 * Opens {@link Target}s that are not local paths, chosen by URI scheme ({@code nfs://...}). Found
 * through {@link java.util.ServiceLoader} by {@link io.foxing.api.Copiers#open}, which uses the
 * first provider whose {@link #scheme()} matches. Implementations must be thread-safe.
 */
public interface TargetProvider {
  /** The URI scheme served, e.g. {@code nfs}. */
  String scheme();

  /**
   * Opens the target {@code target} names (it is made when a copy needs it, not here).
   *
   * @throws IOException if the target cannot be reached; the message says what to check
   */
  Target open(URI target, CopyOptions options) throws IOException;
}
