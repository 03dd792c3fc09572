// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileSignatureTest {
  @TempDir Path tmp;

  private Path file(long size, long seed) throws IOException {
    Path f = tmp.resolve("f" + size);
    byte[] b = new byte[(int) size];
    new Random(seed).nextBytes(b);
    Files.write(f, b);
    return f;
  }

  @Test
  void chunkSizeAdaptsSoNoSignatureHoldsMoreThan16384Hashes() {
    assertEquals(13, FileSignature.chunkShiftFor(0));
    assertEquals(13, FileSignature.chunkShiftFor(128L << 20), "128 MiB: 16,384 chunks of 8 KiB");
    assertEquals(14, FileSignature.chunkShiftFor((128L << 20) + 1));
    assertEquals(16, FileSignature.chunkShiftFor(1L << 30), "1 GiB: 16,384 chunks of 64 KiB");
    assertEquals(
        49, FileSignature.chunkShiftFor(Long.MAX_VALUE), "the largest size has a chunk size too");
    for (long size :
        new long[] {1, 8192, 8193, 100L << 20, 1L << 40, Long.MAX_VALUE / 2, Long.MAX_VALUE}) {
      int shift = FileSignature.chunkShiftFor(size);
      assertTrue(FileSignature.chunkCount(size, shift) <= FileSignature.MAX_CHUNKS, "size " + size);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(longs = {0, 1, 65535, 65536, 65537, 3 * 65536 + 5, 9 << 20})
  void chunkHashesAreTheBlake3OfEachChunk(long size) throws IOException {
    Path f = file(size, size);
    FileSignature s = FileSignature.compute(f);
    byte[] data = Files.readAllBytes(f);
    assertEquals(size, s.size());
    assertEquals(FileSignature.chunkCount(size, FileSignature.chunkShiftFor(size)), s.chunkCount());
    for (int i = 0; i < s.chunkCount(); i++) {
      int from = (int) (i * s.chunkSize());
      byte[] chunk = Arrays.copyOfRange(data, from, (int) Math.min(size, from + s.chunkSize()));
      assertArrayEquals(Arrays.copyOf(Blake3.hash(chunk), 16), s.chunkHash(i), "chunk " + i);
    }
    assertEquals(s, FileSignature.decode(s.encode()));
    assertArrayEquals(s.root(), FileSignature.decode(s.encode()).root());
  }

  @Test
  void aChangedChunkIsFoundByComparison() throws IOException {
    Path f = file(5 * 65536, 1);
    FileSignature before = FileSignature.compute(f);
    byte[] data = Files.readAllBytes(f);
    data[3 * 65536 + 17] ^= 1;
    Files.write(f, data);
    FileSignature after = FileSignature.compute(f);
    int changed = (3 * 65536 + 17) / (int) before.chunkSize();
    for (int i = 0; i < before.chunkCount(); i++) {
      assertEquals(i != changed, before.sameChunk(after, i), "chunk " + i);
    }
    assertFalse(Arrays.equals(before.root(), after.root()));
  }

  @Test
  void anUnknownVersionIsRejectedSayingWhichVersions() throws IOException {
    byte[] data = FileSignature.compute(file(10, 2)).encode();
    data[4] = 9;
    SignatureException e = assertThrows(SignatureException.class, () -> FileSignature.decode(data));
    assertTrue(
        e.getMessage().contains("version 9 is not supported (this reader knows version 1)"),
        e.getMessage());
  }

  @Test
  void everyTruncationAndEveryBitFlipIsRejectedOrChangesTheSignature() throws IOException {
    FileSignature s = FileSignature.compute(file(4 * 65536 + 3, 3));
    byte[] good = s.encode();
    for (int len = 0; len < good.length; len++) {
      byte[] cut = Arrays.copyOf(good, len);
      assertThrows(
          SignatureException.class, () -> FileSignature.decode(cut), "truncated to " + len);
    }
    Random r = new Random(42);
    for (int trial = 0; trial < 2000; trial++) {
      byte[] bad = good.clone();
      int bit = r.nextInt(bad.length * 8);
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      try {
        // a flip in the staleness fields gives a signature of another file state: never trusted for
        // this one
        assertNotEquals(s, FileSignature.decode(bad), "bit " + bit);
      } catch (SignatureException expected) {
        // damage detected
      }
    }
  }

  @Test
  void storedSignatureIsFreshUntilTheFileChanges() throws IOException {
    Path f = file(70000, 4);
    FileSignature s = FileSignature.compute(f);
    SignatureStore.Location where = SignatureStore.write(f, s);
    assertEquals(
        SignatureStore.Location.XATTR, where, "/tmp-backed test directories have user xattrs");
    assertEquals(s, SignatureStore.readFresh(f).orElseThrow());
    Files.setLastModifiedTime(
        f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 1000));
    assertTrue(SignatureStore.readFresh(f).isEmpty(), "a changed mtime makes it stale");
    assertEquals(s, SignatureStore.read(f).orElseThrow(), "still readable, just not trusted");
    SignatureStore.remove(f);
    assertTrue(SignatureStore.read(f).isEmpty());
  }

  @Test
  void largeSignaturesGoToTheSidecarAndReplaceAnAttribute() throws IOException {
    Path f = file(2 << 20, 5); // 256 chunks: 4,165 bytes, more than fits an ext4 attribute
    FileSignature s = FileSignature.compute(f);
    assertEquals(SignatureStore.Location.SIDECAR, SignatureStore.write(f, s));
    assertTrue(
        Files.isRegularFile(f.resolveSibling(".foxing_meta").resolve(f.getFileName() + ".fxsig")));
    assertEquals(s, SignatureStore.readFresh(f).orElseThrow());
    SignatureStore.remove(f);
    assertTrue(SignatureStore.read(f).isEmpty());
  }
}
