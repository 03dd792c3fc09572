// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Checks that no one here wrote: rsync's itemized comparison, stat, filefrag. */
public final class Oracles {
  private Oracles() {}

  /**
   * What {@code rsync -aniHAX --delete src/ dst/} prints: nothing when dst is a faithful copy. XFS
   * shows root its on-disk ACL form as {@code trusted.SGI_ACL_*} xattrs beside {@code
   * system.posix_acl_*}; they are the same ACL, so they are filtered when XFS is involved (rsync
   * itself cannot copy btrfs to XFS without that difference).
   */
  public static List<String> rsyncDifferences(Path src, Path dst) {
    Prerequisites.requireCommand("rsync");
    List<String> cmd = new ArrayList<>(List.of("rsync", "-aniHAX", "--delete"));
    if (isXfs(src) || isXfs(dst)) {
      cmd.add("--filter=-x trusted.SGI_ACL_*");
    }
    cmd.add(src + "/");
    cmd.add(dst + "/");
    Shell.Result r = Shell.run(cmd.toArray(new String[0])).check();
    return r.stdout().isBlank() ? List.of() : List.of(r.stdout().strip().split("\n"));
  }

  public static void assertFaithful(Path src, Path dst) {
    assertEquals(
        List.of(),
        rsyncDifferences(src, dst),
        "rsync -aniHAX --delete " + src + "/ " + dst + "/ must print nothing");
  }

  public static boolean isXfs(Path p) {
    return Shell.run("stat", "-f", "-c", "%T", p.toString()).stdout().strip().equals("xfs");
  }

  /** Allocated 512-byte blocks, from stat(1). */
  public static long blocks(Path p) {
    return Long.parseLong(Shell.run("stat", "-c", "%b", p.toString()).check().stdout().strip());
  }

  /** Whether filefrag(8) reports every extent of the file as shared (a reflink copy). */
  public static boolean sharesAllExtents(Path p) {
    String out = Shell.run("filefrag", "-v", p.toString()).check().stdout();
    long extents = 0;
    long shared = 0;
    for (String line : out.split("\n")) {
      if (line.matches("\\s*\\d+:.*")) {
        extents++;
        if (line.contains("shared")) {
          shared++;
        }
      }
    }
    return extents > 0 && extents == shared;
  }
}
