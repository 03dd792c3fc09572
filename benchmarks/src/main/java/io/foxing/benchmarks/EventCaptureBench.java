// SPDX-License-Identifier: Apache-2.0
package io.foxing.benchmarks;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import io.foxing.bpf.FanotifyEventSource;
import io.foxing.bpf.InotifyEventSource;
import io.foxing.bpf.internal.BpfStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event sources under load from another process ({@code make-files}, a C program): latency from
 * just before the system call to the event in Java's hands, sustained throughput of 100K creates,
 * and how much capture slows the creating process. Run by {@code benchmarks/e2e-events.sh}, which
 * also runs the peers; prints one CSV line per measurement: source,metric,value,unit,note.
 */
// "try": each stream is closed inside its try-with-resources to end the consumer thread before the
// join
@SuppressWarnings("try")
public final class EventCaptureBench {
  private final Path generator;
  private final Path base;

  private EventCaptureBench(Path generator, Path base) {
    this.generator = generator;
    this.base = base;
  }

  /** Usage: EventCaptureBench GENERATOR BASE_DIR SOURCES CREATES LATENCY_FILES RATE RUNS. */
  public static void main(String[] args) throws Exception {
    EventCaptureBench b = new EventCaptureBench(Path.of(args[0]), Path.of(args[1]));
    List<String> sources = Arrays.asList(args[2].split(","));
    int creates = Integer.parseInt(args[3]);
    int latencyFiles = Integer.parseInt(args[4]);
    int rate = Integer.parseInt(args[5]);
    int runs = Integer.parseInt(args[6]);
    for (String s : sources) {
      b.latency(s, latencyFiles / 4, rate, false); // warm-up: the JIT compiles the event path first
      b.latency(s, latencyFiles, rate, true);
      b.throughput(s, creates);
    }
    b.slowdown(sources, creates, runs);
  }

  private EventStream open(String source, Path root) throws IOException {
    EventOptions options = EventOptions.defaults();
    return switch (source) {
      case "bpf" -> BpfStream.open(root, options, "mmap");
      case "bpf-libbpf" -> BpfStream.open(root, options, "libbpf");
      case "fanotify" -> new FanotifyEventSource().open(root, options);
      case "inotify" -> new InotifyEventSource().open(root, options);
      default -> throw new IllegalArgumentException("unknown source " + source);
    };
  }

  private Path fresh(String name) throws IOException {
    Path d = base.resolve(name);
    if (Files.exists(d)) {
      try (var s = Files.walk(d)) {
        s.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
      }
    }
    return Files.createDirectories(d).toRealPath();
  }

  private long generate(Path dir, int count, String... paced)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of(generator.toString(), dir.toString(), Integer.toString(count)));
    cmd.addAll(List.of(paced));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (p.waitFor() != 0) {
      throw new IOException("make-files failed: " + cmd);
    }
    return Long.parseLong(out);
  }

  /**
   * Creates {@code files} files at {@code rate}/s; latency of each CREATED from the generator's
   * clock before open() to take().
   */
  private void latency(String source, int files, int rate, boolean report) throws Exception {
    Path dir = fresh("latency-" + source);
    Path log = base.resolve("latency-" + source + ".log");
    Map<String, Long> received = new HashMap<>();
    try (EventStream stream = open(source, dir)) {
      Thread consumer =
          new Thread(
              () -> {
                try {
                  for (FileEvent e; (e = stream.take()) != null; ) {
                    long t = System.nanoTime();
                    if (e.kind() == FileEvent.Kind.CREATED) {
                      synchronized (received) {
                        received.putIfAbsent(e.path().getFileName().toString(), t);
                      }
                    }
                  }
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
              });
      consumer.start();
      generate(dir, files, Integer.toString(rate), log.toString());
      quiet(received, files);
      stream.close();
      consumer.join();
    }
    long[] lat =
        Files.readAllLines(log).stream()
            .mapToLong(
                l -> {
                  String[] f = l.split(" ");
                  Long t;
                  synchronized (received) {
                    t = received.get(f[0]);
                  }
                  return t == null ? -1 : t - Long.parseLong(f[1]);
                })
            .filter(x -> x >= 0)
            .sorted()
            .toArray();
    if (!report) {
      return;
    }
    int missing = files - lat.length;
    String note =
        files
            + " files at "
            + rate
            + "/s"
            + (missing > 0 ? ", " + missing + " never reported" : "");
    row(source, "latency_p50", us(lat[lat.length / 2]), "us", note);
    row(source, "latency_p99", us(lat[(int) (lat.length * 0.99)]), "us", note);
    row(source, "latency_max", us(lat[lat.length - 1]), "us", note);
  }

  private static void quiet(Map<String, Long> received, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      synchronized (received) {
        if (received.size() >= expected) {
          return;
        }
      }
      Thread.sleep(10);
    }
  }

  /**
   * 100K creates as fast as make-files goes: events per second taken out of the stream, and whether
   * any were lost.
   */
  private void throughput(String source, int creates) throws Exception {
    Path dir = fresh("throughput-" + source);
    AtomicLong events = new AtomicLong();
    AtomicLong first = new AtomicLong();
    AtomicLong last = new AtomicLong();
    long lost;
    try (EventStream stream = open(source, dir)) {
      Thread consumer =
          new Thread(
              () -> {
                List<FileEvent> batch = new ArrayList<>(4096);
                try {
                  for (FileEvent e; (e = stream.take()) != null; ) {
                    long t = System.nanoTime();
                    first.compareAndSet(0, t);
                    batch.clear();
                    int n = 1 + stream.drainTo(batch, 4096);
                    events.addAndGet(n);
                    last.set(t);
                  }
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
              });
      consumer.start();
      long gen = generate(dir, creates);
      for (long seen = -1; seen != events.get(); Thread.sleep(500)) {
        seen = events.get(); // until half a second passes with no new event
      }
      lost = stream.lost();
      stream.close();
      consumer.join();
      double seconds = Math.max(1, last.get() - first.get()) / 1e9;
      String note =
          creates
              + " creates in "
              + ms(gen)
              + " ms; "
              + events.get()
              + " events, "
              + lost
              + " lost";
      row(source, "throughput", String.format("%.0f", events.get() / seconds), "events/s", note);
    }
  }

  /**
   * make-files' own time for the creates, capture off and on, alternated, median of {@code runs}.
   */
  private void slowdown(List<String> sources, int creates, int runs) throws Exception {
    Map<String, List<Long>> times = new HashMap<>();
    for (int r = 0; r < runs; r++) {
      times
          .computeIfAbsent("off", k -> new ArrayList<>())
          .add(generate(fresh("slowdown"), creates));
      for (String s : sources) {
        Path dir = fresh("slowdown");
        try (EventStream stream = open(s, dir)) {
          Thread consumer =
              new Thread(
                  () -> {
                    List<FileEvent> sink = new ArrayList<>();
                    try {
                      while (stream.take() != null) {
                        sink.clear();
                        stream.drainTo(sink, 4096);
                      }
                    } catch (InterruptedException ie) {
                      Thread.currentThread().interrupt();
                    }
                  });
          consumer.start();
          times.computeIfAbsent(s, k -> new ArrayList<>()).add(generate(dir, creates));
          stream.close();
          consumer.join();
        }
      }
    }
    long off = median(times.get("off"));
    row("none", "create_time", ms(off), "ms", creates + " creates, capture off, median of " + runs);
    for (String s : sources) {
      long on = median(times.get(s));
      row(s, "create_time", ms(on), "ms", creates + " creates, median of " + runs);
      row(
          s,
          "slowdown",
          String.format("%.1f", 100.0 * (on - off) / off),
          "%",
          "versus capture off");
    }
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static String us(long ns) {
    return String.format("%.0f", ns / 1000.0);
  }

  private static String ms(long ns) {
    return String.format("%.0f", ns / 1e6);
  }

  private static void row(String source, String metric, String value, String unit, String note) {
    System.out.println(source + "," + metric + "," + value + "," + unit + "," + note);
    System.out.flush();
  }
}
