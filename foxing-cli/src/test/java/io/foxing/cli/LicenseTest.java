// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One license, stated everywhere: Apache-2.0 in LICENSE and on every source file, and the BPF
 * program dual-licensed in a way the kernel accepts for the GPL-only helpers it calls.
 */
class LicenseTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Set<String> SOURCES = Set.of(".java", ".sh", ".py", ".c");

  private static boolean isSource(Path p) {
    String name = p.getFileName().toString();
    return SOURCES.stream().anyMatch(name::endsWith)
        || Set.of("fxcp", "foxingd", "run").contains(name) && !p.toString().contains("/src/");
  }

  @Test
  void everySourceFileSaysItsLicenseInItsFirstLines() throws IOException {
    assertTrue(Files.readString(REPO.resolve("LICENSE")).contains("Apache License"));
    assertTrue(Files.readString(REPO.resolve("NOTICE")).contains("Apache-2.0"));
    List<String> missing;
    try (Stream<Path> all = Files.walk(REPO)) {
      missing =
          all.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
              .filter(Files::isRegularFile)
              .filter(LicenseTest::isSource)
              .filter(
                  p ->
                      !REPO.relativize(p).toString().equals("foxing-bpf/src/main/bpf/foxing.bpf.c"))
              .filter(LicenseTest::lacksApache)
              .map(p -> REPO.relativize(p).toString())
              .sorted()
              .toList();
    }
    assertEquals(List.of(), missing, "source files without SPDX-License-Identifier: Apache-2.0");
  }

  private static boolean lacksApache(Path p) {
    try (Stream<String> lines = Files.lines(p)) {
      return lines.limit(3).noneMatch(l -> l.contains("SPDX-License-Identifier: Apache-2.0"));
    } catch (IOException | java.io.UncheckedIOException e) {
      return true;
    }
  }

  @Test
  void theBpfProgramIsDualLicensedAsTheKernelAsks() throws IOException {
    String c = Files.readString(REPO.resolve("foxing-bpf/src/main/bpf/foxing.bpf.c"));
    assertTrue(
        c.startsWith("// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause\n"),
        "its SPDX line");
    // the kernel reads this string: "Dual BSD/GPL" is GPL-compatible, which its GPL-only helpers
    // need
    assertTrue(
        c.contains("char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";"), "its license string");
  }
}
