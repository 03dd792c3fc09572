// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * rsync's filter semantics, case by case (the rsync oracle test in foxing-copy covers
 * combinations).
 */
class FilterRulesTest {
  private static FilterRules ex(String... patterns) {
    FilterRules.Builder b = FilterRules.builder();
    for (String p : patterns) {
      b.exclude(p);
    }
    return b.build();
  }

  @Test
  void noRulesIncludesEverything() {
    assertFalse(FilterRules.NONE.isExcluded("a/b", false));
    assertTrue(FilterRules.builder().build().isEmpty());
  }

  @Test
  void patternWithoutSlashMatchesTheLastComponentAtAnyDepth() {
    FilterRules r = ex("*.tmp");
    assertTrue(r.isExcluded("x.tmp", false));
    assertTrue(r.isExcluded("deep/er/x.tmp", false));
    assertFalse(r.isExcluded("x.tmp.keep", false));
  }

  @Test
  void leadingSlashAnchorsAtTheTransferRoot() {
    FilterRules r = ex("/build");
    assertTrue(r.isExcluded("build", true));
    assertFalse(r.isExcluded("src/build", true));
  }

  @Test
  void trailingSlashMatchesDirectoriesOnly() {
    FilterRules r = ex("cache/");
    assertTrue(r.isExcluded("a/cache", true));
    assertFalse(r.isExcluded("a/cache", false));
  }

  @Test
  void singleStarStaysInOneComponentDoubleStarCrosses() {
    assertFalse(ex("a/*/z").isExcluded("a/b/c/z", false));
    assertTrue(ex("a/*/z").isExcluded("a/b/z", false));
    assertTrue(ex("a/**/z").isExcluded("a/b/c/z", false));
    assertFalse(
        ex("a/**/z").isExcluded("a/z", false),
        "inside a pattern ** needs at least one character, as in rsync");
    assertTrue(ex("**/a/z").isExcluded("a/z", false), "a leading **/ matches zero directories");
    assertFalse(ex("/**/z").isExcluded("z", false), "but not in an anchored pattern");
    assertTrue(ex("/**/z").isExcluded("a/z", false));
  }

  @Test
  void tripleStarMatchesTheDirectoryAndEverythingUnderIt() {
    FilterRules r = ex("logs/***");
    assertTrue(r.isExcluded("logs", true));
    assertFalse(r.isExcluded("logs", false), "a file named logs is not the directory");
    assertTrue(r.isExcluded("logs/x/y", false));
  }

  @Test
  void firstMatchingRuleWinsSoAnEarlierIncludeOverridesALaterExclude() {
    FilterRules r = FilterRules.builder().include("keep.log").exclude("*.log").build();
    assertFalse(r.isExcluded("keep.log", false));
    assertTrue(r.isExcluded("drop.log", false));
  }

  @Test
  void classesQuestionMarksAndEscapes() {
    assertTrue(ex("[ab]?.c").isExcluded("ax.c", false));
    assertFalse(ex("[!ab]?.c").isExcluded("ax.c", false));
    assertTrue(ex("\\*").isExcluded("*", false));
    assertFalse(ex("\\*").isExcluded("x", false));
    assertTrue(ex("[]]").isExcluded("]", false));
    assertTrue(
        ex("a.(b)+{c}$^|").isExcluded("a.(b)+{c}$^|", false), "regex metacharacters are literal");
  }

  @Test
  void plusAndMinusPrefixesChooseTheKindAsInRsync() {
    FilterRules r = FilterRules.builder().exclude("+ keep").exclude("- *").build();
    assertEquals(List.of("+ keep", "- *"), r.describe());
    assertFalse(r.isExcluded("keep", false));
  }

  @Test
  void rulesFromAFileSkipCommentsAndBlankLines() throws IOException {
    FilterRules r =
        FilterRules.builder()
            .addFrom(new StringReader("# comment\n; also\n\n*.o\n+ main.o\n"), false)
            .build();
    assertEquals(List.of("- *.o", "+ main.o"), r.describe());
  }

  @Test
  void malformedPatternsMatchNothingAsInRsyncAndEmptyOnesAreRejected() {
    // rsync's wildmatch gives up on an unclosed bracket or a trailing backslash: such a rule never
    // matches
    assertFalse(ex("[abc").isExcluded("[abc", false));
    assertFalse(ex("[abc").isExcluded("a", false));
    assertFalse(ex("x\\").isExcluded("x\\", false));
    assertThrows(IllegalArgumentException.class, () -> ex(""));
    // and they are named, so a command can warn: an exclude that matches nothing protects nothing
    FilterRules rules =
        FilterRules.builder().exclude("keep[").exclude("*.tmp").exclude("[[:ALPHA:]]*").build();
    assertEquals(2, rules.malformed().size(), rules.malformed().toString());
    assertTrue(
        rules.malformed().get(0).startsWith("'keep[': a '[' with no ']'"),
        rules.malformed().toString());
    assertEquals(List.of(), ex("*.tmp").malformed());
  }

  @Test
  void namesThatAreNotUtf8MatchByteForByte() {
    String raw =
        new String(
            new byte[] {'b', (byte) 0xff, '.', 't'}, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(ex("b?.t").isExcluded(raw, false));
    assertTrue(ex("*.t").isExcluded(raw, false));
  }
}
