// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.spi.CopyTier;
import io.foxing.copy.internal.ReflinkTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a listener can rely on, and the tier kill switch. */
class ListenerContractTest {
  @TempDir Path tmp;

  /** Records events per path and checks their order as they arrive. */
  static final class Recorder extends CopyListener {
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger ends = new AtomicInteger();
    final Map<String, String> state = new ConcurrentHashMap<>();
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CopyReport end;

    @Override
    public void copyStart(List<Path> sources, String target, CopyOptions options) {
      starts.incrementAndGet();
    }

    @Override
    public void fileStart(String path, long size) {
      if (state.put(path, "started") != null) {
        errors.add("second start for " + path);
      }
    }

    @Override
    public void fileEnd(String path, long bytes, String tier) {
      if (!"started".equals(state.put(path, "ended"))) {
        errors.add("end without start for " + path);
      }
    }

    @Override
    public void fileFailed(String path, Exception cause) {
      String before = state.put(path, "failed");
      if (before != null && !before.equals("started")) {
        errors.add("failed after " + before + " for " + path);
      }
    }

    @Override
    public void copyEnd(CopyReport report) {
      ends.incrementAndGet();
      end = report;
    }
  }

  @Test
  void everyStartedFileEndsOrFailsExactlyOnceAndTheRunIsBracketed() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("d"));
    for (int i = 0; i < 200; i++) {
      Files.writeString(src.resolve((i % 2 == 0 ? "d/" : "") + "f" + i), "x".repeat(i));
    }
    Recorder r = new Recorder();
    CopyReport report =
        SmartCopier.to(tmp.resolve("dst").toString(), CopyOptions.archive())
            .copy(List.of(src + "/"), r);
    assertEquals(List.of(), r.errors);
    assertEquals(1, r.starts.get());
    assertEquals(1, r.ends.get());
    assertEquals(report, r.end);
    assertEquals(
        200,
        r.state.values().stream().filter("ended"::equals).count(),
        "every file, the empty one too");
  }

  @Test
  void aRunThatCannotStartThrowsWithoutEvents() {
    Recorder r = new Recorder();
    Path target = Paths.get("/proc/no-such-dir/target");
    org.junit.jupiter.api.Assertions.assertThrows(
        IOException.class,
        () ->
            SmartCopier.to(target + "/", CopyOptions.archive())
                .copy(List.of("/etc/hostname", "/etc/hosts"), r));
    assertEquals(0, r.starts.get());
    assertEquals(0, r.ends.get());
  }

  /**
   * A listener that throws from every method changes nothing: same tree, same report, no failure.
   */
  @Test
  void aListenerThatThrowsEverywhereChangesNothing() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("d"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(src.resolve("d/f" + i), "x".repeat(i));
    }
    CopyListener hostile =
        new CopyListener() {
          @Override
          public void copyStart(List<Path> sources, String target, CopyOptions options) {
            throw new IllegalStateException("copyStart");
          }

          @Override
          public void fileStart(String path, long size) {
            throw new IllegalStateException("fileStart");
          }

          @Override
          public void fileEnd(String path, long bytes, String tier) {
            throw new IllegalStateException("fileEnd");
          }

          @Override
          public void changed(io.foxing.api.Change change) {
            throw new IllegalStateException("changed");
          }

          @Override
          public void copyEnd(CopyReport report) {
            throw new IllegalStateException("copyEnd");
          }
        };
    CopyReport report =
        SmartCopier.to(tmp.resolve("dst").toString(), CopyOptions.archive())
            .copy(List.of(src + "/"), hostile);
    assertEquals(CopyReport.Status.SUCCESS, report.status(), report.failures().toString());
    assertEquals(50, report.filesCopied());
    io.foxing.testkit.Oracles.assertFaithful(src, tmp.resolve("dst"));
  }

  /**
   * Interrupting the caller cancels: the report says CANCELLED, nothing happens after the copy
   * returns, and every descriptor it opened is closed (counted in /proc/self/fd).
   */
  @Test
  void anInterruptedCopyIsCancelledWaitsForItsWorkAndLeavesNoDescriptorOpen() throws Exception {
    Path src = tmp.resolve("src");
    for (int d = 0; d < 20; d++) {
      Files.createDirectories(src.resolve("d" + d));
      for (int i = 0; i < 100; i++) {
        Files.writeString(src.resolve("d" + d + "/f" + i), "y".repeat(1000));
      }
    }
    long before = openDescriptors();
    java.util.concurrent.atomic.AtomicBoolean returned =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<String> afterReturn = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger started = new AtomicInteger();
    Thread caller = Thread.currentThread();
    CopyListener interrupter =
        new CopyListener() {
          @Override
          public void fileStart(String path, long size) {
            if (returned.get()) {
              afterReturn.add(path);
            }
            if (started.incrementAndGet() == 100) {
              caller.interrupt();
            }
          }
        };
    CopyReport report =
        SmartCopier.to(tmp.resolve("dst").toString(), CopyOptions.builder().threads(2).build())
            .copy(List.of(src + "/"), interrupter);
    returned.set(true);
    assertTrue(Thread.interrupted(), "the interrupt flag is set again (and cleared here)");
    assertEquals(CopyReport.Status.CANCELLED, report.status());
    assertTrue(
        report.filesCopied() >= 100 && report.filesCopied() < 2000,
        "stopped early: " + report.filesCopied());
    Thread.sleep(200);
    assertEquals(List.of(), afterReturn, "no work after the copy returned");
    long after = openDescriptors();
    assertTrue(
        after <= before,
        "every descriptor closed: "
            + before
            + " open before, "
            + after
            + " after"); // the JVM may close one of its own meanwhile
    // and a rerun completes it
    CopyReport rerun =
        SmartCopier.to(tmp.resolve("dst").toString(), CopyOptions.archive())
            .copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(CopyReport.Status.SUCCESS, rerun.status());
    io.foxing.testkit.Oracles.assertFaithful(src, tmp.resolve("dst"));
  }

  private static long openDescriptors() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  /** A failure says what kind it is and, for a failed system call, its errno name. */
  @Test
  void failuresCarryTheirKindAndErrno() throws IOException {
    io.foxing.testkit.Prerequisites.requireRoot(
        "chattr +i, to make a target directory refuse new entries");
    io.foxing.testkit.Prerequisites.requireCommand("chattr");
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/f"), "f");
    Path dst = tmp.resolve("dst");
    Files.createDirectories(dst.resolve("sub"));
    io.foxing.testkit.Shell.run("chattr", "+i", dst.resolve("sub").toString()).check();
    try {
      CopyReport r =
          SmartCopier.to(dst.toString(), CopyOptions.archive())
              .copy(List.of(src + "/"), CopyListener.NONE);
      CopyReport.Failure denied =
          r.failures().stream().filter(f -> f.path().equals("sub/f")).findFirst().orElseThrow();
      assertEquals(CopyReport.FailureKind.PERMISSION, denied.kind(), denied.toString());
      assertEquals("EPERM", denied.errno());
    } finally {
      io.foxing.testkit.Shell.run("chattr", "-i", dst.resolve("sub").toString()).check();
    }
  }

  /** The names a report uses for tiers are the API's constants, one per built-in tier. */
  @Test
  void builtInTiersAreNamedByTheApiConstants() {
    assertEquals(
        List.of(
            io.foxing.api.TierNames.REFLINK,
            io.foxing.api.TierNames.COPY_FILE_RANGE,
            io.foxing.api.TierNames.SENDFILE,
            io.foxing.api.TierNames.READ_WRITE),
        SmartCopier.tiers().stream().map(CopyTier::name).toList());
  }

  @Test
  void aTierCanBeSwitchedOffByItsProperty() {
    System.setProperty("foxing.tier.reflink.disable", "true");
    try {
      CopyTier t = new ReflinkTier();
      assertTrue(!t.isAvailable());
      assertTrue(
          t.unavailabilityCause().contains("-Dfoxing.tier.reflink.disable=true"),
          t.unavailabilityCause());
      assertEquals(CopyMethod.REFLINK, t.method());
    } finally {
      System.clearProperty("foxing.tier.reflink.disable");
    }
  }
}
