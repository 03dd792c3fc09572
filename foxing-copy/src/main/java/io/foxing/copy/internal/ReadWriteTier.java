// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.sun.jna.Memory;
import io.foxing.api.CopyMethod;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.posix.LibC;
import io.foxing.posix.Posix;
import java.io.IOException;

/**
 * pread/pwrite through a 1 MiB native buffer per thread: works on every filesystem, keeps holes of
 * sparse files, and bounds memory by the number of worker threads.
 */
public final class ReadWriteTier extends BuiltinTier {
  public ReadWriteTier() {
    super(CopyMethod.READ_WRITE.cliName(), CopyMethod.READ_WRITE, 100);
  }

  @Override
  public long copy(FileCopyRequest r) throws IOException {
    if (r.sparse()) {
      return DataSegments.copy(
          r.sourceFd(), r.targetFd(), r.size(), r.path(), (off, len) -> range(r, off, len));
    }
    return range(r, 0, r.size());
  }

  private static long range(FileCopyRequest r, long offset, long length) throws IOException {
    return copyRange(r.sourceFd(), r.targetFd(), offset, length, r.path());
  }

  /**
   * Copies {@code length} bytes at {@code offset} from one descriptor to the same offset of
   * another.
   */
  static long copyRange(int sourceFd, int targetFd, long offset, long length, String path)
      throws IOException {
    Memory buf = Posix.rwBuffer();
    long done = 0;
    while (done < length) {
      long want = Math.min(length - done, Posix.RW_BUFFER);
      long n = LibC.pread(sourceFd, buf, want, offset + done);
      if (n < 0) {
        int e = Posix.lastError();
        if (e == Posix.EINTR) {
          continue;
        }
        throw Posix.error("read", path, e);
      }
      if (n == 0) {
        break;
      }
      long w = 0;
      while (w < n) {
        long m = LibC.pwrite(targetFd, buf.share(w), n - w, offset + done + w);
        if (m < 0) {
          int e = Posix.lastError();
          if (e == Posix.EINTR) {
            continue;
          }
          throw Posix.error("write", path, e);
        }
        w += m;
      }
      done += n;
    }
    return done;
  }

  /** The granularity of holes made for zeros: the block of the filesystems fxcp writes to. */
  private static final int BLOCK = 4096;

  private static final byte[] ZEROS = new byte[BLOCK];

  /**
   * Copies a whole file deciding every block (cp's {@code --sparse=always} and {@code never}): the
   * source's holes are read as zeros; with {@code makeHoles} each block of zeros is skipped, so the
   * target has a hole there (the final size is set at the end), else every byte is written.
   */
  static void copyDecidingHoles(
      int sourceFd, int targetFd, long size, boolean makeHoles, String path) throws IOException {
    byte[] buf = new byte[Posix.RW_BUFFER];
    long offset = 0;
    while (offset < size) {
      int n =
          Posix.pread(sourceFd, buf, 0, (int) Math.min(buf.length, size - offset), offset, path);
      if (n == 0) {
        break; // it shrank: the change check after the copy says so
      }
      int start = 0;
      while (start < n) {
        // a run of blocks to write, ending before the next block of zeros (or at the end)
        int end = start;
        while (end < n) {
          int len = Math.min(BLOCK, n - end);
          if (makeHoles && java.util.Arrays.mismatch(buf, end, end + len, ZEROS, 0, len) < 0) {
            break;
          }
          end += len;
        }
        if (end > start) {
          Posix.pwriteFully(targetFd, buf, start, end - start, offset + start, path);
        }
        start = end;
        while (makeHoles && start < n) { // skip the zeros
          int len = Math.min(BLOCK, n - start);
          if (java.util.Arrays.mismatch(buf, start, start + len, ZEROS, 0, len) >= 0) {
            break;
          }
          start += len;
        }
      }
      offset += n;
    }
    Posix.ftruncate(targetFd, size, path); // a hole at the end, or the size after skipped zeros
  }
}
