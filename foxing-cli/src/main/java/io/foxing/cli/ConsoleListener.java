// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import io.foxing.api.Change;
import io.foxing.api.CopyListener;
import io.foxing.posix.Posix;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What fxcp prints while copying: itemized changes (-i), entry names (-v), tiers and fallbacks
 * (--debug), and progress (--progress: 5 Hz status line on a terminal, 1 Hz lines otherwise, 1 Hz
 * JSON lines with --json). Thread-safe: the copier's workers call it concurrently.
 */
final class ConsoleListener extends CopyListener implements AutoCloseable {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean itemize;
  private final boolean verbose;
  private final boolean debug;
  private final boolean json;
  private final LongAdder filesDone = new LongAdder();
  private final LongAdder bytesDone = new LongAdder();
  private final AtomicLong filesTotal = new AtomicLong(-1);
  private final AtomicLong bytesTotal = new AtomicLong(-1);
  private volatile boolean scanComplete;
  private final Map<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
  private final Thread ticker;
  private final long started = System.nanoTime();
  private volatile boolean closed;
  private final boolean terminal = Posix.isTerminal(2); // progress is drawn on stderr

  ConsoleListener(
      PrintWriter out,
      PrintWriter err,
      boolean itemize,
      boolean verbose,
      boolean debug,
      boolean progress,
      boolean json) {
    this.out = out;
    this.err = err;
    this.itemize = itemize;
    this.verbose = verbose;
    this.debug = debug;
    this.json = json;
    if (progress) {
      long periodMs = json || !terminal ? 1000 : 200;
      ticker = new Thread(() -> tick(periodMs), "fxcp-progress");
      ticker.setDaemon(true);
      ticker.start();
    } else {
      ticker = null;
    }
  }

  @Override
  public void scanProgress(long files, long bytes, boolean complete) {
    filesTotal.set(files);
    bytesTotal.set(bytes);
    scanComplete = complete;
  }

  @Override
  public void fileEnd(String path, long bytes, String tier) {
    filesDone.increment();
    bytesDone.add(bytes);
    if (debug) {
      synchronized (err) {
        err.println("fxcp: [" + tier + "] " + path);
      }
    }
  }

  @Override
  public void fileUpToDate(String path, long size) {
    filesDone.increment();
    bytesDone.add(size);
  }

  @Override
  public void tierFallback(String path, String fromTier, String toTier, String reason) {
    String key = fromTier + " -> " + toTier + ": " + reason;
    LongAdder n = fallbacks.computeIfAbsent(key, k -> new LongAdder());
    n.increment();
    if (debug || verbose && n.sum() == 1) {
      synchronized (err) {
        err.println(
            "fxcp: fallback " + key + (debug ? " [" + path + "]" : " (first: " + path + ")"));
      }
    }
  }

  @Override
  public void changed(Change change) {
    if (itemize) {
      synchronized (out) {
        out.println(change.itemizeLine());
      }
    } else if (verbose) {
      synchronized (out) {
        out.println(
            change.code().startsWith("*deleting") ? "deleting " + change.path() : change.path());
      }
    }
  }

  @Override
  public void warning(String path, String message) {
    if (verbose) {
      synchronized (err) {
        err.println("fxcp: warning: " + path + ": " + message);
      }
    }
  }

  private void tick(long periodMs) {
    while (!closed) {
      try {
        Thread.sleep(periodMs);
      } catch (InterruptedException e) {
        return;
      }
      if (!closed) {
        printProgress(false);
      }
    }
  }

  private void printProgress(boolean last) {
    double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    long files = filesDone.sum();
    long bytes = bytesDone.sum();
    long rate = (long) (bytes / secs);
    long totalB = bytesTotal.get();
    long eta =
        scanComplete && rate > 0 && totalB >= bytes ? (totalB - bytes) / Math.max(1, rate) : -1;
    if (json) {
      synchronized (out) {
        out.println(
            "{\"type\":\"progress\",\"files_done\":"
                + files
                + ",\"bytes_done\":"
                + bytes
                + ",\"files_total\":"
                + filesTotal.get()
                + ",\"bytes_total\":"
                + totalB
                + ",\"scan_complete\":"
                + scanComplete
                + ",\"bytes_per_second\":"
                + rate
                + ",\"eta_seconds\":"
                + eta
                + "}");
      }
      return;
    }
    String total =
        filesTotal.get() < 0
            ? ""
            : String.format("/%,d%s", filesTotal.get(), scanComplete ? "" : "+");
    String line =
        String.format(
            "%,d%s files  %s  %s/s  ETA %s",
            files,
            total,
            Summary.bytes(bytes),
            Summary.bytes(rate),
            eta < 0 ? "--:--" : String.format("%d:%02d", eta / 60, eta % 60));
    synchronized (err) {
      if (terminal) {
        err.print("\r\033[K" + line + (last ? "\n" : ""));
      } else {
        err.println(line);
      }
      err.flush();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (ticker != null) {
      ticker.interrupt();
      try {
        ticker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      printProgress(true);
    }
    if (verbose && !debug) {
      fallbacks.forEach(
          (k, n) -> {
            if (n.sum() > 1) {
              err.println("fxcp: fallback " + k + " (" + n.sum() + " files)");
            }
          });
    }
    out.flush();
    err.flush();
  }
}
