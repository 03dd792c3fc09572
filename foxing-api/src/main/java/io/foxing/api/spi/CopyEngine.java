// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import io.foxing.api.Copier;
import io.foxing.api.CopyOptions;

/**
 * The copy engine, found through {@link java.util.ServiceLoader} ({@code foxing-copy} provides it):
 * makes the local target and copiers into any {@link Target}. Used by {@link
 * io.foxing.api.Copiers}.
 */
public interface CopyEngine {
  /** The local path {@code path} as a target. */
  Target localTarget(String path, CopyOptions options);

  /**
   * A copier into {@code target}, which it closes when its copy ends.
   *
   * @throws io.foxing.api.UnsupportedOptionException if an option needs a capability the target
   *     lacks
   */
  Copier copier(Target target, CopyOptions options);
}
