// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs {@code workload.py} (seeded random operations, then shell tools) on a tree, as its own
 * process.
 */
public final class Workload {
  private Workload() {}

  /**
   * Runs {@code ops} operations from {@code seed} under {@code root}; returns the script's counts
   * ("create 220" lines).
   */
  public static String run(Path root, long seed, int ops) throws IOException {
    Path script = Files.createTempFile("foxing-workload", ".py");
    try (InputStream in = Workload.class.getResourceAsStream("workload.py")) {
      Files.write(script, in.readAllBytes());
      Shell.Result r =
          Shell.run(
                  "python3",
                  script.toString(),
                  root.toString(),
                  Long.toString(seed),
                  Integer.toString(ops))
              .check();
      return r.stdout();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
