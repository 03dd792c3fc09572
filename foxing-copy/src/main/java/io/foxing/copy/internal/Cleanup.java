package io.foxing.copy.internal;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Removes the temporaries an interrupted copy left behind ({@code .fxcp~XXXXXXXX~name}), walking
 * the target with descriptors like the copier does. Nothing else is touched.
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
      Stat st = Posix.statIfExists(dirfd, c, rel);
      if (st == null) {
        continue;
      }
      if (Names.isTemp(de.name())) {
        if (st.isDirectory()) {
          throw new IOException(rel + ": looks like an fxcp temporary but is a directory; remove it by hand if it is not yours");
        }
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
