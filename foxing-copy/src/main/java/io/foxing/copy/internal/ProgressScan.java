// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.api.FilterRules;
import io.foxing.api.spi.FileStat;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import io.foxing.posix.TreeWalker;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the copy will have to look at (regular files and bytes, after filters) on a thread of
 * its own, so a progress display can show totals and an ETA without delaying the copy's start.
 * Reports to the listener every 4096 entries and once at the end.
 */
public final class ProgressScan implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressScan.class);

  private final List<TreeCopy.Root> roots;
  private final FilterRules filters;
  private final CopyListener listener;
  private final Thread thread;
  private volatile boolean stopped;
  private long files;
  private long bytes;

  private ProgressScan(List<TreeCopy.Root> roots, CopyOptions options, CopyListener listener) {
    this.roots = roots;
    this.filters = options.filters();
    this.listener = listener;
    this.thread = new Thread(this, "fxcp-scan");
    this.thread.setDaemon(true);
  }

  public static ProgressScan start(
      List<TreeCopy.Root> roots, CopyOptions options, CopyListener listener) {
    ProgressScan s = new ProgressScan(roots, options, listener);
    s.thread.start();
    return s;
  }

  /**
   * Stops the scan and waits for it, interrupted or not: the roots' descriptors are closed after
   * this.
   */
  public void stop() {
    stopped = true;
    // a cancelled copy comes back with its flag set: wait all the same
    if (Waits.through(
        () -> {
          thread.join();
          return true;
        },
        () -> {})) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    try {
      for (TreeCopy.Root r : roots) {
        byte[] c = Posix.cstr(r.srcName());
        FileStat st = Posix.statIfExists(r.srcDirFd(), c, r.relPath());
        if (st != null) {
          visit(
              r.srcDirFd(), c, r.relPath().isEmpty() ? "" : Names.raw(r.srcName()), st, r.scope());
        }
      }
      if (!stopped) {
        listener.scanProgress(files, bytes, true);
      }
    } catch (CancellationException e) {
      // stopped: the copy ended first
    } catch (Exception e) {
      LOG.debug("progress scan ended early", e);
    }
  }

  /**
   * @param scope what -R names below the root (null: everything)
   */
  private void visit(int dirfd, byte[] cname, String raw, FileStat st, FilterRules scope)
      throws Exception {
    if (!st.isDirectory()) {
      count(st);
      return;
    }
    int fd = Posix.openat(dirfd, cname, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, 0, raw);
    try {
      TreeWalker.walk(
          fd,
          raw,
          false,
          new TreeWalker.Visitor() {
            @Override
            public boolean visit(TreeWalker.Entry e) {
              if (stopped) {
                throw new CancellationException();
              }
              String childRaw =
                  raw.isEmpty() ? Names.raw(e.path()) : raw + "/" + Names.raw(e.path());
              // (rules of dir-merge files are not read here: the totals are an estimate)
              if (scope != null && scope.isExcluded(childRaw, e.stat().isDirectory())
                  || filters.isExcluded(childRaw, e.stat().isDirectory())) {
                return false;
              }
              count(e.stat());
              return true;
            }

            @Override
            public void failed(String where, ErrnoException e) {
              // an estimate: what cannot be read (an excluded directory of mode 000) is left out
            }
          });
    } finally {
      Posix.close(fd);
    }
  }

  /** What the copy reports progress on: regular files and their bytes. */
  private void count(FileStat st) {
    if (st.isRegular()) {
      files++;
      bytes += st.size();
      if ((files & 4095) == 0) {
        listener.scanProgress(files, bytes, false);
      }
    }
  }
}
