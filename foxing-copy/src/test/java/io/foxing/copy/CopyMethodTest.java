// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static io.foxing.testkit.LoopFilesystems.Kind.BTRFS;
import static io.foxing.testkit.LoopFilesystems.Kind.XFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.spi.CopyTier;
import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every tier, forced, gives the same faithful result; automatic fallback is reported, never silent.
 */
class CopyMethodTest {
  /**
   * Files of every shape a tier must handle: empty, small, large, sparse with leading and trailing
   * holes.
   */
  private static Path sourceTree(String name) {
    Path src = LoopFilesystems.freshDir(BTRFS, "a", name);
    Shell.bash(
            "cd \"$1\" && : > empty && echo small > small && head -c 5000000 /dev/urandom > large"
                + " && truncate -s 20M sparse && dd if=/dev/urandom of=sparse bs=64K count=3 seek=100 conv=notrunc status=none"
                + " && touch -d '2011-01-01 01:01:01.5' small",
            src.toString())
        .check();
    return src;
  }

  @ParameterizedTest(name = "--copy-method {0}, btrfs -> btrfs and btrfs -> xfs")
  @EnumSource(
      value = CopyMethod.class,
      names = {"COPY_FILE_RANGE", "SENDFILE", "READ_WRITE", "REFLINK"})
  void forcedMethodCopiesFaithfullyOrFailsClearly(CopyMethod method) throws IOException {
    Path src = sourceTree("methods-" + method.cliName());
    CopyOptions opts = CopyOptions.builder().copyMethod(method).build();
    for (Path dst :
        List.of(
            LoopFilesystems.get(BTRFS, "a").resolve("out-" + method.cliName()),
            LoopFilesystems.get(XFS, "a").resolve("out-" + method.cliName()))) {
      Shell.run("rm", "-rf", dst.toString()).check();
      CopyReport r =
          SmartCopier.to(dst.toString(), opts).copy(List.of(src + "/"), CopyListener.NONE);
      boolean crossDevice = Oracles.isXfs(dst);
      if ((method == CopyMethod.REFLINK || method == CopyMethod.COPY_FILE_RANGE) && crossDevice) {
        // since Linux 5.19 copy_file_range refuses most cross-filesystem pairs (EXDEV), like
        // FICLONE
        assertEquals(
            CopyReport.Status.PARTIAL, r.status(), method + " cannot cross filesystems: " + r);
        assertEquals(
            3, r.failures().size(), "small, large and sparse fail; the empty file needs no tier");
        assertTrue(
            r.failures()
                .get(0)
                .reason()
                .contains("--copy-method " + method.cliName() + " cannot copy this file"),
            r.failures().toString());
        continue;
      }
      if (method == CopyMethod.SENDFILE) {
        // sendfile would fill holes: forced, the sparse file fails with the reason rather than
        // silently grow
        assertEquals(1, r.failures().size(), r.failures().toString());
        assertTrue(r.failures().get(0).reason().contains("holes"), r.failures().toString());
        continue;
      }
      assertEquals(List.of(), r.failures());
      assertEquals(Map.of(method.cliName(), 3L, "empty", 1L), r.filesByTier());
      Oracles.assertFaithful(src, dst);
      assertTrue(
          Oracles.blocks(dst.resolve("sparse")) <= Oracles.blocks(src.resolve("sparse")),
          "holes kept");
    }
  }

  @Test
  void fallbackAcrossFilesystemsIsAutomaticAndReported() throws IOException {
    Path src = sourceTree("fallback");
    Path dst = LoopFilesystems.get(XFS, "a").resolve("fallback");
    Shell.run("rm", "-rf", dst.toString()).check();
    Map<String, String> fallbacks = new ConcurrentHashMap<>();
    CopyReport r =
        SmartCopier.to(dst.toString(), CopyOptions.archive())
            .copy(
                List.of(src + "/"),
                new CopyListener() {
                  @Override
                  public void tierFallback(String path, String from, String to, String reason) {
                    fallbacks.merge(path, from + ">" + to, (a, b) -> a + "," + b);
                  }
                });
    assertEquals(List.of(), r.failures());
    assertEquals(0L, r.filesByTier().getOrDefault("reflink", 0L));
    assertEquals("reflink>cfr,cfr>sendfile", fallbacks.get("small"));
    assertEquals(
        "reflink>cfr,cfr>sendfile,sendfile>rw",
        fallbacks.get("sparse"),
        "sparse files skip sendfile");
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void tiersAreListedByPriorityAndCanBeSwitchedOff() {
    List<String> names = new ArrayList<>();
    for (CopyTier t : SmartCopier.tiers()) {
      names.add(t.name());
      assertTrue(t.isAvailable(), t.name() + ": " + t.unavailabilityCause());
    }
    assertEquals(List.of("reflink", "cfr", "sendfile", "rw"), names);
  }
}
