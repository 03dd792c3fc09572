// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.fxar.internal.Bytes;
import io.foxing.fxar.internal.Chunks;
import io.foxing.fxar.internal.Footer;
import io.foxing.fxar.internal.Frame;
import io.foxing.merkle.Blake3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged archives: errors name what is damaged, the rest still restores, salvage rebuilds without
 * the index.
 */
class DamageTest {
  @TempDir Path tmp;

  /** Archive offsets of the frames of one kind, in order (found by walking the frame headers). */
  static List<long[]> frames(byte[] a, int kind) {
    List<long[]> out = new ArrayList<>();
    int pos = 64;
    while (pos + Frame.SIZE <= a.length) {
      int k = a[pos + 4];
      long entry =
          java.nio.ByteBuffer.wrap(a, pos + 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      int stored =
          java.nio.ByteBuffer.wrap(a, pos + 28, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
      if (k == kind) {
        out.add(new long[] {pos, entry, stored});
      }
      if (k == Frame.INDEX) {
        break;
      }
      pos += Frame.SIZE + stored;
    }
    return out;
  }

  private static byte[] withByteFlipped(byte[] a, long at) {
    byte[] b = a.clone();
    b[(int) at] ^= 0x5a;
    return b;
  }

  @Test
  void corruptChunkNamesTheFilesThatUseItAndTheOthersStillRestore() throws IOException {
    Map<String, byte[]> files = Archives.contents(5);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    // the first data frame of d/small (entry 4): a chunk only it uses, and d/hard links to it
    long[] small =
        frames(archive, Frame.DATA).stream().filter(f -> f[1] == 4).findFirst().orElseThrow();
    byte[] damaged = withByteFlipped(archive, small[0] + Frame.SIZE + 10);
    try (FxarFile f = Archives.open(damaged)) {
      List<String> problems = f.verify();
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(
          problems
              .get(0)
              .matches(
                  "chunk [0-9a-f]{16} payload: .* at offset "
                      + small[0]
                      + "; used by d/small, d/hard"),
          problems.get(0));
      DamagedArchiveException e =
          assertThrows(
              DamagedArchiveException.class, () -> Archives.read(f.content(f.entry("d/small"))));
      assertEquals(small[0], e.offset());
      for (String ok : List.of("d/one", "d/shared-1", "d/e/big", "d/e/zeros", "d/e/text")) {
        assertArrayEquals(files.get(ok), Archives.read(f.content(f.entry(ok))), ok);
      }
      Snapshots.Result r =
          Snapshots.restore(f, e2 -> true, tmp.resolve("out"), FxarOptions.defaults());
      assertEquals(2, r.failures().size(), r.failures().toString());
      assertTrue(
          r.failures().get(0).contains("d/small: not restored: chunk"), r.failures().toString());
      assertTrue(
          r.failures().get(1).endsWith("d/hard: not restored: hard link to d/small, which failed"),
          r.failures().toString());
      assertFalse(Files.exists(tmp.resolve("out/d/small")));
      assertArrayEquals(files.get("d/e/big"), Files.readAllBytes(tmp.resolve("out/d/e/big")));
    }
  }

  @Test
  void truncatedArchiveSaysSoAndSalvageRestoresEverything() throws IOException {
    Map<String, byte[]> files = Archives.contents(6);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    byte[] cut =
        Arrays.copyOf(
            archive, archive.length - 100); // the index frame's end and the footer are gone
    DamagedArchiveException e =
        assertThrows(DamagedArchiveException.class, () -> Archives.open(cut));
    assertTrue(
        e.getMessage().startsWith("footer: missing (the archive is truncated"), e.getMessage());
    // streaming, every file comes before the index: all are restored, the truncation is listed
    Snapshots.Result streamed =
        Snapshots.importArchive(
            new java.io.ByteArrayInputStream(cut), tmp.resolve("stream"), FxarOptions.defaults());
    assertEquals(1, streamed.failures().size(), streamed.failures().toString());
    assertTrue(streamed.failures().get(0).contains("truncated"), streamed.failures().toString());
    assertArrayEquals(files.get("d/e/big"), Files.readAllBytes(tmp.resolve("stream/d/e/big")));
    Path a = Files.write(tmp.resolve("cut.fxar"), cut);
    Snapshots.Result r = Snapshots.salvage(a, tmp.resolve("salvaged"), FxarOptions.defaults());
    assertEquals(List.of(), r.failures());
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertArrayEquals(
          f.getValue(),
          Files.readAllBytes(tmp.resolve("salvaged").resolve(f.getKey())),
          f.getKey());
    }
    assertTrue(Files.isSymbolicLink(tmp.resolve("salvaged/d/sym")));
  }

  @Test
  void damagedIndexAndDamagedEntryRecord() throws IOException {
    Map<String, byte[]> files = Archives.contents(7);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    long index = frames(archive, Frame.INDEX).get(0)[0];
    byte[] badIndex = withByteFlipped(archive, index + Frame.SIZE + 5);
    DamagedArchiveException e =
        assertThrows(DamagedArchiveException.class, () -> Archives.open(badIndex));
    assertTrue(e.getMessage().startsWith("index payload:"), e.getMessage());
    // and the entry record of d/e/big (entry 8) too: its chunks have no name any more
    long[] big =
        frames(archive, Frame.ENTRY).stream().filter(f -> f[1] == 8).findFirst().orElseThrow();
    byte[] both = withByteFlipped(badIndex, big[0] + Frame.SIZE + 3);
    Path a = Files.write(tmp.resolve("both.fxar"), both);
    Snapshots.Result r = Snapshots.salvage(a, tmp.resolve("salvaged"), FxarOptions.defaults());
    assertEquals(
        List.of(
            "damaged bytes "
                + big[0]
                + "-"
                + (big[0] + 1 + indexOfNextMagic(both, big[0] + 1))
                + " skipped"),
        r.failures());
    assertFalse(Files.exists(tmp.resolve("salvaged/d/e/big")));
    for (String ok : List.of("d/small", "d/shared-2", "d/e/zeros", "d/e/text")) {
      assertArrayEquals(files.get(ok), Files.readAllBytes(tmp.resolve("salvaged").resolve(ok)), ok);
    }
  }

  /**
   * A reference frame is in no table of the index: verify walks the frames to find it, as import
   * meets it; import restores every other file.
   */
  @Test
  void damagedReferenceFrameIsNamedByVerifyAndCostsImportOnlyItsFile() throws IOException {
    Map<String, byte[]> files = Archives.contents(8);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    // d/shared-2 (entry 6) repeats d/shared-1: its content is all reference frames
    long[] ref =
        frames(archive, Frame.REF).stream().filter(f -> f[1] == 6).findFirst().orElseThrow();
    byte[] damaged =
        withByteFlipped(archive, ref[0] + 20); // its offset field: the header checksum fails
    try (FxarFile f = Archives.open(damaged)) {
      assertEquals(
          List.of("frame header: checksum mismatch at offset " + ref[0] + "; used by d/shared-2"),
          f.verify());
    }
    Snapshots.Result r =
        Snapshots.importArchive(
            new java.io.ByteArrayInputStream(damaged), tmp.resolve("out"), FxarOptions.defaults());
    assertEquals(1, r.failures().size(), r.failures().toString());
    assertTrue(
        r.failures()
            .get(0)
            .endsWith(
                "d/shared-2: not restored: frame header: checksum mismatch at offset " + ref[0]),
        r.failures().toString());
    assertFalse(Files.exists(tmp.resolve("out/d/shared-2")));
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      if (!e.getKey().equals("d/shared-2")) {
        assertArrayEquals(
            e.getValue(), Files.readAllBytes(tmp.resolve("out").resolve(e.getKey())), e.getKey());
      }
    }
    assertTrue(Files.isSymbolicLink(tmp.resolve("out/d/sym")));
    assertArrayEquals(files.get("d/small"), Files.readAllBytes(tmp.resolve("out/d/hard")));
  }

  /**
   * Damaged headers of a data frame and of an entry frame: import resynchronises on the frame magic
   * and restores the rest.
   */
  @Test
  void importGoesOnAfterDamagedFrameHeaders() throws IOException {
    Map<String, byte[]> files = Archives.contents(9);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    long[] small =
        frames(archive, Frame.DATA).stream()
            .filter(f -> f[1] == 4)
            .findFirst()
            .orElseThrow(); // d/small's chunk
    long[] big =
        frames(archive, Frame.ENTRY).stream()
            .filter(f -> f[1] == 8)
            .findFirst()
            .orElseThrow(); // d/e/big's entry
    byte[] damaged = withByteFlipped(withByteFlipped(archive, small[0] + 30), big[0] + 30);
    Snapshots.Result r =
        Snapshots.importArchive(
            new java.io.ByteArrayInputStream(damaged), tmp.resolve("out"), FxarOptions.defaults());
    assertEquals(3, r.failures().size(), r.failures().toString());
    // d/e/big's record is lost with its header: the damage is listed, the file cannot be named
    assertEquals("frame header: checksum mismatch at offset " + big[0], r.failures().get(0));
    assertTrue(
        r.failures()
            .get(1)
            .endsWith(
                "d/small: not restored: frame header: checksum mismatch at offset " + small[0]),
        r.failures().toString());
    assertTrue(
        r.failures().get(2).endsWith("d/hard: not restored: hard link to d/small, which failed"),
        r.failures().toString());
    assertFalse(Files.exists(tmp.resolve("out/d/small")));
    assertFalse(Files.exists(tmp.resolve("out/d/e/big")));
    for (String ok :
        List.of("d/empty", "d/one", "d/shared-1", "d/shared-2", "d/e/zeros", "d/e/text")) {
      assertArrayEquals(files.get(ok), Files.readAllBytes(tmp.resolve("out").resolve(ok)), ok);
    }
    assertTrue(Files.isSymbolicLink(tmp.resolve("out/d/sym")));
  }

  /**
   * An index claiming 2^60 entries (its id and checksum made to hold): import calls it damaged as
   * the other readers do, and still restores every file.
   */
  @Test
  void indexWithAnImpossibleEntryCountIsDamagedForImportToo() throws IOException {
    Map<String, byte[]> files = Archives.contents(10);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    long at = frames(archive, Frame.INDEX).get(0)[0];
    Frame index = Frame.decode(archive, (int) at, at, 1 << 24);
    byte[] raw =
        Chunks.decode(
            index,
            Arrays.copyOfRange(
                archive, (int) at + Frame.SIZE, (int) at + Frame.SIZE + index.storedLen()),
            at);
    java.nio.ByteBuffer.wrap(raw, 0, 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(1L << 60); // entry_count
    Bytes b = new Bytes(archive.length);
    b.bytes(archive, 0, (int) at);
    new Frame(Frame.INDEX, Codec.NONE, index.entry(), 0, raw.length, raw.length, Blake3.hash(raw))
        .encodeTo(b); // stored as is, under its new id
    b.bytes(raw).bytes(Footer.encode(at));
    byte[] hostile = b.toArray();
    DamagedArchiveException e =
        assertThrows(DamagedArchiveException.class, () -> Archives.open(hostile));
    assertTrue(
        e.getMessage().startsWith("index: counts 1152921504606846976 entries"), e.getMessage());
    Snapshots.Result r =
        Snapshots.importArchive(
            new java.io.ByteArrayInputStream(hostile), tmp.resolve("out"), FxarOptions.defaults());
    assertEquals(List.of(e.getMessage()), r.failures());
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertArrayEquals(
          f.getValue(), Files.readAllBytes(tmp.resolve("out").resolve(f.getKey())), f.getKey());
    }
  }

  private static long indexOfNextMagic(byte[] a, long from) {
    for (int i = (int) from; i + 4 <= a.length; i++) {
      if (Frame.magicAt(a, i)) {
        return i - from;
      }
    }
    return -1;
  }
}
