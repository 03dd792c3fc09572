// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventSource;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link EventSource} must do, written once: subclass it with the source under test
 * (bpf, fanotify and inotify each have one in foxing-bpf; an embedder's own source can have one
 * too) and say which optional promises it keeps.
 *
 * <ul>
 *   <li>Capture while a scripted workload of 1,200 random operations plus shell tools runs in
 *       another process, then replay only the captured events onto an empty mirror: rsync must find
 *       the mirror equal to the tree (names, types, contents, modes, owners, hard links, symlinks,
 *       xattrs). inotifywait runs beside as a peer: every path it reports must be among the paths
 *       the source reported.
 *   <li>A consumer that does not keep up: the small queue fills, the reader waits, the kernel's
 *       buffer fills, and what is dropped comes out as an OVERFLOW naming the root with a count,
 *       never silently; capture goes on afterwards.
 *   <li>A closed stream ends: {@code take()} returns null instead of waiting forever.
 * </ul>
 */
public abstract class EventSourceContract {
  private static final int OPS = 1200;

  @TempDir protected Path tmp;

  /**
   * The source under test, its prerequisites checked (under {@code CI=true} a missing one fails).
   */
  protected abstract EventSource source();

  /**
   * Whether the source names every change from its own events, asking for no rescan in an ordinary
   * workload.
   */
  protected boolean namesEveryChange() {
    return false;
  }

  @Test
  void replayingTheEventsRebuildsTheTree() throws Exception {
    EventSource source = source();
    String name = source.name();
    Prerequisites.requireCommand("python3");
    Prerequisites.requireCommand("rsync");
    Prerequisites.requireCommand("inotifywait");
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    Path mirror = tmp.resolve("mirror");

    Process peer =
        new ProcessBuilder(
                "inotifywait",
                "-m",
                "-r",
                "-e",
                "create,modify,delete,move,attrib,close_write",
                "--format",
                "%w%f",
                root.toString())
            .redirectOutput(tmp.resolve("peer.out").toFile())
            .redirectError(tmp.resolve("peer.err").toFile())
            .start();
    waitFor(
        () -> Files.readString(tmp.resolve("peer.err")).contains("Watches established"),
        "inotifywait to start");

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

    EventReplay m = new EventReplay(root, mirror);
    m.applyAll(events);
    System.out.println(
        name
            + ": "
            + events.size()
            + " events "
            + m.kinds()
            + ", lost "
            + lost
            + "; workload: "
            + mix.lines()
                .filter(l -> !l.startsWith("renamed-dir"))
                .collect(java.util.stream.Collectors.joining(" ")));

    Shell.Result diff =
        Shell.run("rsync", "-rlpogniHX", "--delete", "--checksum", root + "/", mirror + "/")
            .check();
    assertEquals(
        "",
        diff.stdout(),
        "rsync finds the replayed mirror different from the tree (" + name + ")");
    assertEquals(0, lost, "events lost");
    assertTrue(
        events.size() >= OPS, "only " + events.size() + " events for " + OPS + " operations");
    if (namesEveryChange()) {
      // every name in the workload, relative ones included, was resolved from the events themselves
      assertEquals(null, m.kinds().get(FileEvent.Kind.RESCAN), name + " asked for rescans");
    }

    Set<String> ours = new TreeSet<>();
    for (FileEvent e : events) {
      ours.add(e.path().toString());
      if (e.from() != null) {
        ours.add(e.from().toString());
      }
    }
    // Below a renamed directory, a path is reported under the old or the new name depending on when
    // a
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

  @Test
  void aSlowConsumerGetsAnOverflowAndCaptureGoesOn() throws Exception {
    EventSource source = source();
    String name = source.name();
    Prerequisites.requireCommand("python3");
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    EventOptions options =
        EventOptions.builder().queueCapacity(16).kernelBufferBytes(16 * 1024).build();
    try (EventStream stream = source.open(root, options)) {
      // 30,000 creates while nobody reads: 60,000 events against a 16-event queue and small kernel
      // buffers
      Shell.run(
              "python3",
              "-c",
              "import os, sys\nfor i in range(30000): os.close(os.open(sys.argv[1] + '/f%d' % i, os.O_CREAT | os.O_WRONLY))",
              root.toString())
          .check();
      FileEvent overflow = null;
      int events = 0;
      for (FileEvent e; (e = stream.poll(2, TimeUnit.SECONDS)) != null; events++) {
        if (e.kind() == FileEvent.Kind.OVERFLOW && overflow == null) {
          overflow = e;
        }
      }
      assertNotNull(overflow, name + ": no OVERFLOW after " + events + " events");
      assertEquals(root, overflow.path());
      assertTrue(overflow.detail().contains("lost"), overflow.detail());
      assertTrue(stream.lost() > 0, "lost() counts what was dropped");

      Shell.run("touch", root.resolve("after").toString())
          .check(); // another process: bpf leaves out our own
      FileEvent next = stream.poll(10, TimeUnit.SECONDS);
      while (next != null && !next.path().equals(root.resolve("after"))) {
        next = stream.poll(10, TimeUnit.SECONDS);
      }
      assertNotNull(next, name + ": capture stopped after the overflow");
    }
  }

  @Test
  void aClosedStreamEnds() throws Exception {
    EventSource source = source();
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    EventStream stream = source.open(root, EventOptions.defaults());
    stream.close();
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> assertNull(stream.take(), source.name() + ": take() after close"));
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
