// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventStream;
import io.foxing.bpf.testing.Sources;
import io.foxing.copy.mirror.Mirror;
import io.foxing.copy.mirror.MirrorListener;
import io.foxing.copy.mirror.MirrorOptions;
import io.foxing.copy.mirror.TargetState;
import io.foxing.copy.mirror.TargetStatus;
import io.foxing.nfs.testing.Ganesha;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import io.foxing.testkit.Workload;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror left alone: its target is unmounted in the middle of a storm, another filesystem shows
 * up at its path, it fills up, the daemon is killed while the target is away. Real loop-mounted
 * filesystems, the kernel's inotify; {@code rsync -aniHAX --delete} is the judge.
 */
class MirrorOutageTest {
  @TempDir Path tmp;

  private Path mnt;
  private String loop;

  @BeforeEach
  void prerequisites() throws Exception {
    Prerequisites.requireRoot("loop-mounting target filesystems");
    Prerequisites.requireCommand("rsync");
    Prerequisites.requireCommand("python3");
    mnt = Files.createDirectories(tmp.resolve("mnt"));
  }

  @AfterEach
  void unmount() {
    Shell.run("umount", "-l", mnt.toString());
    if (loop != null) {
      Shell.run("losetup", "-d", loop);
    }
  }

  private Path image(String name, String mkfs, String size) {
    Prerequisites.requireCommand(mkfs);
    Path img = tmp.resolve(name + ".img");
    Shell.run("truncate", "-s", size, img.toString()).check();
    Shell.run(mkfs, "-q", mkfs.equals("mkfs.xfs") ? "-f" : "-F", img.toString()).check();
    return img;
  }

  private void mount(Path img) {
    Shell.run("mount", "-o", "loop", img.toString(), mnt.toString()).check();
  }

  private static TargetStatus await(
      Mirror m, Predicate<TargetStatus> what, String description, Duration within)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      TargetStatus s = m.status().get(0);
      if (what.test(s)) {
        return s;
      }
      assertTrue(
          System.nanoTime() < deadline, "not " + description + " within " + within + ": " + s);
      Thread.sleep(20);
    }
  }

  /** A storm of 1,500 operations under {@code src/storm}, started on its own thread. */
  private static Thread storm(Path src, long seed) {
    Thread storm =
        new Thread(
            () -> {
              try {
                Workload.run(Files.createDirectories(src.resolve("storm")), seed, 1500);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    storm.start();
    return storm;
  }

  private static List<String> entries(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  private MirrorOptions options() {
    return MirrorOptions.builder()
        .journalDirectory(tmp.resolve("journal"))
        .probeInterval(Duration.ofMillis(200))
        .build();
  }

  /**
   * umount -l of the target in the middle of a storm: the mount point left behind is not written
   * to, nor another filesystem mounted there meanwhile; the same one mounted again is caught up.
   */
  @Test
  void anUnmountedTargetIsCaughtUpWhenTheSameFilesystemIsBackAndNoOtherIsWritten()
      throws Exception {
    Path a = image("a", "mkfs.xfs", "320M");
    Path b = image("b", "mkfs.xfs", "320M");
    mount(b);
    Files.createDirectories(mnt.resolve("mirror")); // the same path there, on another filesystem
    Shell.run("umount", mnt.toString()).check();
    mount(a);
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    Path dst = mnt.resolve("mirror");
    Workload.run(src, 3, 200);
    List<String> states = new CopyOnWriteArrayList<>();
    EventStream events = Sources.require("inotify").open(src, EventOptions.defaults());
    try (Mirror m =
        Mirror.start(
            src,
            List.of(dst.toString()),
            events,
            options(),
            new MirrorListener() {
              @Override
              public void state(String target, TargetState state, String why) {
                states.add(state + ": " + why);
              }
            })) {
      assertTrue(m.awaitReady(Duration.ofMinutes(1)));
      Thread storm = storm(src, 11);
      Thread.sleep(300);
      Shell.run("umount", "-l", mnt.toString()).check();
      await(m, s -> s.state() == TargetState.DOWN, "down", Duration.ofSeconds(15));
      assertEquals(List.of(), entries(mnt), "nothing written into the mount point left behind");

      mount(b);
      Thread.sleep(1500); // several probe intervals
      TargetStatus s = m.status().get(0);
      assertEquals(TargetState.DOWN, s.state(), s.toString());
      assertTrue(s.reason().contains("another filesystem"), s.reason());
      assertEquals(
          List.of(), entries(dst), "nothing written to another filesystem at the target's path");
      Shell.run("umount", mnt.toString()).check();

      storm.join();
      assertTrue(
          m.status().get(0).journaled() > 0, "the storm's changes are journaled: " + m.status());
      mount(a);
      AtomicLong took = new AtomicLong();
      assertEquals(
          List.of(),
          MirrorStormTest.converge(src, dst, took),
          "the same filesystem back: caught up");
      await(m, x -> x.state() == TargetState.LIVE, "live", Duration.ofSeconds(10));
      assertTrue(states.stream().anyMatch(x -> x.startsWith("CATCHING_UP")), states.toString());
    }
  }

  /** A 64 MiB XFS image on a loop device, mounted at {@code at}: small enough to fill, growable. */
  private Path smallXfs(Path at) {
    Prerequisites.requireCommand("xfs_growfs");
    Prerequisites.requireCommand("mkfs.xfs");
    Path img = tmp.resolve("small.img");
    Shell.run("truncate", "-s", "64M", img.toString()).check();
    // mkfs.xfs makes filesystems under 300 MB only for xfstests, which it knows by these variables
    Shell.run(
            "env",
            "TEST_DIR=1",
            "TEST_DEV=1",
            "QA_CHECK_FS=1",
            "mkfs.xfs",
            "-q",
            "-f",
            img.toString())
        .check();
    loop = Shell.run("losetup", "-f", "--show", img.toString()).check().stdout().strip();
    Shell.run("mount", loop, at.toString()).check();
    return img;
  }

  /**
   * 100 MiB of new files for a target on the 64 MiB {@code img}: FULL, every file at its final name
   * whole, the earlier file intact; the image grown: converged by itself ({@code differences}
   * empty).
   */
  private void fillsUpThenGrows(
      Mirror m,
      Path src,
      Path onDisk,
      Path img,
      Path mountPoint,
      java.util.function.Supplier<List<String>> differences)
      throws Exception {
    Random r = new Random(5);
    Path staging = Files.createDirectories(tmp.resolve("staging"));
    for (int i = 0; i < 20; i++) {
      byte[] data = new byte[5 << 20];
      r.nextBytes(data);
      // each appears whole at the source (so a file at the target is either whole or wrong)
      Files.write(staging.resolve("big-" + i), data);
      Files.move(
          staging.resolve("big-" + i),
          src.resolve("big-" + i)); // 100 MiB in all, on a 64 MiB filesystem
    }
    TargetStatus full =
        await(m, s -> s.state() == TargetState.FULL, "full", Duration.ofSeconds(60));
    assertTrue(full.reason().contains("space"), full.reason());
    for (String name : entries(onDisk)) {
      assertArrayEquals(
          Files.readAllBytes(src.resolve(name)),
          Files.readAllBytes(onDisk.resolve(name)),
          name + ": every file at its final name is whole");
    }
    assertEquals("written before the disk filled up", Files.readString(onDisk.resolve("early")));

    Shell.run("truncate", "-s", "256M", img.toString()).check();
    Shell.run("losetup", "-c", loop).check();
    Shell.run("xfs_growfs", mountPoint.toString()).check();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<String> diff;
    while (!(diff = differences.get()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(List.of(), diff, "grown: converged by itself; " + m.status());
    await(m, x -> x.state() == TargetState.LIVE, "live", Duration.ofSeconds(10));
  }

  /**
   * A target that fills up stalls safely: no partial file, nothing lost; grown, it converges by
   * itself.
   */
  @Test
  void aFullTargetStallsWithoutPartialFilesAndResumesWhenGrown() throws Exception {
    Path img = smallXfs(mnt);
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    Path dst = mnt.resolve("mirror");
    Files.writeString(src.resolve("early"), "written before the disk filled up");
    EventStream events = Sources.require("inotify").open(src, EventOptions.defaults());
    try (Mirror m =
        Mirror.start(src, List.of(dst.toString()), events, options(), MirrorListener.NONE)) {
      assertTrue(m.awaitReady(Duration.ofMinutes(1)));
      fillsUpThenGrows(
          m,
          src,
          dst,
          img,
          mnt,
          () ->
              Shell.run("rsync", "-aniHAX", "--delete", src + "/", dst + "/")
                  .check()
                  .stdout()
                  .lines()
                  .filter(l -> !l.isBlank())
                  .toList());
    }
  }

  /**
   * The same with an nfs:// target whose export is the small XFS: the server's NFS4ERR_NOSPC is a
   * full disk too.
   */
  @Test
  void aFullNfsServerStallsTheSameWayAndResumesWhenGrown() throws Exception {
    Path export = Files.createDirectories(tmp.resolve("server/export"));
    Path img = smallXfs(export);
    try (Ganesha g = Ganesha.start(tmp.resolve("server"))) {
      Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
      Files.writeString(src.resolve("early"), "written before the disk filled up");
      Path dst = g.exportDir().resolve("mirror");
      EventStream events = Sources.require("inotify").open(src, EventOptions.defaults());
      try (Mirror m =
          Mirror.start(
              src, List.of(g.uri("mirror").toString()), events, options(), MirrorListener.NONE)) {
        assertTrue(m.awaitReady(Duration.ofMinutes(1)));
        fillsUpThenGrows(m, src, dst, img, export, () -> nfsDifferences(src, dst));
      }
    } finally {
      Shell.run("umount", "-l", export.toString());
    }
  }

  /**
   * rsync's differences on the export, less what NFSv4 as served here cannot carry (xattrs, ACLs,
   * symlink times).
   */
  private static List<String> nfsDifferences(Path src, Path dst) {
    return Shell.run("rsync", "-aniH", "--delete", src + "/", dst + "/")
        .check()
        .stdout()
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith(".L..t"))
        .toList();
  }

  /**
   * An nfs:// target whose server is killed in the middle of a storm and started again: caught up,
   * checked on the export.
   */
  @Test
  void anNfsServerThatWentAwayIsCaughtUpWhenItIsBack() throws Exception {
    try (Ganesha g = Ganesha.start(tmp.resolve("server"))) {
      Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
      Workload.run(Files.createDirectories(src.resolve("before")), 6, 200);
      EventStream events = Sources.require("inotify").open(src, EventOptions.defaults());
      try (Mirror m =
          Mirror.start(
              src, List.of(g.uri("mirror").toString()), events, options(), MirrorListener.NONE)) {
        assertTrue(m.awaitReady(Duration.ofMinutes(1)));
        Thread storm = storm(src, 12);
        Thread.sleep(300);
        g.stop(); // SIGKILL: connections reset, nothing answers
        await(m, s -> s.state() == TargetState.DOWN, "down", Duration.ofSeconds(30));
        storm.join();
        g.restart();
        Path dst = g.exportDir().resolve("mirror");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> diff;
        do {
          Thread.sleep(200);
          diff = nfsDifferences(src, dst);
        } while (!diff.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), diff, "the server back: caught up; " + m.status());
        await(m, x -> x.state() == TargetState.LIVE, "live", Duration.ofSeconds(10));
      }
    }
  }

  /**
   * foxingd SIGKILLed while its target is away, started again: it resumes the outage from its
   * journal.
   */
  @Test
  void aDaemonKilledDuringAnOutageResumesItFromItsJournal() throws Exception {
    Path a = image("a", "mkfs.xfs", "320M");
    mount(a);
    Path src = Files.createDirectories(tmp.resolve("src")).toRealPath();
    Path dst = mnt.resolve("mirror");
    Workload.run(src, 4, 200);
    Process first = daemon(src, dst, "first");
    Path journals = tmp.resolve("journal");
    try {
      MirrorStormTest.waitForReady(first, tmp.resolve("first.err"));
      Shell.run("umount", "-l", mnt.toString()).check();
      Workload.run(Files.createDirectories(src.resolve("during")), 21, 300);
      waitFor(
          () -> Files.readString(tmp.resolve("first.err")).contains(": down: "),
          "the first daemon saw the outage");
      waitFor(() -> journalSize(journals) > 200, "changes journaled");
    } finally {
      first.destroyForcibly(); // SIGKILL
      first.waitFor(10, TimeUnit.SECONDS);
    }
    Workload.run(
        Files.createDirectories(src.resolve("between")),
        22,
        300); // more changes while no daemon runs
    Process second = daemon(src, dst, "second");
    try {
      MirrorStormTest.waitForReady(second, tmp.resolve("second.err"));
      String err = Files.readString(tmp.resolve("second.err"));
      assertTrue(err.contains("down: resuming an outage"), err);
      assertEquals(List.of(), entries(mnt), "the mount point left behind is not written to");
      mount(a);
      AtomicLong took = new AtomicLong();
      assertEquals(List.of(), MirrorStormTest.converge(src, dst, took), "resumed and caught up");
    } finally {
      second.destroy();
      assertTrue(second.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, second.exitValue(), Files.readString(tmp.resolve("second.err")));
    }
  }

  private static long journalSize(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".fxoj"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void waitFor(Check c, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!c.ok()) {
      assertTrue(System.nanoTime() < deadline, what + ": not within 30 s");
      Thread.sleep(50);
    }
  }

  private Process daemon(Path src, Path dst, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            Foxingd.class.getName(),
            "sync",
            "--watch",
            "--source",
            "inotify",
            "--journal-dir",
            tmp.resolve("journal").toString(),
            src.toString(),
            dst.toString())
        .redirectOutput(File.createTempFile("foxingd", ".out", tmp.toFile()))
        .redirectError(tmp.resolve(name + ".err").toFile())
        .start();
  }
}
