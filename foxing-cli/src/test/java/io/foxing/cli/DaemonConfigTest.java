// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * foxingd's configuration file: checked key by key with line numbers, explained, and run by foxingd
 * daemon.
 */
class DaemonConfigTest {
  @TempDir Path tmp;

  private Path write(String toml) throws Exception {
    Path f = tmp.resolve("foxingd.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void aGoodFileChecksOk() throws Exception {
    Path f =
        write(
            """
        worker_count = 2
        settle_ms = 5
        [[sources]]
        path = "/srv/data"
        exclude = ["*.tmp"]
          [[sources.targets]]
          path = "/backup/data"
          [[sources.targets]]
          path = "nfs://filer/export/data"
        """);
    FoxingdCommandTest.Run r = FoxingdCommandTest.run("check", "--config", f.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(f + ": ok, 1 source(s), 2 target(s)", r.out().strip());
  }

  @Test
  void metricsAndTheControlSocketAreOnByDefaultAndCanBeMovedOrSwitchedOff() throws Exception {
    String source = "[[sources]]\npath = \"/srv\"\n  [[sources.targets]]\n  path = \"/b\"\n";
    DaemonConfig byDefault = DaemonConfig.parse(source, tmp.resolve("a.toml"));
    assertEquals("127.0.0.1:9100", byDefault.metrics());
    assertEquals(ControlSocket.defaultPath(), byDefault.controlSocket());
    DaemonConfig off =
        DaemonConfig.parse(
            "metrics = \"off\"\ncontrol_socket = \"off\"\n" + source, tmp.resolve("b.toml"));
    assertEquals(null, off.metrics());
    assertEquals(null, off.controlSocket());
    DaemonConfig moved =
        DaemonConfig.parse(
            "metrics = \"[::1]:9200\"\ncontrol_socket = \"/tmp/c.sock\"\n" + source,
            tmp.resolve("c.toml"));
    assertEquals("[::1]:9200", moved.metrics());
    assertEquals("::1", DaemonConfig.metricsAddress(moved.metrics()).getHostString());
    assertEquals(Path.of("/tmp/c.sock"), moved.controlSocket());
    Path f = write("settle_ms = 1\nmetrics = \"localhost\"\n" + source);
    FoxingdCommandTest.Run r = FoxingdCommandTest.run("check", "--config", f.toString());
    assertEquals(2, r.exit());
    assertEquals(
        f
            + ":2: metrics \"localhost\" is not HOST:PORT (e.g. 127.0.0.1:9100, [::1]:9100, 0.0.0.0:9100)",
        r.err().strip());
    assertEquals(
        io.foxing.copy.internal.StorageStack.Profile.AUTO, byDefault.sources().get(0).profile());
    Path g =
        write(
            "governor = \"no\"\n[[sources]]\npath = \"/srv\"\nprofile = \"Floppy\"\n  [[sources.targets]]\n  path = \"/b\"\n");
    FoxingdCommandTest.Run bad = FoxingdCommandTest.run("check", "--config", g.toString());
    assertEquals(
        List.of(
            g + ":1: governor must be true or false, got \"no\"",
            g
                + ":4: profile \"Floppy\" is not a profile; one of NVMe, SSD, HDD, Network, NFS, SdCard, Auto"),
        bad.err().strip().lines().toList());
  }

  @Test
  void eachProblemIsOneLineWithItsLineNumber() throws Exception {
    Path f =
        write(
            """
        worker_cuont = 2
        queue_max = "big"
        [[sources]]
        path = "/srv/data"
        """);
    FoxingdCommandTest.Run r = FoxingdCommandTest.run("check", "--config", f.toString());
    assertEquals(2, r.exit());
    List<String> lines = r.err().strip().lines().toList();
    assertEquals(3, lines.size(), r.err());
    assertTrue(
        lines.get(0).startsWith(f + ":1: unknown key worker_cuont; known: worker_count,"), r.err());
    assertTrue(lines.get(1).startsWith(f + ":2: queue_max must be a whole number"), r.err());
    assertTrue(
        lines.get(2).startsWith(f + ":4: source /srv/data has no [[sources.targets]]"), r.err());
    FoxingdCommandTest.Run broken =
        FoxingdCommandTest.run("check", "--config", write("[[sources]\npath = 1\n").toString());
    assertEquals(2, broken.exit());
    assertEquals(1, broken.err().strip().lines().count(), broken.err());
    assertTrue(broken.err().contains("not valid TOML"), broken.err());
    FoxingdCommandTest.Run missing =
        FoxingdCommandTest.run("check", "--config", tmp.resolve("nope.toml").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope.toml: no such file"), missing.err());
  }

  @Test
  void explainListsEveryKeyWithItsDefault() {
    FoxingdCommandTest.Run r = FoxingdCommandTest.run("explain");
    assertEquals(0, r.exit());
    for (String[] k : DaemonConfig.KEYS) {
      assertTrue(r.out().contains(k[1] + "  (default: " + k[2] + ")"), k[1] + " in " + r.out());
    }
  }

  @FuzzTest(maxDuration = "60s")
  void anyFileParsesOrIsRejectedWithLines(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    try {
      DaemonConfig c = DaemonConfig.parse(text, Path.of("f.toml"));
      if (c.sources().isEmpty()) {
        throw new AssertionError("accepted a configuration without sources: " + text);
      }
    } catch (DaemonConfig.Invalid expected) {
      for (String p : expected.problems) {
        if (!p.startsWith("f.toml") || p.contains("\n")) {
          throw new AssertionError("a problem that is not one line naming the file: " + p);
        }
      }
    }
  }

  /** The daemon mirrors two sources to their targets, and SIGTERM ends it with exit 0. */
  @Test
  void theDaemonMirrorsEverySourceUntilSigterm() throws Exception {
    Prerequisites.requireCommand("rsync");
    Path a = Files.createDirectories(tmp.resolve("a")).toRealPath();
    Path b = Files.createDirectories(tmp.resolve("b")).toRealPath();
    Files.writeString(a.resolve("before"), "1");
    Path f =
        write(
            """
        event_source = "inotify"
        journal_dir = "%s"
        metrics = "off"
        control_socket = "off"
        [[sources]]
        path = "%s"
          [[sources.targets]]
          path = "%s"
          [[sources.targets]]
          path = "%s"
        [[sources]]
        path = "%s"
          [[sources.targets]]
          path = "%s"
        """
                .formatted(
                    tmp.resolve("journal"),
                    a,
                    tmp.resolve("a1"),
                    tmp.resolve("a2"),
                    b,
                    tmp.resolve("b1")));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path err = tmp.resolve("daemon.err");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Foxingd.class.getName(),
                "daemon",
                "--config",
                f.toString())
            .redirectOutput(File.createTempFile("daemon", ".out", tmp.toFile()))
            .redirectError(err.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(err).lines().anyMatch("ready"::equals)) {
        assertTrue(p.isAlive() && System.nanoTime() < deadline, Files.readString(err));
        Thread.sleep(50);
      }
      Shell.bash(
              "set -e; echo 2 > \"$1/after\"; mkdir \"$2/d\"; echo 3 > \"$2/d/f\"",
              a.toString(),
              b.toString())
          .check();
      for (Path[] pair :
          new Path[][] {{a, tmp.resolve("a1")}, {a, tmp.resolve("a2")}, {b, tmp.resolve("b1")}}) {
        java.util.concurrent.atomic.AtomicLong took = new java.util.concurrent.atomic.AtomicLong();
        assertEquals(
            List.of(), MirrorStormTest.converge(pair[0], pair[1], took), pair[1].toString());
      }
    } finally {
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(0, p.exitValue(), Files.readString(err));
  }
}
