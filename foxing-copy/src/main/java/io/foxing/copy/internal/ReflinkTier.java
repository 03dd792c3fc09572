// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyMethod;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.posix.LibC;
import io.foxing.posix.Posix;
import java.io.IOException;

/** FICLONE: the target shares the source's extents (btrfs, XFS); holes come along for free. */
public final class ReflinkTier extends BuiltinTier {
  public ReflinkTier() {
    super(CopyMethod.REFLINK.cliName(), CopyMethod.REFLINK, 400);
  }

  @Override
  public long copy(FileCopyRequest r) throws IOException {
    checkPair(r);
    if (LibC.ioctl(r.targetFd(), LibC.FICLONE, r.sourceFd()) != 0) {
      int e = Posix.lastError();
      if (meansUnsupported(e)) {
        throw refusePair(r, e);
      }
      throw Posix.error("reflink", r.path(), e);
    }
    return r.size();
  }
}
