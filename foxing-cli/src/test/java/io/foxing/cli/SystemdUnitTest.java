// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/foxingd.service, judged by systemd's own tools: valid, hardened, and no more
 * capabilities than it says.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("..", "packaging", "foxingd.service");

  @TempDir Path tmp;

  @Test
  void theUnitVerifiesCleanlyAndItsExposureStaysLow() throws Exception {
    Prerequisites.requireCommand("systemd-analyze");
    // verify wants ExecStart's program to exist: the checkout's launcher stands in for the
    // installed one
    Path launcher = Path.of("..", "foxingd").toRealPath();
    Path unit = tmp.resolve("foxingd.service");
    Files.writeString(
        unit, Files.readString(UNIT).replace("/usr/bin/foxingd", launcher.toString()));
    Shell.Result verify = Shell.run("systemd-analyze", "verify", "--man=no", unit.toString());
    assertEquals(0, verify.exitCode(), verify.stderr());
    assertEquals("", verify.stderr().strip(), "systemd-analyze verify warns");
    // 5.0 today ("MEDIUM"): a change that loosens the sandbox fails here
    Shell.Result security =
        Shell.run(
            "systemd-analyze", "security", "--offline=yes", "--threshold=50", unit.toString());
    assertEquals(0, security.exitCode(), security.stdout() + security.stderr());
  }

  @Test
  void itIsANotifyServiceWithTheCapabilitiesBpfNeedsAndNotSysAdmin() throws Exception {
    List<String> lines = Files.readAllLines(UNIT).stream().filter(l -> !l.startsWith("#")).toList();
    assertTrue(lines.contains("Type=notify"), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("WatchdogSec=")), lines.toString());
    for (String key : List.of("CapabilityBoundingSet=", "AmbientCapabilities=")) {
      String caps = lines.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow();
      assertTrue(caps.contains("CAP_BPF") && caps.contains("CAP_PERFMON"), caps);
      assertFalse(caps.contains("CAP_SYS_ADMIN"), caps);
    }
    assertTrue(
        lines.contains("StateDirectory=foxingd") && lines.contains("RuntimeDirectory=foxingd"),
        lines.toString());
  }
}
