// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import io.foxing.api.CopyReport;

/** One human line about a report, and byte counts people can read. */
final class Summary {
  private Summary() {}

  static String of(CopyReport r) {
    return String.format(
            "%s%d files copied (%s), %d up to date, %d dirs, %d symlinks, %d hard links, %d special, %d deleted, %d excluded in %.2fs; tiers %s",
            r.dryRun() ? "dry run: " : "",
            r.filesCopied(),
            bytes(r.bytesCopied()),
            r.filesUpToDate(),
            r.directories(),
            r.symlinks(),
            r.hardLinks(),
            r.specials(),
            r.deleted(),
            r.excluded(),
            r.duration().toNanos() / 1e9,
            r.filesByTier())
        + (r.throttled().isZero()
            ? ""
            : String.format(
                "; workers rested %.2fs for the machine's pressure",
                r.throttled().toNanos() / 1e9));
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
