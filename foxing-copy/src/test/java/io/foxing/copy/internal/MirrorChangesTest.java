// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.FilterRules;
import io.foxing.api.events.FileEvent;
import io.foxing.api.events.FileEvent.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How events become the entries a mirror brings in line: pure, in milliseconds, no kernel and no
 * root.
 */
class MirrorChangesTest {
  private static final Path ROOT = Path.of("/src");
  private long seq;

  private FileEvent event(Kind kind, String path, String from) {
    return new FileEvent(
        ++seq, 0, kind, ROOT.resolve(path), from == null ? null : ROOT.resolve(from), 0, null);
  }

  private static List<String> paths(MirrorChanges c) {
    return c.levels().stream()
        .flatMap(List::stream)
        .map(MirrorChanges.Entry::path)
        .sorted()
        .toList();
  }

  @Test
  void aRenameChainIsOneRenameFromTheFirstNameToTheLast() {
    MirrorChanges c = new MirrorChanges(ROOT, FilterRules.NONE);
    c.add(event(Kind.RENAMED, "b", "a"));
    c.add(event(Kind.RENAMED, "c", "b"));
    c.add(event(Kind.RENAMED, "d/e", "c"));
    assertEquals(Map.of("d/e", "a"), c.renames());
    assertEquals(
        List.of("a", "b", "c", "d/e"),
        paths(c),
        "every name is compared: the old ones go, the last one comes");
  }

  @Test
  void manyWritesAreOneEntryAndTheirDirectoriesGetTheirTimes() {
    MirrorChanges c = new MirrorChanges(ROOT, FilterRules.NONE);
    for (int i = 0; i < 1000; i++) {
      c.add(event(Kind.MODIFIED, "x/log", null));
    }
    c.add(event(Kind.CREATED, "x/y/tmp", null));
    c.add(event(Kind.DELETED, "x/y/tmp", null));
    assertEquals(List.of("x/log", "x/y/tmp"), paths(c));
    assertEquals(List.of("x/y", "x"), c.directories(), "deepest first");
    assertEquals(1002, c.events());
  }

  @Test
  void lostEventsAndARescanOfTheRootCompareEverything() {
    MirrorChanges c = new MirrorChanges(ROOT, FilterRules.NONE);
    c.add(new FileEvent(1, 0, Kind.OVERFLOW, ROOT, null, 0, "12 lost"));
    assertNotNull(c.everythingWhy());
    MirrorChanges taken = c.take();
    assertNotNull(taken.everythingWhy());
    assertEquals(null, c.everythingWhy(), "taking empties it");
    assertTrue(c.isEmpty());
    c.add(new FileEvent(2, 0, Kind.RESCAN, ROOT, null, 0, "gone"));
    assertNotNull(c.everythingWhy());
  }

  @Test
  void entriesBelowAnExcludedDirectoryAndOutsideTheRootAreLeftAlone() {
    MirrorChanges c = new MirrorChanges(ROOT, FilterRules.builder().exclude("cache/").build());
    c.add(event(Kind.CREATED, "cache/deep/f", null));
    c.add(new FileEvent(9, 0, Kind.CREATED, Path.of("/elsewhere/f"), null, 0, null));
    c.add(
        event(Kind.CREATED, "cache", null)); // a file named cache: the engine judges it by its kind
    assertEquals(List.of("cache"), paths(c));
  }

  @Test
  void levelsAreByDepthShallowestFirst() {
    MirrorChanges c = new MirrorChanges(ROOT, FilterRules.NONE);
    c.add(event(Kind.CREATED, "a/b/c", null));
    c.add(event(Kind.DIRECTORY_CREATED, "a", null));
    c.add(event(Kind.CREATED, "z", null));
    List<List<MirrorChanges.Entry>> levels = c.levels();
    assertEquals(
        List.of("a", "z"), levels.get(0).stream().map(MirrorChanges.Entry::path).sorted().toList());
    assertTrue(
        levels.get(0).stream().filter(e -> e.path().equals("a")).findFirst().orElseThrow().walk(),
        "a new directory is walked");
    assertEquals(List.of("a/b/c"), levels.get(1).stream().map(MirrorChanges.Entry::path).toList());
  }
}
