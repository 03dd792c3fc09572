// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetProvider;
import java.io.IOException;
import java.net.URI;

/**
 * {@code nfs://HOST[:PORT]/export/dir} targets: the copy engine's rules, NFSv4.1/4.2 without a
 * kernel mount.
 */
public final class NfsTargetProvider implements TargetProvider {
  @Override
  public String scheme() {
    return "nfs";
  }

  @Override
  public Target open(URI target, CopyOptions options) throws IOException {
    return new NfsTarget(target, options);
  }
}
