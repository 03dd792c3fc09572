// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.posix.LibC;
import io.foxing.posix.NativeSupport;
import io.foxing.posix.Posix;
import io.foxing.posix.Temporaries;
import io.foxing.posix.TreeWalker;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Removes the temporaries an interrupted copy left behind (named and marked as {@link Temporaries}
 * says), walking the target with descriptors like the copier does. Nothing else is touched: a
 * user's file that only looks like a temporary stays.
 */
public final class Cleanup {
  private Cleanup() {}

  /** Removes every temporary under {@code target}; reports each removed path; returns how many. */
  public static long run(String target, Consumer<String> removed) throws IOException {
    NativeSupport.ensureAvailable();
    int fd = Posix.openPath(target, LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    long[] n = {0};
    try {
      TreeWalker.walk(
          fd,
          target,
          false,
          e -> {
            if (Temporaries.isOurs(e.dirfd(), e.name(), e.where())) {
              Posix.unlinkat(e.dirfd(), e.cname(), false, e.where());
              removed.accept(e.where());
              n[0]++;
            }
            return true;
          });
      return n[0];
    } finally {
      Posix.close(fd);
    }
  }
}
