// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static io.foxing.testkit.LoopFilesystems.Kind.BTRFS;
import static io.foxing.testkit.LoopFilesystems.Kind.XFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.TierUnavailableException;
import io.foxing.copy.SmartCopier;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of every copy tier found at run time (built-in or from another jar on the class
 * path), on real filesystems within one and across two: a tier either copies the bytes exactly,
 * keeping a sparse file's holes, or refuses with {@link TierUnavailableException} before it wrote
 * anything (the target is still empty), so the next tier starts from a clean file.
 */
class CopyTierContractTest {
  static Stream<CopyTier> tiers() {
    return SmartCopier.tiers().stream().filter(CopyTier::isAvailable);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tiers")
  void copiesExactlyOrRefusesBeforeWriting(CopyTier tier) throws Exception {
    Prerequisites.requireRoot("loop-mounted btrfs and XFS");
    Path src = LoopFilesystems.freshDir(BTRFS, "a", "tier-" + tier.name());
    Shell.bash(
            "cd \"$1\" && echo small > small && head -c 5000000 /dev/urandom > large"
                + " && truncate -s 20M sparse && dd if=/dev/urandom of=sparse bs=64K count=3 seek=100 conv=notrunc status=none",
            src.toString())
        .check();
    for (Path dst :
        List.of(
            LoopFilesystems.freshDir(BTRFS, "a", "tier-out-" + tier.name()),
            LoopFilesystems.freshDir(XFS, "a", "tier-out-" + tier.name()))) {
      for (String name : List.of("small", "large", "sparse")) {
        String where = tier.name() + ": " + src.resolve(name) + " -> " + dst.resolve(name);
        int in = Posix.openPath(src.resolve(name).toString(), LibC.O_RDONLY, where);
        int out =
            Posix.openat(
                LibC.AT_FDCWD,
                Posix.cstr(Names.bytes(dst.resolve(name).toString())),
                LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL,
                0644,
                where);
        try {
          FileStat s = Posix.fstat(in, where);
          FileStat d = Posix.fstat(out, where);
          try {
            tier.copy(new FileCopyRequest(in, out, s.size(), s.isSparse(), s.dev(), d.dev(), name));
          } catch (TierUnavailableException refused) {
            assertEquals(
                0,
                Files.size(dst.resolve(name)),
                where + ": refused after writing (" + refused.getMessage() + ")");
            continue;
          }
          Shell.run("cmp", src.resolve(name).toString(), dst.resolve(name).toString()).check();
          if (s.isSparse()) {
            FileStat copied = Posix.fstat(out, where);
            assertTrue(
                copied.isSparse(),
                where
                    + ": holes filled ("
                    + copied.blocks() * 512
                    + " bytes allocated for "
                    + copied.size()
                    + ")");
          }
        } finally {
          Posix.close(in);
          Posix.close(out);
        }
      }
    }
  }
}
