// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code foxingd events} as a user runs it: what another process does shows up, bad input is one
 * line, no privileges fall back.
 */
class FoxingdCommandTest {
  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  /**
   * Thread-safe enough for a test: the command writes, the test reads after joining or while
   * polling for "ready".
   */
  static final class Sink extends StringWriter {
    @Override
    public synchronized String toString() {
      return super.toString();
    }

    @Override
    public synchronized void write(String s, int off, int len) {
      super.write(s, off, len);
    }

    @Override
    public synchronized void write(int c) {
      super.write(c);
    }
  }

  @Test
  void eventsPrintsWhatAnotherProcessDoesAsJson() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("w")).toRealPath();
    Sink out = new Sink();
    Sink err = new Sink();
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                Foxingd.run(
                    new String[] {"events", root.toString(), "--json", "--count", "2"},
                    new PrintWriter(out, true),
                    new PrintWriter(err, true)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!err.toString().contains("ready") && !run.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(err.toString().contains("ready"), err.toString());
    Shell.bash("cd \"$1\" && mkdir d && echo x > d/f", root.toString()).check();
    assertEquals(0, run.get(30, TimeUnit.SECONDS), err.toString());
    List<String> lines = out.toString().strip().lines().toList();
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    JsonNode second = json.readTree(lines.get(1));
    assertEquals("DIRECTORY_CREATED", first.get("kind").asText(), out.toString());
    assertEquals(root.resolve("d").toString(), first.get("path").asText());
    assertEquals("CREATED", second.get("kind").asText(), out.toString());
    assertEquals(root.resolve("d/f").toString(), second.get("path").asText());
    assertTrue(first.get("seq").asLong() < second.get("seq").asLong());
    assertTrue(err.toString().contains("foxingd: watching " + root + " with "), err.toString());
    assertTrue(err.toString().contains("foxingd: 2 events, 0 lost"), err.toString());
  }

  @Test
  void versionNamesFoxingd() {
    Run v = run("--version");
    assertEquals(0, v.exit());
    assertTrue(v.out().startsWith("foxingd 0."), v.out());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    Run missing = run("events", tmp.resolve("nope").toString());
    assertEquals(2, missing.exit());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    assertTrue(
        missing.err().contains(tmp.resolve("nope").toString())
            && missing.err().contains("no such directory"),
        missing.err());
    Run unknown = run("events", tmp.toString(), "--source", "dtrace");
    assertEquals(2, unknown.exit());
    assertTrue(
        unknown.err().contains("no event source named dtrace (known: bpf, fanotify, inotify)"),
        unknown.err());
    Run buffer = run("events", tmp.toString(), "--buffer", "1000");
    assertEquals(2, buffer.exit());
    assertTrue(buffer.err().contains("power of two"), buffer.err());
  }

  @Test
  void withoutCapabilitiesItSaysWhyAndFallsBackToInotify() throws Exception {
    Prerequisites.requireRoot("drops its capabilities with setpriv to act as an unprivileged user");
    Prerequisites.requireCommand("setpriv");
    Path root = Files.createDirectories(tmp.resolve("w")).toRealPath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    Shell.Result r =
        Shell.bash(
                """
        setpriv --bounding-set=-all --inh-caps=-all "$1" -cp "$2" io.foxing.cli.Foxingd events "$3" --count 1 2>"$3.err" &
        pid=$!
        for i in $(seq 1 300); do grep -q ready "$3.err" 2>/dev/null && break; sleep 0.05; done
        touch "$3/f"; wait $pid; echo "exit $?"; cat "$3.err" >&2
        """,
                java,
                cp,
                root.toString())
            .check();
    assertTrue(r.stdout().contains("CREATED " + root.resolve("f")), r.stdout() + r.stderr());
    assertTrue(r.stdout().contains("exit 0"), r.stdout() + r.stderr());
    assertTrue(
        r.stderr().contains("with inotify (bpf unavailable: loading BPF programs needs root"),
        r.stderr());
    assertTrue(
        r.stderr().contains("fanotify unavailable: fanotify filesystem marks need root"),
        r.stderr());

    Shell.Result asked =
        Shell.run(
            "setpriv",
            "--bounding-set=-all",
            "--inh-caps=-all",
            java,
            "-cp",
            cp,
            "io.foxing.cli.Foxingd",
            "events",
            root.toString(),
            "--source",
            "bpf");
    assertEquals(2, asked.exitCode());
    assertEquals(
        "foxingd: event source bpf is not available: loading BPF programs needs root (CAP_BPF and CAP_PERFMON);"
            + " run as root or use --source inotify",
        asked.stderr().strip());
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Foxingd.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }
}
