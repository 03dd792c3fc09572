// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static io.foxing.testkit.LoopFilesystems.Kind.BTRFS;
import static io.foxing.testkit.LoopFilesystems.Kind.TMPFS;
import static io.foxing.testkit.LoopFilesystems.Kind.XFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.LoopFilesystems.Kind;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Trees;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The promise of {@code fxcp -a}: after a copy between real filesystems, rsync finds nothing to do,
 * holes stay holes, and within btrfs or XFS the copy shares extents with its source.
 */
class FaithfulCopyTest {
  static Stream<Arguments> filesystemPairs() {
    return Stream.of(
        Arguments.of(BTRFS, "a", BTRFS, "a"),
        Arguments.of(XFS, "a", XFS, "a"),
        Arguments.of(BTRFS, "a", XFS, "a"),
        Arguments.of(XFS, "a", BTRFS, "a"),
        Arguments.of(BTRFS, "a", TMPFS, "a"),
        Arguments.of(TMPFS, "a", XFS, "a"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("filesystemPairs")
  void archiveCopyLeavesNothingForRsyncToDo(
      Kind srcKind, String srcName, Kind dstKind, String dstName) {
    Path src = LoopFilesystems.freshDir(srcKind, srcName, "src-" + dstKind);
    Path dst = LoopFilesystems.get(dstKind, dstName).resolve("dst-from-" + srcKind);
    io.foxing.testkit.Shell.run("rm", "-rf", dst.toString()).check();
    Trees.adversarial(src);

    CopyReport report = copy(src, dst);

    assertEquals(List.of(), report.failures(), "failures");
    assertEquals(CopyReport.Status.SUCCESS, report.status());
    Oracles.assertFaithful(src, dst);
    for (String sparse :
        List.of(
            "sparse-middle", "sparse-leading-hole", "sparse-trailing-hole", "sparse-all-hole")) {
      assertTrue(
          Oracles.blocks(dst.resolve(sparse)) <= Oracles.blocks(src.resolve(sparse)),
          sparse + " uses more blocks on the target than on the source");
    }
    boolean sameFs = srcKind == dstKind && srcName.equals(dstName);
    if (sameFs && srcKind != TMPFS) {
      assertTrue(
          Oracles.sharesAllExtents(dst.resolve("nine-MiB")),
          "a copy within " + srcKind + " must be a reflink");
      assertTrue(
          report.filesByTier().getOrDefault("reflink", 0L) > 0,
          "report names the reflink tier: " + report.filesByTier());
    } else {
      assertEquals(
          0L, report.filesByTier().getOrDefault("reflink", 0L), "no reflink across filesystems");
    }
    // hard links: 2 groups of 3 and 2 paths -> 3 links made, not copies
    assertEquals(3, report.hardLinks(), "hard links created");

    CopyReport again = copy(src, dst);
    assertEquals(0, again.filesCopied(), "second run copies nothing: " + again);
    assertEquals(0, again.metadataUpdated(), "second run changes no metadata: " + again);
    Oracles.assertFaithful(src, dst);
  }

  private static CopyReport copy(Path src, Path dst) {
    try {
      return SmartCopier.to(dst.toString(), CopyOptions.archive())
          .copy(List.of(src + "/"), CopyListener.NONE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
