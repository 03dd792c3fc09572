// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static io.foxing.testkit.LoopFilesystems.Kind.BTRFS;
import static io.foxing.testkit.LoopFilesystems.Kind.XFS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Shell;
import io.foxing.testkit.Trees;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Export then import of the adversarial tree (every file type, sparse files, hard links, xattrs,
 * ACLs, owners, odd names, ns times) on real file systems; rsync -aniHAX --delete, which no one
 * here wrote, must find nothing to change.
 */
class TreeRoundTripTest {
  @Test
  void fxarFileRoundTripBtrfsToXfs() throws IOException {
    Path src = LoopFilesystems.freshDir(BTRFS, "a", "fxar-src");
    Trees.adversarial(src);
    Path archive = LoopFilesystems.get(BTRFS, "a").resolve("tree.fxar");
    List<String> problems = new ArrayList<>();
    try (OutputStream out = Files.newOutputStream(archive)) {
      ArchiveStats s =
          Snapshots.export(src, out, Snapshots.Format.FXAR, FxarOptions.defaults(), problems::add);
      assertTrue(s.files() > 0 && s.distinctChunks() > 0, s.toString());
    }
    assertEquals(List.of(), problems);
    Path dst = LoopFilesystems.get(XFS, "a").resolve("fxar-dst");
    Shell.run("rm", "-rf", dst.toString()).check();
    try (InputStream in = Files.newInputStream(archive)) {
      Snapshots.Result r = Snapshots.importArchive(in, dst, FxarOptions.defaults());
      assertEquals(List.of(), r.failures());
    }
    Oracles.assertFaithful(src, dst);
    try (FxarFile f = FxarFile.open(archive)) {
      assertEquals(List.of(), f.verify());
    }
  }

  @Test
  void pipeToPipeRoundTripWithOneThreadAndLz4() throws Exception {
    Path src = LoopFilesystems.freshDir(XFS, "a", "fxar-pipe-src");
    Trees.adversarial(src);
    Path dst = LoopFilesystems.get(BTRFS, "a").resolve("fxar-pipe-dst");
    Shell.run("rm", "-rf", dst.toString()).check();
    FxarOptions opts =
        FxarOptions.builder()
            .threads(1)
            .compression(Compression.parse("lz4"))
            .memoryBudget(4 << 20)
            .build();
    PipedInputStream in = new PipedInputStream(1 << 16);
    PipedOutputStream out = new PipedOutputStream(in);
    CompletableFuture<ArchiveStats> writer =
        CompletableFuture.supplyAsync(
            () -> {
              try (out) {
                return Snapshots.export(src, out, Snapshots.Format.FXAR, opts, p -> {});
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Snapshots.Result r = Snapshots.importArchive(in, dst, opts);
    writer.get();
    assertEquals(List.of(), r.failures());
    Oracles.assertFaithful(src, dst);
  }

  /**
   * What tar cannot carry, as GNU tar: sockets (skipped with a warning) and extended attributes
   * with an empty value (a pax record with an empty value deletes the key). Everything else must
   * come back.
   */
  @Test
  void tarRoundTripWithEveryCompressor() throws IOException {
    Path src = LoopFilesystems.freshDir(BTRFS, "a", "tar-src");
    Trees.adversarial(src);
    for (String codec : new String[] {"zstd", "gzip", "xz", "lz4", "none"}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      List<String> problems = new ArrayList<>();
      Snapshots.export(
          src,
          bytes,
          Snapshots.Format.TAR,
          FxarOptions.builder().compression(Compression.parse(codec)).build(),
          problems::add);
      assertEquals(
          List.of("special/socket: socket ignored (tar has no socket type; use the FXAR format)"),
          problems);
      Path dst = LoopFilesystems.get(XFS, "a").resolve("tar-dst-" + codec);
      Shell.run("rm", "-rf", dst.toString()).check();
      Snapshots.Result r =
          Snapshots.importArchive(
              new ByteArrayInputStream(bytes.toByteArray()), dst, FxarOptions.defaults());
      assertEquals(List.of(), r.failures(), codec);
      assertEquals(
          List.of(".f........x meta/xattrs", "cS+++++++++ special/socket"),
          Oracles.rsyncDifferences(src, dst),
          codec);
      // and of meta/xattrs's attributes only the empty one is missing
      String before =
          Shell.run(src.resolve("meta"), "getfattr", "-d", "-m", "-", "-e", "hex", "xattrs")
              .check()
              .stdout();
      String after =
          Shell.run(dst.resolve("meta"), "getfattr", "-d", "-m", "-", "-e", "hex", "xattrs")
              .check()
              .stdout();
      assertEquals(before.replaceAll("(?m)^user\\.empty=0x\\n", ""), after, codec);
    }
  }
}
