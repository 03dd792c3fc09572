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
    // never published: the BOM itself, and each module that skips deployment (the test fixtures,
    // the benchmarks, the distribution)
    modules.remove("foxing-bom");
    modules.removeIf(
        m -> {
          try {
            return Files.readString(REPO.resolve(m).resolve("pom.xml"))
                .contains("<maven.deploy.skip>true</maven.deploy.skip>");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    Set<String> inBom =
        all(
            Pattern.compile("<artifactId>(foxing-[a-z]+)</artifactId><version>"),
            Files.readString(REPO.resolve("foxing-bom/pom.xml")));
    assertEquals(modules, inBom);
  }
}
