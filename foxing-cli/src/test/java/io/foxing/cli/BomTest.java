// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM names every module a user can depend on, and nothing else. */
class BomTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private static Set<String> all(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    for (Matcher m = p.matcher(text); m.find(); ) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theBomListsEveryPublishedModule() throws Exception {
    Set<String> modules =
        all(Pattern.compile("<module>([^<]+)</module>"), Files.readString(REPO.resolve("pom.xml")));
    // never published: the BOM itself, the test fixtures, the benchmarks
    modules.removeAll(Set.of("foxing-bom", "foxing-testkit", "benchmarks"));
    Set<String> inBom =
        all(
            Pattern.compile("<artifactId>(foxing-[a-z]+)</artifactId><version>"),
            Files.readString(REPO.resolve("foxing-bom/pom.xml")));
    assertEquals(modules, inBom);
  }
}
