// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The root every source watches: an existing directory, named by its real path (events carry real
 * paths).
 */
final class Roots {
  private Roots() {}

  static Path check(Path root) throws IOException {
    if (!Files.exists(root)) {
      throw new NoSuchFileException(root.toString(), null, "no such directory to watch");
    }
    if (!Files.isDirectory(root)) {
      throw new NotDirectoryException(
          root + ": not a directory; watch the directory that holds it");
    }
    return root.toRealPath();
  }
}
