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
}
