// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foxing.cli.FxcpCommandTest.Run;
import io.foxing.nfs.testing.Ganesha;
import io.foxing.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fxcp -a SRC/ nfs://...} as a user runs it, against a real ganesha, checked on the export
 * directory by rsync.
 */
class NfsTargetCommandTest {
  @TempDir Path tmp;

  @Test
  void archiveCopyToNfsWithJsonReportThenMirrorWithDelete() throws Exception {
    try (Ganesha g = Ganesha.start(tmp.resolve("server"))) {
      Path src = tmp.resolve("src");
      Shell.bash(
              """
          set -e; d="$1"; mkdir -p "$d/a/b"
          for i in $(seq 1 30); do head -c $((i * 100)) /dev/urandom > "$d/a/f$i"; done
          head -c 3000000 /dev/urandom > "$d/a/b/big"
          ln -s ../f1 "$d/a/b/link"; chmod 750 "$d/a/b"
          """,
              src.toString())
          .check();
      String target = g.uri("copy").toString();
      Run r = FxcpCommandTest.fxcp("-a", "--json", src + "/", target);
      assertEquals(0, r.exit(), r.err());
      JsonNode report =
          new ObjectMapper().readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
      assertEquals("success", report.get("status").asText());
      assertEquals(31, report.get("files_copied").asInt());
      assertEquals(30, report.get("files_by_tier").get("nfs-compound").asInt());
      assertEquals(1, report.get("files_by_tier").get("nfs-stream").asInt());
      Path dst = g.exportDir().resolve("copy");
      String diff = Shell.run("rsync", "-aniH", "--delete", src + "/", dst + "/").check().stdout();
      assertEquals(
          "",
          diff.lines().filter(l -> !l.startsWith(".L..t...... ")).reduce("", String::concat),
          diff);

      Files.delete(src.resolve("a/f7"));
      Run again = FxcpCommandTest.fxcp("-ai", "--delete", src + "/", target);
      assertEquals(0, again.exit(), again.err());
      assertTrue(again.out().contains("*deleting   a/f7"), again.out());
      assertFalse(Files.exists(dst.resolve("a/f7")));
    }
  }
}
