// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.Copier;
import io.foxing.api.CopyOptions;
import io.foxing.api.spi.CopyEngine;
import io.foxing.api.spi.Target;
import io.foxing.copy.SmartCopier;

/**
 * The copy engine as {@link io.foxing.api.Copiers} finds it: {@link SmartCopier} into any target.
 */
public final class LocalEngine implements CopyEngine {
  @Override
  public Target localTarget(String path, CopyOptions options) {
    return new LocalTarget(path, options, SmartCopier.tiers());
  }

  @Override
  public Copier copier(Target target, CopyOptions options) {
    return SmartCopier.to(target, options, !(target instanceof LocalTarget));
  }
}
