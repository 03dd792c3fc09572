package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foxing.copy.testing.Oracles;
import io.foxing.copy.testing.Shell;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors are bounded by depth and workers, not by the width of the tree. */
class ResourceLimitsTest {
  @TempDir Path tmp;

  @Test
  void aWideTreeCopiesWithinASmallDescriptorLimit() {
    Path src = tmp.resolve("src");
    Shell.bash("mkdir -p \"$1\" && cd \"$1\" && for i in $(seq 3000); do mkdir d$i && echo $i > d$i/f; done", src.toString()).check();
    Path dst = tmp.resolve("dst");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // 3,000 sibling directories under a limit of 256 open files (the JVM itself uses ~30)
    Shell.Result r = Shell.run("bash", "-c", "ulimit -n 256 && exec \"$0\" -cp \"$1\" io.foxing.cli.Fxcp -a \"$2/\" \"$3\"",
        java, System.getProperty("java.class.path"), src.toString(), dst.toString());
    assertEquals(0, r.exitCode(), r.stderr());
    Oracles.assertFaithful(src, dst);
  }
}
