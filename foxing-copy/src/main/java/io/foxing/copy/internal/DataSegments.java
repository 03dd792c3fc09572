// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.posix.Posix;
import java.io.IOException;

/**
 * Walks the data regions of a sparse file with SEEK_DATA/SEEK_HOLE so tiers copy only data and the
 * target keeps its holes; then sets the final size, which recreates a trailing hole.
 */
final class DataSegments {
  private DataSegments() {}

  interface SegmentCopier {
    void copy(long offset, long length) throws IOException;
  }

  static long copy(int srcFd, int dstFd, long size, String path, SegmentCopier copier)
      throws IOException {
    long moved = 0;
    long pos = 0;
    while (pos < size) {
      long data = Posix.seekData(srcFd, pos, path);
      if (data < 0 || data >= size) {
        break;
      }
      long hole = Math.min(Posix.seekHole(srcFd, data, path), size);
      copier.copy(data, hole - data);
      moved += hole - data;
      pos = hole;
    }
    Posix.ftruncate(dstFd, size, path);
    return moved;
  }
}
