// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foxing.api.Change;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.FilterRules;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded property test with rsync as the oracle: for random trees and random include/exclude lists,
 * fxcp transfers exactly the paths {@code rsync -an} would.
 */
class FilterOracleTest {
  private static final String[] NAMES = {
    "a", "b", "c.log", "d.txt", "tmp", "x1", "ab", "keep.log", "[x]", "sp ace"
  };
  private static final String[] PATTERNS = {
    "*.log",
    "/a",
    "b/",
    "a/**/c.log",
    "**/x*",
    "tmp/***",
    "[ab]*",
    "?.txt",
    "/b/tmp",
    "keep.log",
    "*",
    "a/*",
    "**/ab/",
    "d.*",
    "\\[x]",
    "sp ace",
    "a/b/",
    "/*.txt",
    "**",
    "x?",
    "**/a/c.log",
    "/**/x1",
    "*/tmp/"
  };

  @TempDir Path tmp;

  static java.util.stream.LongStream seeds() {
    return java.util.stream.LongStream.rangeClosed(1, 120);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void transfersExactlyWhatRsyncTransfers(long seed) throws IOException {
    Prerequisites.requireCommand("rsync");
    Random rnd = new Random(seed);
    Path src = tmp.resolve("src");
    build(src, rnd, 3);
    List<String> args = new ArrayList<>();
    FilterRules.Builder rules = FilterRules.builder();
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      String p = PATTERNS[rnd.nextInt(PATTERNS.length)];
      if (rnd.nextInt(3) == 0) {
        rules.include(p);
        args.add("--include=" + p);
      } else {
        rules.exclude(p);
        args.add("--exclude=" + p);
      }
    }
    List<String> cmd = new ArrayList<>(List.of("rsync", "-an", "--out-format=%n"));
    cmd.addAll(args);
    cmd.add(src + "/");
    cmd.add(tmp.resolve("rsync-dst") + "/");
    Set<String> expected =
        new TreeSet<>(Shell.run(cmd.toArray(new String[0])).check().stdout().lines().toList());

    Set<String> actual = new ConcurrentSkipListSet<>();
    SmartCopier.to(
            tmp.resolve("fxcp-dst").toString(),
            CopyOptions.builder().dryRun(true).filters(rules.build()).build())
        .copy(
            List.of(src + "/"),
            new CopyListener() {
              @Override
              public void changed(Change change) {
                actual.add(change.path());
              }
            });
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    assertEquals(
        expected,
        new TreeSet<>(actual),
        "rules " + args + ": fxcp lacks " + missing + ", fxcp adds " + extra);
  }

  private static void build(Path dir, Random rnd, int depth) throws IOException {
    Files.createDirectories(dir);
    for (String name : NAMES) {
      int pick = rnd.nextInt(4);
      if (pick == 0 && depth > 0) {
        build(dir.resolve(name), rnd, depth - 1);
      } else if (pick == 1) {
        Files.writeString(dir.resolve(name), name);
      }
    }
  }
}
