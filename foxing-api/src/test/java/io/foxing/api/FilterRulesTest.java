// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
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

  private static FilterRules filters(Map<String, String> files, String... rules)
      throws IOException {
    FilterRules.Builder b = FilterRules.builder();
    for (String r : rules) {
      b.filter(r, opener(files, ""));
    }
    return b.build();
  }

  /** Files by path; a directory's per-directory files are under "DIR/NAME". */
  private static FilterRules.RuleFiles opener(Map<String, String> files, String dir) {
    return name -> {
      String text = files.get(dir.isEmpty() ? name : dir + "/" + name);
      return text == null ? null : new StringReader(text);
    };
  }

  @Test
  void hideAndShowActOnTheSendingSideProtectAndRiskOnTheReceivingSide() throws IOException {
    FilterRules r = filters(Map.of(), "P /keep", "H *.o", "R *.log", "S main.o", "- *.log");
    assertTrue(r.isExcluded("x.o", false));
    assertFalse(r.isProtected("x.o", false, false), "hidden only: --delete removes it");
    assertFalse(r.isExcluded("keep", false), "protected only: still copied");
    assertTrue(r.isProtected("keep", false, false));
    assertTrue(r.isExcluded("a.log", false));
    assertFalse(r.isProtected("a.log", false, false), "R comes first on the receiving side");
    assertFalse(filters(Map.of(), "H main.o", "S main.o").isProtected("main.o", false, false));
    // the long names, a comma before modifiers, an underscore for the space
    FilterRules same =
        filters(Map.of(), "protect /keep", "include,s y", "hide,! *.c", "exclude_x", "- y");
    assertTrue(same.isProtected("keep", false, false));
    assertTrue(same.isExcluded("a.o", false), "hide,! hides what is not *.c");
    assertFalse(same.isExcluded("a.c", false));
    assertTrue(same.isExcluded("x", false));
    assertFalse(same.isExcluded("y", false));
    assertTrue(same.isProtected("y", false, false), "the include was sending-side only");
  }

  @Test
  void deleteExcludedMakesPlainRulesSendingSideOnlyButProtectStillProtects() throws IOException {
    FilterRules r = filters(Map.of(), "- *.tmp", "P *.keep", "-r *.bak");
    assertTrue(r.isProtected("a.tmp", false, false));
    assertFalse(r.isProtected("a.tmp", false, true));
    assertTrue(r.isProtected("a.keep", false, true));
    assertTrue(r.isProtected("a.bak", false, true), "an explicit side stays");
    assertFalse(r.isExcluded("a.bak", false));
  }

  @Test
  void clearDropsTheRulesBeforeIt() throws IOException {
    FilterRules r = filters(Map.of(), "- *.o", "!", "- *.a");
    assertFalse(r.isExcluded("x.o", false));
    assertTrue(r.isExcluded("x.a", false));
    assertEquals(List.of("- *.a"), r.describe());
  }

  @Test
  void mergeReadsAFileOfRulesNowAndItsModifiersApplyToEveryLine() throws IOException {
    Map<String, String> files =
        Map.of("rules", "# comment\n+ keep.o\n- *.o\n\nP /p\n", "names", "a\nb\n");
    FilterRules r = filters(files, "merge rules", ".- names", "merge,e rules");
    assertFalse(r.isExcluded("keep.o", false));
    assertTrue(r.isExcluded("x.o", false));
    assertTrue(r.isProtected("p", false, false));
    assertTrue(r.isExcluded("a", false));
    assertTrue(r.isExcluded("rules", false), "e: the rule file itself is excluded");
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> filters(files, ". nothere"));
    assertTrue(missing.getMessage().contains("nothere does not exist"), missing.getMessage());
    IllegalArgumentException loop =
        assertThrows(
            IllegalArgumentException.class, () -> filters(Map.of("self", ". self"), ". self"));
    assertTrue(loop.getMessage().contains("loop"), loop.getMessage());
  }

  @Test
  void dirMergeFilesAddRulesPerDirectoryAheadOfInheritedOnesAnchoredAtTheirDirectory()
      throws IOException {
    Map<String, String> files =
        Map.of(
            ".f", "- *.o\n- /top\n",
            "a/.f", "+ keep.o\n- /x\n",
            "a/b/.f", "!\n- *.c\n");
    FilterRules root = filters(files, ":e .f", "- *.tmp");
    assertTrue(root.hasPerDirectoryFiles());
    assertFalse(root.isExcluded("x.o", false), "nothing read yet");
    FilterRules inRoot = root.inDirectory("", opener(files, ""));
    assertTrue(inRoot.isExcluded("x.o", false));
    assertTrue(inRoot.isExcluded("top", true));
    assertTrue(inRoot.isExcluded(".f", false), "e: the file is excluded");
    FilterRules inA = inRoot.inDirectory("a", opener(files, "a"));
    assertFalse(inA.isExcluded("a/keep.o", false), "the deeper file's rules come first");
    assertTrue(inA.isExcluded("a/other.o", false), "inherited");
    assertTrue(inA.isExcluded("a/x", false), "anchored at a/");
    assertFalse(inA.isExcluded("a/top", false), "the root's anchored rule stays at the root");
    assertTrue(inA.isExcluded("a/t.tmp", false), "the rules after the dir-merge still apply");
    FilterRules inB = inA.inDirectory("a/b", opener(files, "a/b"));
    assertFalse(inB.isExcluded("a/b/x.o", false), "cleared: nothing inherited");
    assertTrue(inB.isExcluded("a/b/y.c", false));
    assertTrue(inB.isExcluded("a/b/t.tmp", false));
    FilterRules inC = inA.inDirectory("a/c", opener(files, "a/c"));
    assertSame(inA, inC, "no file there: the same rules");
    // n: a directory's rules are not inherited
    FilterRules n = filters(files, ":n .f").inDirectory("", opener(files, ""));
    assertTrue(n.isExcluded("x.o", false));
    assertFalse(n.inDirectory("z", opener(files, "z")).isExcluded("z/x.o", false));
    // -F's form, and a file whose every line is an exclude
    FilterRules minus =
        filters(Map.of("l", "*.x\n"), "dir-merge,- /l")
            .inDirectory("", opener(Map.of("l", "*.x\n"), ""));
    assertTrue(minus.isExcluded("q.x", false));
  }

  @Test
  void badRulesAreOneLineNamingTheRuleOrTheFile() throws IOException {
    for (String bad : List.of("x *.o", "-/ abs", "-p perish", "-C", "!x", "+", ":w .f", ": a/b")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> filters(Map.of(), bad), bad);
      assertTrue(e.getMessage().startsWith("filter rule '" + bad + "'"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    FilterRules per = filters(Map.of(), ": .f");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> per.inDirectory("d", opener(Map.of("d/.f", "? what"), "d")));
    assertTrue(e.getMessage().startsWith("d/.f: filter rule '? what'"), e.getMessage());
  }
}
