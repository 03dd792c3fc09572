// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import static org.junit.jupiter.api.Assertions.*;

import io.foxing.nfs.testing.Ganesha;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the server limitation the copy tests allow for: if a ganesha ever applies times to a
 * symlink, this fails and the exception in {@link NfsCopyTest#rsyncDifferences} must go.
 */
class SymlinkTimesTest {
  @TempDir Path tmp;

  @Test
  void ganeshaVfsIgnoresTimesOnSymlinksAndLeavesTheTargetAlone() throws Exception {
    try (Ganesha g = Ganesha.start(tmp.resolve("server"));
        NfsClient nfs = NfsClient.connect(g.uri(""))) {
      nfs.writeFile(
          "target",
          new byte[] {1},
          NfsMetadata.builder().mtimeNanos(1_500_000_000_000_000_000L).build());
      long wanted = 1_000_000_000_000_000_000L;
      nfs.symlink("link", "target", NfsMetadata.builder().mtimeNanos(wanted).build());
      Path link = g.exportDir().resolve("link");
      assertNotEquals(
          wanted / 1_000_000,
          Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS).toMillis(),
          "the server now sets symlink times");
      assertEquals(
          1_500_000_000_000L,
          Files.getLastModifiedTime(g.exportDir().resolve("target")).toMillis(),
          "the symlink's target was touched");
    }
  }
}
