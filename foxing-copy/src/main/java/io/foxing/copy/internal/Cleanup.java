package io.foxing.copy.internal;

import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import io.foxing.posix.Temporaries;
import io.foxing.api.spi.FileStat;
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
    int fd = Posix.openPath(target, LibC.O_RDONLY | LibC.O_DIRECTORY, target);
    try {
      return walk(fd, target, removed);
    } finally {
      Posix.close(fd);
    }
  }

  private static long walk(int dirfd, String where, Consumer<String> removed) throws IOException {
    long n = 0;
    for (Posix.Dirent de : Posix.readdir(dirfd, where)) {
      byte[] c = Posix.cstr(de.name());
      String rel = where + "/" + Names.display(de.name());
      FileStat st = Posix.statIfExists(dirfd, c, rel);
      if (st == null) {
        continue;
      }
      if (Temporaries.isOurs(dirfd, de.name(), rel)) {
        Posix.unlinkat(dirfd, c, false, rel);
        removed.accept(rel);
        n++;
      } else if (st.isDirectory()) {
        int fd = Posix.openat(dirfd, c, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, 0, rel);
        try {
          n += walk(fd, rel, removed);
        } finally {
          Posix.close(fd);
        }
      }
    }
    return n;
  }
}
