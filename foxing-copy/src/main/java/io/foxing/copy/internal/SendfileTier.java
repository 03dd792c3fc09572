// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.sun.jna.Memory;
import io.foxing.api.CopyMethod;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.api.spi.TierUnavailableException;
import io.foxing.posix.LibC;
import io.foxing.posix.Posix;
import java.io.IOException;

/**
 * sendfile(2): an in-kernel copy through the page cache that works across filesystems; cheapest for
 * small files. It would write zeros over holes, so sparse files are refused.
 */
public final class SendfileTier extends BuiltinTier {
  private static final long MAX_CHUNK = 0x7ffff000L;

  public SendfileTier() {
    super(CopyMethod.SENDFILE.cliName(), CopyMethod.SENDFILE, 200);
  }

  @Override
  public long copy(FileCopyRequest r) throws IOException {
    if (r.sparse()) {
      throw new TierUnavailableException("sendfile would fill the holes of a sparse file");
    }
    checkPair(r);
    Memory off = Posix.offsets();
    off.setLong(0, 0);
    long done = 0;
    while (done < r.size()) {
      long n = LibC.sendfile(r.targetFd(), r.sourceFd(), off, Math.min(r.size() - done, MAX_CHUNK));
      if (n < 0) {
        int e = Posix.lastError();
        if (done == 0 && meansUnsupported(e)) {
          throw refusePair(r, e);
        }
        throw Posix.error("sendfile", r.path(), e);
      }
      if (n == 0) {
        break;
      }
      done += n;
    }
    return done;
  }
}
