// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need root, loop mounts or system tools ask here. On a laptop a missing prerequisite
 * skips the test with the reason printed; under {@code CI=true} it fails the build, so CI can never
 * pass by skipping.
 */
public final class Prerequisites {
  private Prerequisites() {}

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static void require(boolean ok, String reason) {
    if (ok) {
      return;
    }
    if (inCi()) {
      fail("prerequisite missing under CI=true: " + reason + " (.ci/run installs it)");
    }
    System.err.println("SKIPPED (prerequisite missing): " + reason);
    Assumptions.abort(reason);
  }

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"))
        || Shell.run("id", "-u").stdout().strip().equals("0");
  }

  public static void requireRoot(String why) {
    require(isRoot(), "needs root: " + why);
  }

  public static void requireCommand(String command) {
    require(Shell.which(command), "command not found: " + command);
  }
}
