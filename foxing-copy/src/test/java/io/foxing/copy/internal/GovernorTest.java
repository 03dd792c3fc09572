// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.copy.SmartCopier;
import io.foxing.testkit.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governor: pressure read as the kernel writes it, a duty that never falls below its floor, and
 * real pressure obeyed.
 */
class GovernorTest {
  @TempDir Path tmp;

  @Test
  void psiLinesAreReadAsTheKernelWritesThem() {
    String cpu =
        "some avg10=12.10 avg60=13.56 avg300=8.84 total=2263078041\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
    assertEquals(new Governor.Psi(12.10, 2_263_078_041L), Governor.Psi.parse(cpu, "some"));
    assertEquals(new Governor.Psi(0, 0), Governor.Psi.parse(cpu, "full"));
    assertNull(
        Governor.Psi.parse("some avg10=1.00 avg60=0.00 avg300=0.00 total=5\n", "full"),
        "an old kernel's cpu file has no full line");
    assertThrows(
        IllegalArgumentException.class,
        () -> Governor.Psi.parse("some avg10=1.00 total\n", "some"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Governor.Psi.parse("some avg10=101.00 total=5\n", "some"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Governor.Psi.parse("some avg10=NaN total=5\n", "some"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Governor.Psi.parse("some avg60=1.00 total=5\n", "some"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Governor.Psi.parse("some avg10=1.00 total=-5\n", "some"));
  }

  @Test
  void theHighestStressDecidesAndTheDutyNeverFallsBelowTheFloor() {
    assertEquals(1.0, Governor.duty(new double[] {0, 0, 0}));
    assertEquals(
        1.0, Governor.duty(new double[] {0.40, 0.50, 0.05}), "at the start of every ramp: not yet");
    assertEquals(0.55, Governor.duty(new double[] {0.65, 0, 0}), 1e-9, "cpu half way up its ramp");
    assertEquals(
        0.55,
        Governor.duty(new double[] {0.65, 0.60, 0.10}),
        1e-9,
        "the others lower: cpu decides");
    assertEquals(Governor.FLOOR, Governor.duty(new double[] {1, 1, 1}), 1e-9);
    assertEquals(
        Governor.FLOOR, Governor.duty(new double[] {0, 0, 0.9}), 1e-9, "memory alone is enough");
  }

  private static void psi(Path dir, double avg10, long cpuSome, long ioFull, long memSome)
      throws Exception {
    String a = String.format(java.util.Locale.ROOT, "%.2f", avg10);
    Files.writeString(
        dir.resolve("cpu"),
        "some avg10="
            + a
            + " avg60=0.00 avg300=0.00 total="
            + cpuSome
            + "\n"
            + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    Files.writeString(
        dir.resolve("io"),
        "some avg10=0.00 avg60=0.00 avg300=0.00 total="
            + ioFull
            + "\n"
            + "full avg10=0.00 avg60=0.00 avg300=0.00 total="
            + ioFull
            + "\n");
    Files.writeString(
        dir.resolve("memory"),
        "some avg10=0.00 avg60=0.00 avg300=0.00 total="
            + memSome
            + "\n"
            + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  }

  @Test
  void pressureIsTheGrowthOfTheStallCountersOverTheTimeBetweenReadings() throws Exception {
    AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
    Governor g = new Governor(tmp, now::get);
    psi(tmp, 80.00, 1_000_000, 0, 0);
    Governor.Reading first = g.read();
    assertTrue(first.available());
    assertEquals(
        0.80,
        first.cpu(),
        1e-9,
        "a first reading has no interval of its own: the kernel's 10 s average");
    psi(tmp, 80.00, 1_100_000, 0, 0);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertEquals(first, g.read(), "within 250 ms: the same reading");
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
    psi(tmp, 80.00, 1_250_000, 450_000, 0); // 250 ms of cpu stall and 450 ms of io stall in 500 ms
    Governor.Reading second = g.read();
    assertEquals(0.50, second.cpu(), 1e-9);
    assertEquals(0.90, second.io(), 1e-9);
    assertEquals(Governor.FLOOR, second.duty(), 1e-9, "io at the top of its ramp");
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    psi(tmp, 0.00, 60_000_000, 450_000, 0);
    assertEquals(
        0.0,
        g.read().cpu(),
        1e-9,
        "after a quiet minute, the 10 s average again (not the minute's)");
  }

  @Test
  void withoutPressureInformationNothingIsPaced() throws Exception {
    Governor g = new Governor(tmp.resolve("absent"), System::nanoTime);
    Governor.Reading r = g.read();
    assertFalse(r.available());
    assertFalse(r.stressed());
    assertEquals(0, g.pace(TimeUnit.SECONDS.toNanos(10), () -> false));
    Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(tmp.resolve("bad/cpu"), "garbage\n");
    assertFalse(
        new Governor(tmp.resolve("bad"), System::nanoTime).read().available(),
        "a file in another format is not obeyed");
  }

  @Test
  void aRestEndsWhenTheCopyIsStopped() throws Exception {
    psi(tmp, 100.00, 0, 0, 0);
    Governor g = new Governor(tmp, System::nanoTime);
    assertTrue(g.read().stressed());
    assertEquals(0, g.pace(TimeUnit.SECONDS.toNanos(60), () -> true));
  }

  /**
   * The real kernel under stress-ng's CPU load: the governor sees it, a throttled copy rests (and
   * an unthrottled one does not), and once the load is gone the governor sees that too.
   */
  @Test
  void realCpuPressurePacesAThrottledCopyAndItsEndIsSeen() throws Exception {
    Prerequisites.require(
        Files.isReadable(Path.of("/proc/pressure/cpu")),
        "needs the kernel's pressure stall information (/proc/pressure)");
    Prerequisites.requireCommand("stress-ng");
    Path src = Files.createDirectories(tmp.resolve("src"));
    for (int d = 0; d < 10; d++) {
      Path dir = Files.createDirectories(src.resolve("d" + d));
      for (int f = 0; f < 100; f++) {
        Files.write(dir.resolve("f" + f), new byte[4096]);
      }
    }
    int hogs = 2 * Runtime.getRuntime().availableProcessors() + 2;
    Process stress =
        new ProcessBuilder("stress-ng", "--cpu", Integer.toString(hogs), "--timeout", "120", "-q")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      await(true, "stressed under " + hogs + " CPU hogs");
      CopyReport plain =
          SmartCopier.to(tmp.resolve("plain").toString(), CopyOptions.archive())
              .copy(List.of(src + "/"), CopyListener.NONE);
      assertTrue(plain.throttled().isZero(), "not asked to throttle: " + plain.throttled());
      CopyReport paced =
          SmartCopier.to(
                  tmp.resolve("paced").toString(),
                  CopyOptions.archive().toBuilder().throttle(true).build())
              .copy(List.of(src + "/"), CopyListener.NONE);
      assertEquals(CopyReport.Status.SUCCESS, paced.status(), paced.failures().toString());
      assertEquals(1000, paced.filesCopied());
      assertTrue(
          paced.throttled().toMillis() > 0,
          "a throttled copy under pressure rested: " + paced.throttled());
    } finally {
      stress.destroy();
      stress.waitFor(10, TimeUnit.SECONDS);
    }
    await(false, "calm once the CPU hogs are gone");
  }

  private static void await(boolean stressed, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Governor.Reading r;
    while ((r = Governor.system().read()).stressed() != stressed) {
      assertTrue(System.nanoTime() < deadline, "not " + what + " within 20 s: " + r);
      Thread.sleep(100);
    }
  }
}
