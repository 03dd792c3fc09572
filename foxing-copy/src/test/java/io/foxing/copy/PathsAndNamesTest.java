// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source/target rules like cp and rsync, names that are not text, and trees deeper than PATH_MAX.
 */
class PathsAndNamesTest {
  @TempDir Path tmp;

  private CopyReport copy(Path target, String... sources) throws IOException {
    return SmartCopier.to(target.toString(), CopyOptions.archive())
        .copy(List.of(sources), CopyListener.NONE);
  }

  private Path dir(String name, String... files) throws IOException {
    Path d = tmp.resolve(name);
    Files.createDirectories(d);
    for (String f : files) {
      Files.writeString(d.resolve(f), f);
    }
    return d;
  }

  @Test
  void trailingSlashCopiesContents() throws IOException {
    Path a = dir("a", "x");
    copy(tmp.resolve("out"), a + "/");
    assertTrue(Files.exists(tmp.resolve("out/x")));
  }

  @Test
  void directoryIntoExistingDirectoryKeepsItsName() throws IOException {
    Path a = dir("a", "x");
    Path out = dir("out");
    copy(out, a.toString());
    assertTrue(Files.exists(out.resolve("a/x")));
  }

  @Test
  void singleDirectoryToNewPathBecomesThatPathLikeCp() throws IOException {
    Path a = dir("a", "x");
    copy(tmp.resolve("copy"), a.toString());
    assertTrue(Files.exists(tmp.resolve("copy/x")));
  }

  @Test
  void severalSourcesGoIntoACreatedDirectory() throws IOException {
    Path a = dir("a", "x");
    Path b = dir("b", "y");
    Path f = tmp.resolve("file");
    Files.writeString(f, "f");
    CopyReport r = copy(tmp.resolve("out"), a.toString(), b.toString(), f.toString());
    assertEquals(List.of(), r.failures());
    assertTrue(Files.exists(tmp.resolve("out/a/x")));
    assertTrue(Files.exists(tmp.resolve("out/b/y")));
    assertEquals("f", Files.readString(tmp.resolve("out/file")));
  }

  @Test
  void aSourceGivenTwiceIsCopiedOnce() throws IOException {
    Path a = dir("a", "x");
    List<String> changes = new java.util.ArrayList<>();
    // a dry run shows it best: nothing is made, so a second copy of the same source would itemize
    // again
    CopyReport r =
        SmartCopier.to(tmp.resolve("out").toString(), CopyOptions.builder().dryRun(true).build())
            .copy(
                List.of(a.toString(), a + "/../a", a.toString()),
                new io.foxing.api.CopyListener() {
                  @Override
                  public void changed(io.foxing.api.Change c) {
                    changes.add(c.itemizeLine());
                  }
                });
    assertEquals(List.of(), r.failures());
    assertEquals(1, r.filesCopied());
    assertEquals(1, changes.stream().filter(l -> l.endsWith("a/x")).count(), changes.toString());
  }

  @Test
  void fileToNewNameAndIntoDirectory() throws IOException {
    Path f = tmp.resolve("file");
    Files.writeString(f, "f");
    copy(tmp.resolve("renamed"), f.toString());
    assertEquals("f", Files.readString(tmp.resolve("renamed")));
    Path out = dir("out");
    copy(out, f.toString());
    assertEquals("f", Files.readString(out.resolve("file")));
  }

  @Test
  void missingSourceIsReportedAndTheOthersAreCopied() throws IOException {
    Path a = dir("a", "x");
    CopyReport r = copy(tmp.resolve("out"), a.toString(), tmp.resolve("nope").toString());
    assertEquals(CopyReport.Status.PARTIAL, r.status());
    assertEquals(1, r.failures().size());
    assertTrue(r.failures().get(0).reason().contains("no such file"), r.failures().toString());
    assertTrue(Files.exists(tmp.resolve("out/a/x")));
  }

  @Test
  void theNamedTargetIsNeverDeletedToChangeItsType() throws IOException {
    Path a = dir("a", "x");
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "keep me");
    CopyReport r = copy(file, a + "/");
    assertEquals(CopyReport.Status.FAILED, r.status());
    assertTrue(
        r.failures().get(0).reason().contains("cannot overwrite non-directory with a directory"),
        r.failures().toString());
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void copyingADirectoryIntoItselfIsRefused() throws IOException {
    Path a = dir("a", "x");
    CopyReport r = copy(a.resolve("inside"), a.toString());
    assertEquals(CopyReport.Status.FAILED, r.status());
    assertTrue(
        r.failures().get(0).reason().contains("cannot copy a directory into itself"),
        r.failures().toString());
    assertEquals(
        List.of("x"), Shell.run("ls", a.toString()).stdout().lines().toList(), "nothing created");
  }

  @Test
  void namesThatAreNotUtf8OrContainNewlinesSurvive() throws IOException {
    Path src = dir("src");
    Shell.bash(
            "cd \"$1\" && echo 1 > $'bad\\xff\\xfe' && echo 2 > $'new\\nline' && mkdir $'d\\x01ir' && echo 3 > $'d\\x01ir/\\xc3\\x28'",
            src.toString())
        .check();
    CopyReport r = copy(tmp.resolve("dst"), src + "/");
    assertEquals(List.of(), r.failures());
    assertEquals(
        5, r.filesCopied() + r.directories(), "3 files, 2 directories (the target and d\\x01ir)");
    Oracles.assertFaithful(src, tmp.resolve("dst"));
  }

  @Test
  void treesDeeperThanPathMaxAreCopied() throws IOException {
    Path src = dir("deep-src");
    // 40 levels of 200-byte names: ~8 KiB of path, twice PATH_MAX; built with cd so no tool needs
    // the full path
    String script =
        "cd \"$1\" && n=$(printf 'd%.0s' $(seq 200)) && for i in $(seq 40); do mkdir $n && cd $n; done && echo bottom > file && chmod 640 file";
    Shell.bash(script, src.toString()).check();
    try {
      copyDeepTree(src);
    } finally {
      // JUnit's cleanup walks by path and cannot go below PATH_MAX; rm(1) works with descriptors
      Shell.run("rm", "-rf", src.toString(), tmp.resolve("deep-dst").toString()).check();
    }
  }

  private void copyDeepTree(Path src) throws IOException {
    CopyReport r = copy(tmp.resolve("deep-dst"), src + "/");
    assertEquals(List.of(), r.failures());
    assertEquals(41, r.directories(), "the target and 40 levels");
    // each level's mode, mtime and owner, then the file at the bottom, listed by walking down with
    // relative cds
    String levels =
        "n=$(printf 'd%.0s' $(seq 200)); cd \"$1\" && for i in $(seq 40); do stat -c '%a %Y %U' $n; cd $n; done"
            + " && stat -c '%a %Y %s' file && cat file";
    String expected = Shell.bash(levels, src.toString()).check().stdout();
    assertEquals(42, expected.lines().count());
    assertEquals(expected, Shell.bash(levels, tmp.resolve("deep-dst").toString()).check().stdout());
  }
}
