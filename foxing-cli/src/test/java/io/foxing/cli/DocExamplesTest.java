// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java example in the README and the site's guides compiles against the modules as they are:
 * an example that no longer compiles is a broken promise to whoever copies it. Each block is
 * compiled as the body of a method; the names examples use without declaring ({@code log}, {@code
 * source}, {@code bytes}...) are declared once below, and an elision ({@code ...}) stands for code
 * left out.
 */
class DocExamplesTest {
  /** What the examples take as given. */
  private static final String CONTEXT =
      """
      org.slf4j.Logger log; Path source; Path path; byte[] bytes; byte[] key32; byte[] part1; byte[] part2; long t;
      java.nio.ByteBuffer byteBuffer; java.util.concurrent.atomic.LongAdder progress; OutputStream out; InputStream in;
      FxarEntry directoryEntry; FxarEntry fileEntry; List<String> problems; FxarFile archive;
      void copy(Path p) {} void move(Path from, Path to) {} void remove(Path p) {} void compareSubtree(Path p) {}
      """;

  private static final String IMPORTS =
      """
      import io.foxing.api.*; import io.foxing.api.events.*; import io.foxing.copy.*; import io.foxing.copy.mirror.*;
      import io.foxing.nfs.*; import io.foxing.fxar.*; import io.foxing.merkle.*;
      import java.io.*; import java.net.URI; import java.nio.channels.FileChannel; import java.nio.file.*; import java.time.*; import java.util.*;
      """;

  static List<String[]> examples() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    List<Path> docs = new ArrayList<>(List.of(repo.resolve("README.md")));
    try (Stream<Path> site = Files.list(repo.resolve("src/site/markdown"))) {
      site.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<String[]> out = new ArrayList<>();
    for (Path doc : docs) {
      StringBuilder block = null;
      int n = 0;
      for (String line : Files.readAllLines(doc)) {
        if (block == null && line.startsWith("```java")) {
          block = new StringBuilder();
        } else if (block != null && line.startsWith("```")) {
          out.add(new String[] {repo.relativize(doc) + " #" + ++n, block.toString()});
          block = null;
        } else if (block != null) {
          block.append(line).append('\n');
        }
      }
    }
    return out;
  }

  /** The example's code with its elisions made empty. */
  static String body(String code) {
    return code.replaceAll("->\\s*\\.\\.\\.;", "-> { }")
        .replaceAll("->\\s*\\.\\.\\.\\)", "-> { })")
        .replaceAll("\\{\\s*\\.\\.\\.\\s*}", "{ }")
        .replaceAll("(?m)^\\s*\\.\\.\\.\\s*$", "");
  }

  @Test
  void everyJavaExampleCompiles() throws Exception {
    List<String[]> examples = examples();
    assertTrue(examples.size() >= 8, "found only " + examples.size() + " examples");
    Path dir = Files.createTempDirectory("doc-examples");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-proc:none",
                "-d",
                dir.resolve("classes").toString(),
                "-classpath",
                System.getProperty("java.class.path")));
    for (int i = 0; i < examples.size(); i++) {
      String name = "Example" + i;
      Path file = dir.resolve(name + ".java");
      Files.writeString(
          file,
          IMPORTS
              + "class "
              + name
              + " {\n"
              + CONTEXT
              + "\nvoid example() throws Exception {\n"
              + body(examples.get(i)[1])
              + "}\n}\n");
      command.add(file.toString());
    }
    Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output =
        new String(javac.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    javac.waitFor();
    List<String> errors = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Example(\\d+)\\.java:\\d+: error: (.*)").matcher(output);
    while (m.find()) {
      errors.add(examples.get(Integer.parseInt(m.group(1)))[0] + ": " + m.group(2));
    }
    assertEquals(List.of(), errors, output);
    assertEquals(0, javac.exitValue(), output);
  }
}
