package io.foxing.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventSource;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import io.foxing.bpf.testing.Mirror;
import io.foxing.bpf.testing.Sources;
import io.foxing.bpf.testing.Workload;
import io.foxing.copy.testing.Prerequisites;
import io.foxing.copy.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proof of each source: capture while a scripted workload of 1,200 random operations plus
 * shell tools runs in another process, then replay only the captured events onto an empty mirror;
 * rsync must then find the mirror equal to the tree (names, types, contents, modes, owners, hard
 * links, symlinks, xattrs). inotifywait runs beside as a peer: every path it reports must be among
 * the paths the source reported.
 */
class ReplayTest {
  private static final int OPS = 1200;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"bpf", "fanotify", "inotify"})
  void replayingTheEventsRebuildsTheTree(String name) throws Exception {
    EventSource source = Sources.require(name);
    Prerequisites.requireCommand("python3");
    Prerequisites.requireCommand("rsync");
    Prerequisites.requireCommand("inotifywait");
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    Path mirror = tmp.resolve("mirror");

    Process peer = new ProcessBuilder("inotifywait", "-m", "-r", "-e", "create,modify,delete,move,attrib,close_write",
        "--format", "%w%f", root.toString()).redirectOutput(tmp.resolve("peer.out").toFile())
        .redirectError(tmp.resolve("peer.err").toFile()).start();
    waitFor(() -> Files.readString(tmp.resolve("peer.err")).contains("Watches established"), "inotifywait to start");

    List<FileEvent> events = new ArrayList<>();
    String mix;
    long lost;
    try (EventStream stream = source.open(root, EventOptions.defaults())) {
      mix = Workload.run(root, 42, OPS);
      // quiet for a second: everything the workload did has been read
      for (FileEvent e; (e = stream.poll(1, TimeUnit.SECONDS)) != null; ) {
        events.add(e);
      }
      lost = stream.lost();
    }
    Thread.sleep(300);
    peer.destroy();
    peer.waitFor(5, TimeUnit.SECONDS);

    Mirror m = new Mirror(root, mirror);
    m.applyAll(events);
    System.out.println(name + ": " + events.size() + " events " + m.kinds() + ", lost " + lost + "; workload: "
        + mix.lines().filter(l -> !l.startsWith("renamed-dir")).collect(java.util.stream.Collectors.joining(" ")));

    Shell.Result diff = Shell.run("rsync", "-rlpogniHX", "--delete", "--checksum", root + "/", mirror + "/").check();
    assertEquals("", diff.stdout(), "rsync finds the replayed mirror different from the tree (" + name + ")");
    assertEquals(0, lost, "events lost");
    assertTrue(events.size() >= OPS, "only " + events.size() + " events for " + OPS + " operations");
    if (name.equals("bpf")) {
      // every name in the workload, relative ones included, was resolved from the events themselves
      assertEquals(null, m.kinds().get(FileEvent.Kind.RESCAN), "bpf asked for rescans");
    }

    Set<String> ours = new TreeSet<>();
    for (FileEvent e : events) {
      ours.add(e.path().toString());
      if (e.from() != null) {
        ours.add(e.from().toString());
      }
    }
    // Below a renamed directory, a path is reported under the old or the new name depending on when a
    // tool looked (inotifywait renames its watches when it sees the move): those are left out.
    List<String> renamedDirs = new ArrayList<>();
    for (String line : mix.split("\n")) {
      if (line.startsWith("renamed-dir ")) {
        String[] f = line.split(" ");
        renamedDirs.add(f[1] + "/");
        renamedDirs.add(f[2] + "/");
      }
    }
    Set<String> missed = new TreeSet<>();
    int compared = 0;
    for (String line : Files.readAllLines(tmp.resolve("peer.out"))) {
      String p = line.endsWith("/") ? line.substring(0, line.length() - 1) : line;
      if (p.equals(root.toString()) || renamedDirs.stream().anyMatch(p::startsWith)) {
        continue;
      }
      compared++;
      if (!ours.contains(p)) {
        missed.add(p);
      }
    }
    assertTrue(compared > 300, "inotifywait reported only " + compared + " comparable paths");
    assertEquals(Set.of(), missed, name + " did not report paths inotifywait reported");
  }

  interface Check {
    boolean ok() throws IOException;
  }

  static void waitFor(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
