// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Filter patterns match as rsync's wildmatch does, on rsync's own test vectors (its wildtest.txt,
 * kept unchanged in the test resources with its origin): POSIX classes, malformed brackets,
 * backslash escapes, the empty pattern, slashes.
 */
class FilterRulesWildmatchTest {
  /** One vector: whether {@code pattern} must match {@code text}, and the line it came from. */
  private record Vector(boolean match, String text, String pattern, int line) {}

  @Test
  void everyVectorOfRsyncsWildtestAgrees() throws IOException {
    List<Vector> vectors = vectors();
    assertTrue(vectors.size() > 140, "read " + vectors.size() + " vectors");
    List<String> wrong = new ArrayList<>();
    for (Vector v : vectors) {
      if (FilterRules.wildmatch(v.pattern, v.text) != v.match) {
        wrong.add(
            "line "
                + v.line
                + ": '"
                + v.text
                + "' "
                + (v.match ? "must" : "must not")
                + " match '"
                + v.pattern
                + "'");
      }
    }
    assertEquals(List.of(), wrong);
  }

  private static List<Vector> vectors() throws IOException {
    String file;
    try (InputStream in =
        FilterRulesWildmatchTest.class.getResourceAsStream("/rsync-wildtest/wildtest.txt")) {
      file =
          new String(
              in.readAllBytes(),
              StandardCharsets.ISO_8859_1); // bytes as chars, as names are matched
    }
    List<Vector> out = new ArrayList<>();
    String[] lines = file.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> items = items(line);
      assertEquals(4, items.size(), "line " + (n + 1) + ": " + line);
      out.add(new Vector(items.get(0).equals("1"), items.get(2), items.get(3), n + 1));
    }
    return out;
  }

  /** Whitespace-separated items, each optionally quoted with ', " or ` (wildtest.c's format). */
  private static List<String> items(String line) {
    List<String> items = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (c == '\'' || c == '"' || c == '`') {
        int end = line.indexOf(c, i + 1);
        items.add(line.substring(i + 1, end));
        i = end + 1;
      } else {
        int end = i;
        while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
          end++;
        }
        items.add(line.substring(i, end));
        i = end;
      }
    }
    return items;
  }
}
