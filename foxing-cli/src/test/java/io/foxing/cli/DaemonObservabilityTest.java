// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import io.foxing.testkit.Workload;
import java.io.File;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of a running {@code foxingd daemon}: its Prometheus endpoint scraped over
 * HTTP during a storm, {@code foxingd status --json} and {@code foxingd metrics} over its control
 * socket, and systemd's notify protocol received on a real datagram socket (python3's).
 */
class DaemonObservabilityTest {
  /** The original Foxing's metric names that apply to foxingd, as a scrape shows them. */
  private static final List<String> SEED_NAMES =
      List.of(
          "foxing_events_dropped_total",
          "foxing_worker_copy_in_flight",
          "foxing_worker_retry_queue_size",
          "foxing_events_repair_queued_total",
          "foxing_events_repair_completed_total",
          "foxing_copy_timeout_total",
          "foxing_hydration_dir_pruned_total",
          "foxing_delta_copy_attempted_total",
          "foxing_delta_bytes_saved_total",
          "foxing_governor_stressed");

  private static final List<String> OURS =
      List.of(
          "foxing_change_latency_seconds_bucket",
          "foxing_target_lag_seconds",
          "foxing_target_state",
          "foxing_journal_entries",
          "foxing_journal_bytes",
          "foxing_target_queue_size",
          "foxing_events_applied_total");
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*\\})?) (\\S+)$");
  private static final Pattern METRICS_AT = Pattern.compile("metrics at (http://\\S+/metrics)");

  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String CLASSPATH = System.getProperty("java.class.path");

  @TempDir Path tmp;

  /** {@code foxingd ARGS} in a JVM of its own, its standard error to {@code err}. */
  private ProcessBuilder foxingd(Path err, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(JAVA, "-cp", CLASSPATH, Foxingd.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(File.createTempFile("daemon", ".out", tmp.toFile()))
        .redirectError(err.toFile());
  }

  /**
   * A python3 receiver on an AF_UNIX datagram socket, as systemd's NOTIFY_SOCKET: one line per
   * datagram in a file.
   */
  private Process notifyReceiver(Path socket, Path log) throws Exception {
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(sys.argv[1])
        with open(sys.argv[2], "a") as log:
            while True:
                m = s.recv(4096).decode()
                log.write(m.replace("\\n", "|") + "\\n")
                log.flush()
                if "STOPPING=1" in m:
                    break
        """,
                socket.toString(),
                log.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("notify.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(socket)) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, "python3 did not bind " + socket);
      Thread.sleep(10);
    }
    return p;
  }

  private static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      samples.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return samples;
  }

  private static boolean named(Map<String, Double> samples, String name) {
    return samples.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
  }

  @Test
  void metricsDuringAStormStatusAndTheNotifyProtocol() throws Exception {
    Prerequisites.requireCommand("python3");
    Prerequisites.requireCommand("rsync");
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    Path dst = tmp.resolve("dst");
    Workload.run(Files.createDirectories(src.resolve("before")), 1, 200);
    Path control = tmp.resolve("run/control.sock");
    Path config = tmp.resolve("foxingd.toml");
    Files.writeString(
        config,
        """
        event_source = "inotify"
        journal_dir = "%s"
        metrics = "127.0.0.1:0"
        control_socket = "%s"
        [[sources]]
        path = "%s"
          [[sources.targets]]
          path = "%s"
        """
            .formatted(tmp.resolve("journal"), control, src, dst));
    Path notifySocket = tmp.resolve("notify.sock");
    Path notifyLog = tmp.resolve("notify.log");
    Process receiver = notifyReceiver(notifySocket, notifyLog);
    Path err = tmp.resolve("daemon.err");
    ProcessBuilder pb = foxingd(err, "daemon", "--config", config.toString());
    pb.environment().put("NOTIFY_SOCKET", notifySocket.toString());
    pb.environment().put("WATCHDOG_USEC", "400000");
    pb.environment().remove("WATCHDOG_PID");
    Process daemon = pb.start();
    try {
      MirrorStormTest.waitForReady(daemon, err);
      Matcher at = METRICS_AT.matcher(Files.readString(err));
      assertTrue(at.find(), Files.readString(err));
      URI endpoint = URI.create(at.group(1));
      awaitLine(
          notifyLog,
          l -> l.startsWith("READY=1|STATUS=1 of 1 target(s) live"),
          "READY=1 after hydration");

      // scrape while a storm runs: every name there, every counter only going up
      List<Map<String, Double>> scrapes = new ArrayList<>();
      Thread storm =
          new Thread(
              () -> {
                try {
                  for (int seed = 2; seed < 6; seed++) {
                    Workload.run(Files.createDirectories(src.resolve("storm" + seed)), seed, 300);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      storm.start();
      long slowest = 0;
      while (storm.isAlive() || scrapes.size() < 5) {
        long t0 = System.nanoTime();
        HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
        c.setReadTimeout(10_000);
        String body =
            new String(c.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        slowest = Math.max(slowest, System.nanoTime() - t0);
        assertEquals(200, c.getResponseCode());
        assertTrue(c.getContentType().startsWith("text/plain; version=0.0.4"), c.getContentType());
        scrapes.add(parse(body));
        Thread.sleep(20);
      }
      storm.join();
      System.out.printf(
          "%d scrapes during the storm, the slowest %.1f ms (HTTP round trip included)%n",
          scrapes.size(), slowest / 1e6);
      for (int i = 1; i < scrapes.size(); i++) {
        for (Map.Entry<String, Double> e : scrapes.get(i - 1).entrySet()) {
          String name = e.getKey();
          if (name.contains("_total") || name.contains("_bucket") || name.contains("_count")) {
            double now = scrapes.get(i).getOrDefault(name, Double.NaN);
            assertTrue(
                now >= e.getValue(),
                name + " went from " + e.getValue() + " to " + now + " (scrape " + i + ")");
          }
        }
      }
      assertEquals(List.of(), MirrorStormTest.converge(src, dst, new AtomicLong()));
      Map<String, Double> last;
      try (java.io.InputStream in = endpoint.toURL().openStream()) {
        last = parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      // every name once the storm is mirrored: a labelled histogram has no series before its first
      // change, which the first scrape may come before (a daemon on JDK 25 starts that much sooner)
      for (String name : SEED_NAMES) {
        assertTrue(named(last, name), name + " missing from " + last.keySet());
      }
      for (String name : OURS) {
        assertTrue(named(last, name), name + " missing from " + last.keySet());
      }
      String t = "{target=\"" + dst + "\"}";
      assertTrue(
          last.get("foxing_events_applied_total" + t)
              > scrapes.get(0).get("foxing_events_applied_total" + t),
          last.toString());
      assertTrue(last.get("foxing_change_latency_seconds_count" + t) > 0, last.toString());
      assertEquals(
          1.0,
          last.get("foxing_target_state{state=\"live\",target=\"" + dst + "\"}"),
          last.toString());

      // the control socket: status as JSON a program can read, and the same metrics
      FoxingdCommandTest.Run status =
          FoxingdCommandTest.run("status", "--json", "--control-socket", control.toString());
      assertEquals(0, status.exit(), status.err());
      JsonNode doc = new ObjectMapper().readTree(status.out());
      assertTrue(doc.path("ready").asBoolean(), status.out());
      assertEquals(daemon.pid(), doc.path("pid").asLong());
      JsonNode s = doc.path("sources").get(0);
      assertEquals(src.toString(), s.path("source").asText());
      assertEquals("inotify", s.path("event_source").asText());
      JsonNode target = s.path("targets").get(0);
      assertEquals(dst.toString(), target.path("target").asText());
      assertEquals("live", target.path("state").asText());
      assertTrue(target.path("storage").asText().contains(" at /"), status.out());
      assertTrue(doc.path("governor").has("stressed"), status.out());
      assertEquals(0, target.path("queued").asInt(), status.out());
      assertTrue(target.path("totals").path("events").asLong() > 0, status.out());
      // a storm makes entries vanish under a run (the last error says so); once converged, no retry
      // waits
      assertEquals(0, target.path("retrying").asInt(), status.out());
      FoxingdCommandTest.Run text =
          FoxingdCommandTest.run("status", "--control-socket", control.toString());
      assertEquals(0, text.exit(), text.err());
      assertTrue(text.out().contains(dst + " ") && text.out().contains(" live "), text.out());
      FoxingdCommandTest.Run metrics =
          FoxingdCommandTest.run("metrics", "--control-socket", control.toString());
      assertEquals(0, metrics.exit(), metrics.err());
      assertTrue(
          parse(metrics.out()).containsKey("foxing_events_applied_total" + t), metrics.out());
    } finally {
      daemon.destroy(); // SIGTERM
      assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
    }
    assertEquals(0, daemon.exitValue(), Files.readString(err));
    assertTrue(
        receiver.waitFor(10, TimeUnit.SECONDS), "no STOPPING=1: " + Files.readString(notifyLog));
    List<String> heard = Files.readAllLines(notifyLog);
    assertTrue(heard.stream().anyMatch("WATCHDOG=1"::equals), heard.toString());
    assertTrue(heard.stream().anyMatch(l -> l.startsWith("STATUS=hydrating")), heard.toString());
    int ready =
        heard.indexOf(
            heard.stream().filter(l -> l.startsWith("READY=1")).findFirst().orElseThrow());
    assertTrue(heard.stream().limit(ready).noneMatch(l -> l.startsWith("READY")), heard.toString());
    assertEquals("STOPPING=1|STATUS=stopping", heard.get(heard.size() - 1));
    assertFalse(Files.exists(control), "the control socket is removed on exit");
    FoxingdCommandTest.Run gone =
        FoxingdCommandTest.run("status", "--control-socket", control.toString());
    assertEquals(2, gone.exit());
    assertTrue(
        gone.err().startsWith("foxingd status: " + control + ": no daemon answers"), gone.err());
    assertEquals(1, gone.err().strip().lines().count(), gone.err());
  }

  @Test
  void aMetricsPortInUseIsOneLineAndNothingStarts() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      FoxingdCommandTest.Run r =
          FoxingdCommandTest.run(
              "sync",
              "--watch",
              "--source",
              "inotify",
              "--journal-dir",
              tmp.resolve("j").toString(),
              "--metrics",
              "127.0.0.1:" + taken.getLocalPort(),
              src.toString(),
              tmp.resolve("dst").toString());
      assertEquals(2, r.exit(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(
          r.err()
              .startsWith("foxingd: metrics 127.0.0.1:" + taken.getLocalPort() + ": cannot listen"),
          r.err());
      assertFalse(Files.exists(tmp.resolve("dst")), "nothing was started");
    }
    FoxingdCommandTest.Run bad =
        FoxingdCommandTest.run(
            "sync", "--watch", "--metrics", "9100", src.toString(), tmp.resolve("dst").toString());
    assertEquals(2, bad.exit());
    assertEquals(
        "foxingd sync: --metrics \"9100\" is not HOST:PORT (e.g. 127.0.0.1:9100, [::1]:9100, 0.0.0.0:9100)",
        bad.err().strip());
  }

  @Test
  @SuppressWarnings("try") // the sockets are held open to be listening, not used in the block
  void aSecondDaemonOnTheSameControlSocketIsRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    Path control = tmp.resolve("control.sock");
    try (ControlSocket first = ControlSocket.listen(control, c -> "x\n")) {
      FoxingdCommandTest.Run r =
          FoxingdCommandTest.run(
              "sync",
              "--watch",
              "--source",
              "inotify",
              "--journal-dir",
              tmp.resolve("j").toString(),
              "--control-socket",
              control.toString(),
              src.toString(),
              tmp.resolve("dst").toString());
      assertEquals(2, r.exit(), r.err());
      assertTrue(
          r.err()
              .startsWith(
                  "foxingd: " + control + ": another foxingd answers on this control socket"),
          r.err());
      assertEquals("x\n", ControlSocket.ask(control, "status"), "the first one still answers");
    }
    // one that died leaves its socket behind: the next one takes it over
    Shell.run(
            "python3",
            "-c",
            "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
            control.toString())
        .check();
    assertTrue(Files.exists(control));
    try (ControlSocket next = ControlSocket.listen(control, c -> "y\n")) {
      assertEquals("y\n", ControlSocket.ask(control, "status"));
      assertEquals(
          "rw-------",
          java.nio.file.attribute.PosixFilePermissions.toString(
              Files.getPosixFilePermissions(control)));
    }
  }

  /**
   * foxingd top on a real pseudo-terminal (python3's pty, 30 x 100): it enters the alternate
   * screen, draws the target live, redraws, leaves on q with exit 0 and gives the screen back;
   * --batch prints frames as text; not on a terminal, it says to use --batch.
   */
  @Test
  void topDrawsOnARealTerminalAndLeavesOnQ() throws Exception {
    Prerequisites.requireCommand("python3");
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    Files.writeString(src.resolve("a"), "a");
    Path dst = tmp.resolve("dst");
    Path control = tmp.resolve("control.sock");
    Path err = tmp.resolve("daemon.err");
    Process daemon =
        foxingd(
                err,
                "sync",
                "--watch",
                "--source",
                "inotify",
                "--journal-dir",
                tmp.resolve("j").toString(),
                "--control-socket",
                control.toString(),
                src.toString(),
                dst.toString())
            .start();
    try {
      MirrorStormTest.waitForReady(daemon, err);
      Shell.Result r =
          Shell.run(
                  "python3",
                  "-c",
                  """
          import fcntl, os, pty, select, signal, struct, sys, termios, time
          pid, fd = pty.fork()
          if pid == 0:
              os.environ["TERM"] = "xterm-256color"
              os.execv(sys.argv[1], sys.argv[1:])
          fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
          out, start, sent = b"", time.time(), False
          while time.time() - start < 60:
              if select.select([fd], [], [], 0.1)[0]:
                  try:
                      chunk = os.read(fd, 65536)
                  except OSError:
                      break
                  if not chunk:
                      break
                  out += chunk
              # two frames drawn (the second only rewrites what changed), then q
              if not sent and out.count(b"\\x1b[?2026l") >= 2:
                  os.write(fd, b"q")
                  sent = True
          else:
              os.kill(pid, signal.SIGKILL)
          status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
          sys.stdout.write("exit %d\\n" % status)
          sys.stdout.write(out.decode(errors="replace").replace("\\x1b", "ESC"))
          """,
                  JAVA,
                  "-cp",
                  CLASSPATH,
                  Foxingd.class.getName(),
                  "top",
                  "--delay",
                  "200",
                  "--control-socket",
                  control.toString())
              .check();
      String screen = r.stdout();
      assertTrue(screen.startsWith("exit 0\n"), screen);
      assertTrue(
          screen.contains("ESC[?1049h")
              && screen.lastIndexOf("ESC[?1049l") > screen.indexOf("TARGET"),
          "the alternate screen entered, and left at the end: " + screen);
      assertTrue(
          screen.contains("/dst ") && screen.contains("live"),
          screen); // a long target is cut at its start

      FoxingdCommandTest.Run batch =
          FoxingdCommandTest.run(
              "top", "--batch", "-n", "2", "-d", "50", "--control-socket", control.toString());
      assertEquals(0, batch.exit(), batch.err());
      assertEquals(
          2, batch.out().lines().filter(l -> l.startsWith("  TARGET")).count(), batch.out());
      assertTrue(
          batch.out().lines().anyMatch(l -> l.contains(dst.toString()) && l.contains(" live ")),
          batch.out());
      Shell.Result piped =
          Shell.bash(
              "\"$1\" -cp \"$2\" io.foxing.cli.Foxingd top --control-socket \"$3\" </dev/null | cat",
              JAVA,
              CLASSPATH,
              control.toString());
      assertEquals(
          "foxingd top: not a terminal that can be redrawn; use foxingd top --batch, or foxingd status",
          piped.stderr().strip());
    } finally {
      daemon.destroy();
      assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
    }
  }

  private static void awaitLine(
      Path log, java.util.function.Predicate<String> what, String description) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(log) || Files.readAllLines(log).stream().noneMatch(what)) {
      assertTrue(
          System.nanoTime() < deadline,
          "no " + description + ": " + (Files.exists(log) ? Files.readAllLines(log) : "nothing"));
      Thread.sleep(20);
    }
  }
}
