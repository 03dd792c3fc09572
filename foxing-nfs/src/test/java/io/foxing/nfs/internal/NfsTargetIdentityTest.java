// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.nfs.NfsException;
import io.foxing.nfs.NfsStatus;
import io.foxing.nfs.testing.Ganesha;
import io.foxing.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An nfs:// target's identity (the server's scope and owner, and the filesystem id) and free space,
 * as a mirror uses them to tell a server that came back from another one, and a full server from a
 * broken one. Against a real ganesha.
 */
class NfsTargetIdentityTest {
  @TempDir Path tmp;

  @Test
  void theSameServerAndExportKeepTheirIdentityAcrossARestartAndReportTheirRoom() throws Exception {
    try (Ganesha g = Ganesha.start(tmp)) {
      Files.createDirectories(g.exportDir().resolve("mirror"));
      String before;
      long room;
      try (NfsTarget t = new NfsTarget(g.uri("mirror"), CopyOptions.archive())) {
        before = t.identity();
        room = t.available();
        try (NfsTarget absent = new NfsTarget(g.uri("not-there"), CopyOptions.archive())) {
          assertNull(absent.identity(), "no directory: no identity");
        }
      }
      assertNotNull(before);
      assertTrue(before.matches("nfs:[0-9a-f]*/[0-9a-f]+,fsid:\\d+\\.\\d+"), before);
      long df =
          Long.parseLong(
              Shell.run("df", "-B1", "--output=avail", g.exportDir().toString())
                  .check()
                  .stdout()
                  .lines()
                  .skip(1)
                  .findFirst()
                  .orElseThrow()
                  .strip());
      assertTrue(
          Math.abs(room - df) < Math.max(64L << 20, df / 20),
          "space_avail " + room + " vs df's " + df);
      g.restart();
      try (NfsTarget t = new NfsTarget(g.uri("mirror"), CopyOptions.archive())) {
        assertEquals(before, t.identity(), "the same server and export after a restart");
      }
    }
  }

  @Test
  void aFullServerIsReportedAsNoSpace() {
    NfsException full = new NfsException(NfsStatus.NOSPC.code(), "WRITE", "/export/f");
    assertTrue(
        full.getCause() instanceof ErrnoException.NoSpace e && e.errnoName().equals("ENOSPC"),
        String.valueOf(full.getCause()));
    NfsException quota = new NfsException(NfsStatus.DQUOT.code(), "WRITE", "/export/f");
    assertTrue(
        quota.getCause() instanceof ErrnoException.NoSpace e && e.errnoName().equals("EDQUOT"),
        String.valueOf(quota.getCause()));
    assertNull(new NfsException(NfsStatus.NOENT.code(), "LOOKUP", "/x").getCause());
  }
}
