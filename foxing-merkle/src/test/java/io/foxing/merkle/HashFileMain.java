// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import java.nio.file.Path;

/**
 * Hashes one file as {@code fxcp sum} does, in a JVM of its own: {@code FILE THREADS}; prints the
 * hex digest.
 */
public final class HashFileMain {
  private HashFileMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println(
        Blake3.hex(Blake3.newHasher().hashFile(Path.of(args[0]), Integer.parseInt(args[1]))));
  }
}
