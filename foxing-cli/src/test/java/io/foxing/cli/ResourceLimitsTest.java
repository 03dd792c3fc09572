// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foxing.testkit.Oracles;
import io.foxing.testkit.Shell;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors are bounded by depth and workers, not by the width of the tree. */
class ResourceLimitsTest {
  @TempDir Path tmp;

  @Test
  void aWideTreeCopiesWithinASmallDescriptorLimit() {
    Path src = tmp.resolve("src");
    Shell.bash(
            "mkdir -p \"$1\" && cd \"$1\" && for i in $(seq 3000); do mkdir d$i && echo $i > d$i/f; done",
            src.toString())
        .check();
    Path dst = tmp.resolve("dst");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // 3,000 sibling directories under a limit of 256 open files (the JVM itself uses ~30)
    Shell.Result r =
        Shell.run(
            "bash",
            "-c",
            "ulimit -n 256 && exec \"$0\" -cp \"$1\" io.foxing.cli.Fxcp -a \"$2/\" \"$3\"",
            java,
            System.getProperty("java.class.path"),
            src.toString(),
            dst.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    Oracles.assertFaithful(src, dst);
  }

  /**
   * 20,000 hard-link groups whose second names come in a later directory: no descriptor is held per
   * group while it waits (rsync -aH copies this within any limit; so must we).
   */
  @Test
  void twentyThousandHardLinkGroupsCopyWithinASmallDescriptorLimit() {
    Path src = tmp.resolve("src");
    Shell.run(
            "python3",
            "-c",
            "import os,sys\nfor d in ('a','b'): os.makedirs(os.path.join(sys.argv[1], d))\n"
                + "for i in range(20000):\n    p = os.path.join(sys.argv[1], 'a', 'f%d' % i)\n    open(p, 'w').write(str(i))\n"
                + "    os.link(p, os.path.join(sys.argv[1], 'b', 'f%d' % i))",
            src.toString())
        .check();
    Path dst = tmp.resolve("dst");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Shell.Result r =
        Shell.run(
            "bash",
            "-c",
            "ulimit -n 256 && exec \"$0\" -cp \"$1\" io.foxing.cli.Fxcp -a \"$2/\" \"$3\"",
            java,
            System.getProperty("java.class.path"),
            src.toString(),
            dst.toString());
    assertEquals(0, r.exitCode(), r.stderr().lines().limit(5).toList().toString());
    Oracles.assertFaithful(src, dst); // -H: every pair is one inode again
  }

  /** An archive of many small files imports within the same limit: files in flight are bounded. */
  @Test
  void manySmallFilesImportWithinASmallDescriptorLimit() {
    Path src = tmp.resolve("src");
    Shell.run(
            "python3",
            "-c",
            "import os,sys\nos.makedirs(sys.argv[1])\nfor i in range(20000): open(os.path.join(sys.argv[1], \"f%d\" % i), \"w\").write(str(i))",
            src.toString())
        .check();
    Path archive = tmp.resolve("a.fxar");
    assertEquals(
        0, FxcpCommandTest.fxcp("snap", "export", src.toString(), "-o", archive.toString()).exit());
    Path dst = tmp.resolve("dst");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Shell.Result r =
        Shell.run(
            "bash",
            "-c",
            "ulimit -n 256 && exec \"$0\" -cp \"$1\" io.foxing.cli.Fxcp snap import --threads 1 \"$2\" \"$3\"",
            java,
            System.getProperty("java.class.path"),
            archive.toString(),
            dst.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    Oracles.assertFaithful(src, dst);
  }
}
