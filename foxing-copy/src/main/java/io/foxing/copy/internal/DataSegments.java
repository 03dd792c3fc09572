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

  /** Told that everything before {@code offset} has been copied. */
  interface Checkpoint {
    void reached(long offset) throws IOException;
  }

  /**
   * Copies from {@code from} to the end in steps of {@code step} bytes (only the data regions of a
   * sparse source), calling {@code checkpoint} after each step but the last: the resumable copy of
   * {@code --partial}. Bytes move by read and write, which work between any two filesystems.
   *
   * @return the bytes copied
   */
  static long copyFrom(
      int srcFd,
      int dstFd,
      long size,
      boolean sparse,
      long from,
      long step,
      Checkpoint checkpoint,
      String path)
      throws IOException {
    long moved = 0;
    for (long start = from; start < size; start += step) {
      long end = Math.min(size, start + step);
      long pos = start;
      while (pos < end) {
        long data = sparse ? Posix.seekData(srcFd, pos, path) : pos;
        if (data < 0 || data >= end) {
          break;
        }
        long hole = sparse ? Math.min(Posix.seekHole(srcFd, data, path), end) : end;
        moved += ReadWriteTier.copyRange(srcFd, dstFd, data, hole - data, path);
        pos = hole;
      }
      if (end < size) {
        checkpoint.reached(end);
      }
    }
    Posix.ftruncate(dstFd, size, path);
    return moved;
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
