// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import static org.junit.jupiter.api.Assertions.*;

import io.foxing.api.Copier;
import io.foxing.api.Copiers;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.nfs.testing.Ganesha;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nfs://} targets through the copy SPI, checked by rsync on the export directory: after a
 * copy, {@code rsync -aniH --delete src/ export/dst/} prints nothing. (No -A/-X: NFSv4 here does
 * not carry xattrs or POSIX ACLs; the target refuses them.)
 */
class NfsCopyTest {
  @TempDir Path tmp;

  /** The way an application opens it: the copy engine with this module's nfs:// target. */
  static Copier copier(Ganesha g, String sub, CopyOptions options) throws Exception {
    return Copiers.open(g.uri(sub).toString(), options);
  }

  /**
   * What {@code rsync -aniH --delete} finds different, except a symlink's own times: ganesha 4.3's
   * VFS backend answers OK to a SETATTR of times on a symlink but does not apply it (seen: the
   * symlink keeps its creation time), so no NFS client can set them there.
   */
  static List<String> rsyncDifferences(Path src, Path dst) {
    Prerequisites.requireCommand("rsync");
    Shell.Result r = Shell.run("rsync", "-aniH", "--delete", src + "/", dst + "/").check();
    return r.stdout().lines().filter(l -> !l.isBlank() && !l.startsWith(".L..t...... ")).toList();
  }

  /**
   * Every file type, modes with set-id and sticky bits, owners, ns times, hard links, odd sizes.
   */
  static void tree(Path dir) {
    Shell.bash(
            """
        set -e
        d="$1"; mkdir -p "$d/sub/deeper" "$d/empty" "$d/sticky"
        chmod 1777 "$d/sticky"
        printf 'hello\\n' > "$d/hello.txt"
        : > "$d/zero"
        head -c 4096 /dev/urandom > "$d/sub/4k"
        head -c 1048576 /dev/urandom > "$d/sub/1m"
        head -c 3145733 /dev/urandom > "$d/sub/deeper/3m-odd"
        printf 'x' > "$d/sub/setuid"; chmod 4755 "$d/sub/setuid"
        printf 'owned' > "$d/sub/owned"; chown 1234:5678 "$d/sub/owned"
        ln "$d/hello.txt" "$d/sub/hardlink"
        ln "$d/hello.txt" "$d/sub/deeper/hardlink2"
        ln -s hello.txt "$d/rel-link"
        ln -s /etc/passwd "$d/abs-link"
        ln -s missing "$d/sub/dangling"
        mkfifo "$d/sub/fifo"
        mknod "$d/sub/null-dev" c 1 3
        mknod "$d/sub/blk-dev" b 7 200
        printf 'name with spaces' > "$d/sub/a name with spaces"
        printf 'utf8' > "$d/sub/naïve-ünïcode-名前"
        touch -h -d '2001-02-03 04:05:06.123456789' "$d/rel-link"
        touch -d '1999-12-31 23:59:59.987654321' "$d/hello.txt" "$d/sub/4k"
        touch -d '2010-01-01 00:00:00.5' "$d/sub"
        """,
            dir.toString())
        .check();
  }

  @Test
  void archiveCopyThenResyncThenDelete() throws Exception {
    Prerequisites.requireRoot("owners and devices in the test tree");
    try (Ganesha g = Ganesha.start(tmp.resolve("server"))) {
      Path src = tmp.resolve("src");
      tree(src);
      CopyReport first =
          copier(g, "dst", CopyOptions.archive()).copy(List.of(src + "/"), CopyListener.NONE);
      assertEquals(List.of(), first.failures());
      Path dst = g.exportDir().resolve("dst");
      assertEquals(
          List.of(), rsyncDifferences(src, dst), "rsync -aniH --delete after fxcp -a to nfs://");
      assertTrue(first.filesCopied() >= 9, first.toString());
      assertEquals(2, first.hardLinks());

      // unchanged: nothing is written again
      CopyReport second =
          copier(g, "dst", CopyOptions.archive()).copy(List.of(src + "/"), CopyListener.NONE);
      assertEquals(0, second.filesCopied(), second.toString());
      assertEquals(first.filesCopied(), second.filesUpToDate(), second.toString());

      // edits, a type change, deletions: --delete makes the target equal again
      Shell.bash(
              """
          set -e; d="$1"
          printf 'changed' > "$d/sub/4k"
          rm -r "$d/sub/deeper" "$d/zero"
          rm "$d/rel-link"; mkdir "$d/rel-link"
          chmod 700 "$d/empty"
          head -c 2000000 /dev/urandom > "$d/sub/1m"
          """,
              src.toString())
          .check();
      // through the server (ganesha caches directories; files made behind its back show up later)
      try (NfsClient nfs = NfsClient.connect(g.uri("dst"))) {
        nfs.writeFile(
            "only-on-target",
            "stale".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            NfsMetadata.NONE);
        nfs.mkdirs("stale-dir/inner");
        nfs.writeFile("stale-dir/inner/f", new byte[10], NfsMetadata.NONE);
      }
      CopyReport third =
          copier(g, "dst", CopyOptions.archive().toBuilder().delete(true).build())
              .copy(List.of(src + "/"), CopyListener.NONE);
      assertEquals(List.of(), third.failures());
      assertEquals(List.of(), rsyncDifferences(src, dst));
      try (Stream<Path> all = Files.walk(dst)) {
        assertEquals(
            List.of(),
            all.filter(p -> p.getFileName().toString().contains(".fxtmp-")).toList(),
            "no temporary files left");
      }
    }
  }

  @Test
  void serverRestartInTheMiddleLosesAndDuplicatesNothing() throws Exception {
    Prerequisites.requireRoot("ganesha");
    try (Ganesha g = Ganesha.start(tmp.resolve("server"))) {
      Path src = tmp.resolve("src");
      Shell.bash(
              """
          set -e; d="$1"
          for i in $(seq 1 40); do mkdir -p "$d/dir$i"; for j in $(seq 1 50); do head -c $((i * 37 + j * 11)) /dev/urandom > "$d/dir$i/f$j"; done; done
          for i in 1 2 3; do head -c 20000000 /dev/urandom > "$d/dir$i/large$i"; done
          """,
              src.toString())
          .check();
      Copier c = copier(g, "dst", CopyOptions.archive());
      CompletableFuture<CopyReport> copy =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return c.copy(List.of(src + "/"), CopyListener.NONE);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Path dst = g.exportDir().resolve("dst");
      // restart once a few hundred files have landed
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (countFiles(dst) < 300 && !copy.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertFalse(
          copy.isDone(), "the copy finished before the restart could happen; make the tree larger");
      g.restart();
      CopyReport report = copy.get(120, TimeUnit.SECONDS);
      assertEquals(List.of(), report.failures());
      assertEquals(2003, report.filesCopied());
      assertEquals(List.of(), rsyncDifferences(src, dst));
      try (Stream<Path> all = Files.walk(dst)) {
        assertEquals(
            List.of(),
            all.filter(p -> p.getFileName().toString().contains(".fxtmp-")).toList(),
            "no temporary files left");
      }
    }
  }

  private static long countFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    } catch (Exception e) {
      return 0; // files appear and are renamed while we count
    }
  }
}
