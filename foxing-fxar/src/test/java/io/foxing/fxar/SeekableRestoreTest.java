// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.fxar.internal.Footer;
import io.foxing.fxar.internal.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Restoring one file from a 1 GiB archive reads the header, the footer, the index and that file's
 * chunks: nothing else. The bytes read through the channel are counted.
 */
class SeekableRestoreTest {
  static final long GIB = 1L << 30;

  @Test
  void oneFileFromAGibibyteArchiveReadsOnlyIndexAndItsChunks() throws IOException {
    Path dir =
        Path.of(
            System.getenv()
                .getOrDefault("FOXING_TEST_WORKDIR", System.getProperty("java.io.tmpdir")),
            "seekable");
    Files.createDirectories(dir);
    Path archive = dir.resolve("big.fxar");
    byte[] wanted = new byte[150_000];
    new SplittableRandom(9).nextBytes(wanted);
    try (OutputStream out = Files.newOutputStream(archive)) {
      FxarWriter w =
          new FxarWriter(out, FxarOptions.builder().compression(Compression.parse("none")).build());
      w.add(Archives.dir("."));
      for (int i = 0; i < 16; i++) {
        w.addFile(Archives.file("bulk-" + i, GIB / 16), Archives.generated(GIB / 16, i, n -> {}));
        if (i == 8) {
          w.addFile(
              Archives.file("wanted", wanted.length),
              java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(wanted)));
        }
      }
      w.finish();
      w.close();
    }
    long size = Files.size(archive);
    assertTrue(size > GIB, "archive of " + size + " bytes");
    Counting counted = new Counting(FileChannel.open(archive, StandardOpenOption.READ));
    Path dest = dir.resolve("restored");
    try (FxarFile f = FxarFile.open(counted)) {
      long afterOpen = counted.read;
      Snapshots.Result r =
          Snapshots.restore(f, e -> e.pathString().equals("wanted"), dest, FxarOptions.defaults());
      assertEquals(java.util.List.of(), r.failures());
      assertArrayEquals(wanted, Files.readAllBytes(dest.resolve("wanted")));
      long chunks = counted.read - afterOpen;
      // the wanted file's chunks, each a 68-byte header and its payload (stored raw: codec none)
      int frames = f.chunksOf(f.position(f.entry("wanted"))).length;
      assertEquals(
          wanted.length + (long) frames * Frame.SIZE, chunks, "bytes read for the file's chunks");
      System.out.printf(
          "one file from a %d-byte archive: %d bytes read to open (header, footer, index), %d for its %d chunks%n",
          size, afterOpen, chunks, frames);
      assertTrue(
          afterOpen < 64 + Footer.SIZE + Frame.SIZE + f.stats().indexBytes() + 1,
          "open read " + afterOpen);
    } finally {
      Files.deleteIfExists(archive);
      io.foxing.testkit.Shell.run("rm", "-rf", dest.toString());
    }
  }

  /** Counts the bytes read through a channel. */
  static final class Counting implements SeekableByteChannel {
    final FileChannel ch;
    long read;

    Counting(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
      int n = ch.read(dst);
      read += Math.max(0, n);
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long position() throws IOException {
      return ch.position();
    }

    @Override
    public SeekableByteChannel position(long p) throws IOException {
      ch.position(p);
      return this;
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
      return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
