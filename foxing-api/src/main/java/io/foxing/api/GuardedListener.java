// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.nio.file.Path;
import java.util.List;

/**
 * See {@link CopyListener#guarded}: every call passed on, every exception it throws logged and
 * dropped.
 */
final class GuardedListener extends CopyListener {
  private static final System.Logger LOG = System.getLogger(CopyListener.class.getName());
  private final CopyListener inner;

  GuardedListener(CopyListener inner) {
    this.inner = inner;
  }

  private interface Call {
    void run();
  }

  private static void guard(String event, String path, Call call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "listener failed on " + event + (path == null ? "" : " of " + path) + "; ignored",
          e);
    }
  }

  @Override
  public void copyStart(List<Path> sources, String target, CopyOptions options) {
    guard("copyStart", target, () -> inner.copyStart(sources, target, options));
  }

  @Override
  public void scanProgress(long files, long bytes, boolean complete) {
    guard("scanProgress", null, () -> inner.scanProgress(files, bytes, complete));
  }

  @Override
  public void fileStart(String path, long size) {
    guard("fileStart", path, () -> inner.fileStart(path, size));
  }

  @Override
  public void fileEnd(String path, long bytes, String tier) {
    guard("fileEnd", path, () -> inner.fileEnd(path, bytes, tier));
  }

  @Override
  public void fileUpToDate(String path, long size) {
    guard("fileUpToDate", path, () -> inner.fileUpToDate(path, size));
  }

  @Override
  public void fileFailed(String path, Exception cause) {
    guard("fileFailed", path, () -> inner.fileFailed(path, cause));
  }

  @Override
  public void tierFallback(String path, String fromTier, String toTier, String reason) {
    guard("tierFallback", path, () -> inner.tierFallback(path, fromTier, toTier, reason));
  }

  @Override
  public void changed(Change change) {
    guard("changed", change.path(), () -> inner.changed(change));
  }

  @Override
  public void warning(String path, String message) {
    guard("warning", path, () -> inner.warning(path, message));
  }

  @Override
  public void copyEnd(CopyReport report) {
    guard("copyEnd", null, () -> inner.copyEnd(report));
  }
}
