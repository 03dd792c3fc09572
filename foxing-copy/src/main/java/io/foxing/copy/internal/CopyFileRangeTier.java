// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.sun.jna.Memory;
import io.foxing.api.CopyMethod;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.posix.LibC;
import io.foxing.posix.Posix;
import java.io.IOException;

/**
 * copy_file_range(2): the kernel copies (and on btrfs/XFS may share extents, on NFS 4.2 copies on
 * the server). Since Linux 5.19 it refuses most cross-filesystem pairs with EXDEV, which we
 * remember per pair. Sparse files are copied one data region at a time so holes stay holes.
 */
public final class CopyFileRangeTier extends BuiltinTier {
  private static final long MAX_CHUNK = 1L << 30;

  public CopyFileRangeTier() {
    super(CopyMethod.COPY_FILE_RANGE.cliName(), CopyMethod.COPY_FILE_RANGE, 300);
  }

  @Override
  public long copy(FileCopyRequest r) throws IOException {
    checkPair(r);
    if (r.sparse()) {
      long[] written = {0};
      return DataSegments.copy(
          r.sourceFd(),
          r.targetFd(),
          r.size(),
          r.path(),
          (off, len) -> {
            written[0] += range(r, off, len, written[0] > 0);
          });
    }
    return range(r, 0, r.size(), false);
  }

  /**
   * @param started bytes were already written, so a refusal now can no longer fall back cleanly
   */
  private long range(FileCopyRequest r, long offset, long length, boolean started)
      throws IOException {
    Memory offs = Posix.offsets();
    offs.setLong(0, offset);
    offs.setLong(8, offset);
    long done = 0;
    while (done < length) {
      long n =
          LibC.copy_file_range(
              r.sourceFd(),
              offs,
              r.targetFd(),
              offs.share(8),
              Math.min(length - done, MAX_CHUNK),
              0);
      if (n < 0) {
        int e = Posix.lastError();
        if (!started && done == 0 && meansUnsupported(e)) {
          throw refusePair(r, e);
        }
        throw Posix.error("copy_file_range", r.path(), e);
      }
      if (n == 0) {
        break; // the source shrank under us; the caller's size check reports it
      }
      done += n;
    }
    return done;
  }
}
