// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Paces background copying (a throttled copy, a mirror's hydration, rescans and journal replay) by
 * the machine's pressure stall information ({@code /proc/pressure/{cpu,io,memory}}): when other
 * work is waiting for the CPU, the disk or memory, a worker that just spent {@code t} copying rests
 * {@code t * (1 - duty) / duty} before its next file, so the copy takes only {@code duty} of its
 * time. The duty never falls below {@link #FLOOR}: a paced copy always progresses. The live path of
 * a mirror (single changes as they happen) is never paced.
 *
 * <p>Pressure is read as the share of the last moments some task stalled ({@code some}) or all did
 * ({@code full}), from the counters' growth between two readings at least 250 ms apart (the
 * kernel's 10 s averages follow too slowly), and turned into a stress from 0 to 1 by a ramp per
 * resource. The ramps were set from measurements (2026-12-03, 2 cores): a 2-thread copy of its own
 * raises {@code io full} to 46% and {@code cpu some} to 34% at most, so those do not count as
 * stress; {@code stress-ng --cpu 4} raises {@code cpu some} to 86-100%.
 *
 * <p>Thread-safe: one per process ({@link #system()}), shared by every copy.
 */
public final class Governor {
  /** The least share of its time a paced copy keeps, however high the pressure. */
  public static final double FLOOR = 0.1;

  private static final long MIN_WINDOW = TimeUnit.MILLISECONDS.toNanos(250);
  private static final long MAX_WINDOW = TimeUnit.SECONDS.toNanos(2);
  private static final long SLICE = TimeUnit.MILLISECONDS.toNanos(100);
  // the stall share where stress starts, and where it is full: cpu some, io full, memory some
  private static final double[][] RAMPS = {{0.40, 0.90}, {0.50, 0.90}, {0.05, 0.30}};
  private static final String[] FILES = {"cpu", "io", "memory"};
  private static final String[] LINES = {"some", "full", "some"};

  private static final Governor SYSTEM = new Governor(Path.of("/proc/pressure"), System::nanoTime);

  /**
   * A reading of the machine's pressure.
   *
   * @param available whether the kernel reports pressure (PSI may be compiled out, or off with
   *     {@code psi=0})
   * @param cpu the share of time some task waited for a CPU
   * @param io the share of time every task waited for I/O
   * @param memory the share of time some task waited for memory
   * @param duty the share of its time a paced copy takes now (1: not paced; at least {@link
   *     #FLOOR})
   */
  public record Reading(boolean available, double cpu, double io, double memory, double duty) {
    /** Whether paced copies are being slowed down now. */
    public boolean stressed() {
      return duty < 1;
    }
  }

  private final Path dir;
  private final LongSupplier clock;
  private final AtomicLong pausedNanos = new AtomicLong();
  private long[] lastTotals;
  private long lastAt;
  private Reading last;

  Governor(Path dir, LongSupplier clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /** The process's governor, reading {@code /proc/pressure}. */
  public static Governor system() {
    return SYSTEM;
  }

  /** The pressure now (read again at most every 250 ms; cheap to call often). */
  public synchronized Reading read() {
    long now = clock.getAsLong();
    if (last != null && now - lastAt < MIN_WINDOW) {
      return last;
    }
    long[] totals = new long[3];
    double[] avg10 = new double[3];
    for (int i = 0; i < 3; i++) {
      Psi p;
      try {
        p = Psi.parse(Files.readString(dir.resolve(FILES[i]), StandardCharsets.US_ASCII), LINES[i]);
      } catch (IOException | RuntimeException e) {
        p = null; // no PSI here (or not this resource): nothing to pace by
      }
      if (p == null) {
        last = new Reading(false, 0, 0, 0, 1);
        lastAt = now;
        lastTotals = null;
        return last;
      }
      totals[i] = p.totalMicros();
      avg10[i] = p.avg10() / 100;
    }
    double[] share = new double[3];
    long window = now - lastAt;
    for (int i = 0; i < 3; i++) {
      // after a quiet spell the growth since the last reading is an average over too long: take the
      // kernel's 10 s one
      share[i] =
          lastTotals == null || window > MAX_WINDOW
              ? avg10[i]
              : Math.min(1, Math.max(0, (totals[i] - lastTotals[i]) * 1000.0 / window));
    }
    lastTotals = totals;
    lastAt = now;
    last = new Reading(true, share[0], share[1], share[2], duty(share));
    return last;
  }

  /** The duty for these stall shares: the highest stress of the three decides. */
  static double duty(double[] share) {
    double stress = 0;
    for (int i = 0; i < 3; i++) {
      double[] r = RAMPS[i];
      stress = Math.max(stress, Math.min(1, Math.max(0, (share[i] - r[0]) / (r[1] - r[0]))));
    }
    return 1 - stress * (1 - FLOOR);
  }

  /**
   * After {@code workNanos} of paced work, rests as long as the pressure asks (in slices, reading
   * it again after each, so a rest ends early when the pressure goes), or until {@code stop}.
   *
   * @return how long it rested, in nanoseconds
   */
  public long pace(long workNanos, BooleanSupplier stop) throws InterruptedException {
    long rested = 0;
    while (!stop.getAsBoolean()) {
      double duty = read().duty();
      long owed = (long) (workNanos * (1 - duty) / duty) - rested;
      if (owed <= 0) {
        break;
      }
      long slice = Math.min(owed, SLICE);
      TimeUnit.NANOSECONDS.sleep(slice);
      rested += slice;
    }
    pausedNanos.addAndGet(rested);
    return rested;
  }

  /** How long paced copies have rested, in all, since this process started. */
  public long pausedNanos() {
    return pausedNanos.get();
  }

  /**
   * One line of a {@code /proc/pressure} file: {@code some avg10=1.23 avg60=0.50 avg300=0.10
   * total=123456}.
   */
  record Psi(double avg10, long totalMicros) {
    /**
     * The line that starts with {@code kind} ({@code some} or {@code full}) in {@code text}.
     *
     * @return null if there is no such line
     * @throws IllegalArgumentException if the line is not in the kernel's format
     */
    static Psi parse(String text, String kind) {
      for (String line : text.split("\n")) {
        String[] f = line.strip().split(" +");
        if (f.length == 0 || !f[0].equals(kind)) {
          continue;
        }
        Double avg10 = null;
        Long total = null;
        for (int i = 1; i < f.length; i++) {
          int eq = f[i].indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("not key=value: " + f[i]);
          }
          String key = f[i].substring(0, eq);
          String value = f[i].substring(eq + 1);
          if (key.equals("avg10")) {
            avg10 = Double.parseDouble(value);
          } else if (key.equals("total")) {
            total = Long.parseLong(value);
          }
        }
        if (avg10 == null || total == null || !(avg10 >= 0 && avg10 <= 100) || total < 0) {
          throw new IllegalArgumentException(
              "a " + kind + " line without avg10 (0-100) and total (>= 0): " + line);
        }
        return new Psi(avg10, total);
      }
      return null;
    }
  }
}
