// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A source entry as the copy engine holds it: its directory's descriptor and name, its open
 * descriptor when it has one (a regular file being copied), and its state when it was examined.
 *
 * @param dirFd the source directory's descriptor
 * @param name the entry's name in it, raw bytes
 * @param fd the entry's own open descriptor, or -1
 * @param stat the entry's state
 */
public record SourceEntry(int dirFd, byte[] name, int fd, FileStat stat) {
  /**
   * A channel reading the open file ({@link #fd} must be open): the same file, whatever its name is
   * now, through {@code /proc/self/fd}. The caller closes it; the descriptor stays open.
   */
  public FileChannel channel() throws IOException {
    if (fd < 0) {
      throw new IllegalStateException("the source is not open");
    }
    return FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
  }
}
