// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fxcp as a user meets it: arguments, output formats, exit codes. Runs the command in-process. */
class FxcpCommandTest {
  @TempDir Path tmp;
  Path src;

  record Run(int exit, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }
  }

  static Run fxcp(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fxcp.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void tree() throws IOException {
    src = tmp.resolve("src");
    Files.createDirectories(src.resolve("dir/sub"));
    Files.writeString(src.resolve("a.txt"), "a");
    Files.writeString(src.resolve("dir/b.log"), "b");
    Files.writeString(src.resolve("dir/sub/c"), "c");
    Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
  }

  @Test
  void versionIsOneLineWithoutWarnings() {
    Run r = fxcp("--version");
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("fxcp 0."), r.out());
    assertEquals(1, r.out().lines().count());
    assertEquals("", r.err());
    // the short way (no option model) says what picocli's --version says among other options
    Run parsed = fxcp("-a", "--version");
    assertEquals(0, parsed.exit());
    assertEquals(parsed.out(), r.out());
    assertEquals(r.out(), fxcp("-V").out());
  }

  @Test
  void helpExplainsTheSlashRuleAndExitCodes() {
    Run r = fxcp("--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("SRC/   (trailing slash)"), r.out());
    assertTrue(r.out().contains("2  nothing done"), r.out());
  }

  @Test
  void usageErrorsAreOneLineAndExitTwo() {
    for (String[] args :
        List.of(
            new String[] {"-a"},
            new String[] {"--bogus", "a", "b"},
            new String[] {"--copy-method", "teleport", "a", "b"},
            new String[] {
              "--threads", "0", "a", "b"
            })) { // a malformed --exclude is a warning now, as rsync matches it to nothing
      Run r = fxcp(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.errLines().size(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("fxcp: "), r.err());
    }
    assertTrue(
        fxcp("--copy-method", "teleport", "a", "b")
            .err()
            .contains("auto, reflink, cfr, sendfile, rw"));
  }

  @Test
  void aUriTargetWithoutAProviderIsOneClearLine() {
    Run r = fxcp("-a", src + "/", "s3://bucket/dir");
    assertEquals(2, r.exit());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("no provider for s3:// targets"), r.err());
  }

  @Test
  void anNfsServerThatIsNotThereIsOneClearLine() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r = fxcp("-a", src + "/", "nfs://127.0.0.1:" + port + "/export/dir");
    assertEquals(2, r.exit());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("cannot connect to NFS server 127.0.0.1:" + port), r.err());
  }

  @Test
  void filterOptionsApplyInTheOrderGivenSoAnEarlierIncludeWins() throws IOException {
    Files.writeString(src.resolve("dir/keep.log"), "k");
    Path list = tmp.resolve("excludes.txt");
    Files.writeString(list, "# logs\n*.log\n");
    Run r =
        fxcp(
            "-a",
            "--include",
            "keep.log",
            "--exclude-from",
            list.toString(),
            "-e",
            "sub/",
            src + "/",
            tmp.resolve("d").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.exists(tmp.resolve("d/dir/keep.log")));
    assertFalse(Files.exists(tmp.resolve("d/dir/b.log")));
    assertFalse(Files.exists(tmp.resolve("d/dir/sub")));
    assertTrue(Files.exists(tmp.resolve("d/a.txt")));
  }

  @Test
  void missingFilterFileNamesThePath() {
    Run r =
        fxcp(
            "-a",
            "--exclude-from",
            tmp.resolve("nope.txt").toString(),
            src + "/",
            tmp.resolve("d").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("nope.txt") && r.err().contains("does not exist"), r.err());
    assertFalse(Files.exists(tmp.resolve("d")), "nothing touched");
  }

  @Test
  void jsonReportIsOneDocumentWithTheCounts() throws IOException {
    Run r = fxcp("-a", "--json", src + "/", tmp.resolve("d").toString());
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("report", j.get("type").asText());
    assertEquals("success", j.get("status").asText());
    assertEquals(3, j.get("files_copied").asLong());
    assertEquals(1, j.get("symlinks").asLong());
    assertEquals(0, j.get("failures").size());
    assertTrue(j.get("files_by_tier").size() > 0);
  }

  @Test
  void jsonProgressIsJsonLinesEndingWithTheReport() throws IOException {
    Run r = fxcp("-a", "--json", "--progress", src + "/", tmp.resolve("d").toString());
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    ObjectMapper m = new ObjectMapper();
    for (String line : lines.subList(0, lines.size() - 1)) {
      JsonNode p = m.readTree(line);
      assertEquals("progress", p.get("type").asText(), line);
      assertTrue(p.has("eta_seconds") && p.has("bytes_done") && p.has("files_total"), line);
    }
    assertTrue(lines.size() >= 2, "at least the final progress line and the report: " + lines);
    JsonNode last = m.readTree(lines.get(lines.size() - 1));
    assertEquals("report", last.get("type").asText());
    assertEquals(
        3,
        m.readTree(lines.get(lines.size() - 2)).get("files_done").asLong(),
        "final progress counts every file");
  }

  @Test
  void itemizedChangesMatchRsyncForTheSameCopy() {
    Prerequisites.requireCommand("rsync");
    Run r = fxcp("-ai", src + "/", tmp.resolve("fx").toString());
    assertEquals(0, r.exit(), r.err());
    String rsync = Shell.run("rsync", "-ai", src + "/", tmp.resolve("rs") + "/").check().stdout();
    assertEquals(
        new TreeSet<>(rsync.lines().filter(l -> !l.startsWith("created directory")).toList()),
        new TreeSet<>(r.out().lines().toList()));

    // and for an update: a changed file, a mode change, an extraneous file deleted. Times are set
    // seconds apart because rsync compares whole seconds and fxcp nanoseconds.
    Shell.run(
            "bash",
            "-c",
            "cd \"$1\" && echo more >> a.txt && touch -d 2002-02-02 a.txt && chmod 600 dir/b.log && touch -d 2001-01-01 dir/sub/c",
            "bash",
            src.toString())
        .check();
    for (String d : List.of("fx", "rs")) {
      Shell.run(
              "bash",
              "-c",
              "echo x > \"$1/extra\" && touch -d 2000-01-01 \"$1\"",
              "bash",
              tmp.resolve(d).toString())
          .check();
    }
    Run u = fxcp("-ai", "--delete", src + "/", tmp.resolve("fx").toString());
    String ru =
        Shell.run("rsync", "-ai", "--delete", src + "/", tmp.resolve("rs") + "/").check().stdout();
    assertEquals(new TreeSet<>(ru.lines().toList()), new TreeSet<>(u.out().lines().toList()));
  }

  @Test
  void dryRunItemizesAndTouchesNothing() {
    Run r = fxcp("-a", "-n", src + "/", tmp.resolve("d").toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains(">f+++++++++ a.txt"), r.out());
    assertFalse(Files.exists(tmp.resolve("d")));
  }

  @Test
  void someFailuresExitOneAndListEachPath() {
    Run r =
        fxcp("-a", src.toString(), tmp.resolve("missing").toString(), tmp.resolve("d").toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("failed:") && r.err().contains("missing"), r.err());
    assertTrue(Files.exists(tmp.resolve("d/src/a.txt")));
  }

  @Test
  void nothingDoneExitsTwo() {
    Run r = fxcp("-a", tmp.resolve("missing").toString(), tmp.resolve("d").toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("missing"), r.err());
  }

  @Test
  void cleanupRemovesTemporariesAndSaysHowMany() throws IOException {
    Path d = tmp.resolve("d");
    assertEquals(0, fxcp("-a", src + "/", d.toString()).exit());
    Files.writeString(d.resolve("dir/.fxcp~abcdef01~b.log"), "partial");
    Prerequisites.requireCommand("setfattr");
    Shell.run(
            "setfattr",
            "-n",
            "user.foxing.tmp",
            "-v",
            "1",
            d.resolve("dir/.fxcp~abcdef01~b.log").toString())
        .check();
    Files.writeString(
        d.resolve("dir/.fxcp~abcdef02~mine"), "a user's file with a name like ours, unmarked");
    Run r = fxcp("--cleanup", d.toString());
    assertEquals(0, r.exit());
    assertTrue(r.err().contains("removed 1 temporary"), r.err());
    assertFalse(Files.exists(d.resolve("dir/.fxcp~abcdef01~b.log")));
    assertTrue(Files.exists(d.resolve("dir/.fxcp~abcdef02~mine")));
  }

  @Test
  void xattrsTheTargetRefusesAreCountedNamedAndInTheJson() throws IOException {
    Prerequisites.requireCommand("setfattr");
    Path from = LoopFilesystems.freshDir(LoopFilesystems.Kind.TMPFS, "cli", "xattr-src");
    Shell.bash(
            "cd \"$1\" && echo x > f && setfattr -n user.color -v blue f && setfattr -n user.size -v 9 f",
            from.toString())
        .check();
    Path to = LoopFilesystems.get(LoopFilesystems.Kind.RAMFS, "cli").resolve("xattr-dst");
    Shell.run("rm", "-rf", to.toString()).check();
    Run plain = fxcp("-a", from + "/", to.toString());
    assertEquals(
        0,
        plain.exit(),
        "contents were copied; the loss is a warning, not a failure: " + plain.err());
    assertTrue(
        plain
            .err()
            .contains(
                "fxcp: warning: 2 extended attribute(s) could not be set on the target (-v names them)"),
        plain.err());
    Shell.run("rm", "-rf", to.toString()).check();
    Run verbose = fxcp("-a", "-v", from + "/", to.toString());
    assertTrue(
        verbose.err().contains("fxcp: warning: f: xattr user.color not preserved: EOPNOTSUPP"),
        verbose.err());
    Shell.run("rm", "-rf", to.toString()).check();
    JsonNode j = new ObjectMapper().readTree(fxcp("-a", "--json", from + "/", to.toString()).out());
    assertEquals(1, j.get("xattrs_not_preserved").get("user.color").asLong());
    assertEquals(1, j.get("xattrs_not_preserved").get("user.size").asLong());
  }

  @Test
  void verboseNamesEachFallbackOnceAndDebugNamesTheTierOfEachFile() {
    Path from = LoopFilesystems.freshDir(LoopFilesystems.Kind.BTRFS, "cli", "src");
    Shell.run("cp", "-a", src + "/.", from.toString()).check();
    Path to = LoopFilesystems.get(LoopFilesystems.Kind.XFS, "cli").resolve("dst");
    Shell.run("rm", "-rf", to.toString()).check();
    Run v = fxcp("-a", "-v", from + "/", to.toString());
    assertEquals(0, v.exit(), v.err());
    assertTrue(
        v.err()
            .contains(
                "fxcp: fallback reflink -> cfr: reflink not supported between these filesystems (EXDEV)"),
        v.err());
    assertEquals(
        1,
        v.err()
            .lines()
            .filter(l -> l.contains("fallback reflink -> cfr:") && l.contains("(first:"))
            .count(),
        v.err());
    Oracles.assertFaithful(from, to);
    Shell.run("rm", "-rf", to.toString()).check();
    Run d = fxcp("-a", "--debug", from + "/", to.toString());
    assertTrue(d.err().contains("fxcp: [sendfile] a.txt"), d.err());
    assertTrue(d.err().contains("fxcp: tier reflink (priority 400): available"), d.err());
  }
}
