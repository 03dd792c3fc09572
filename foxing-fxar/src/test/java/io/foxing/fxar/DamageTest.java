package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.fxar.internal.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged archives: errors name what is damaged, the rest still restores, salvage rebuilds without the index. */
class DamageTest {
  @TempDir Path tmp;

  /** Archive offsets of the frames of one kind, in order (found by walking the frame headers). */
  static List<long[]> frames(byte[] a, int kind) {
    List<long[]> out = new ArrayList<>();
    int pos = 64;
    while (pos + Frame.SIZE <= a.length) {
      int k = a[pos + 4];
      long entry = java.nio.ByteBuffer.wrap(a, pos + 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
      int stored = java.nio.ByteBuffer.wrap(a, pos + 28, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
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
    long[] small = frames(archive, Frame.DATA).stream().filter(f -> f[1] == 4).findFirst().orElseThrow();
    byte[] damaged = withByteFlipped(archive, small[0] + Frame.SIZE + 10);
    try (FxarFile f = Archives.open(damaged)) {
      List<String> problems = f.verify();
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).matches("chunk [0-9a-f]{16} payload: .* at offset " + small[0] + "; used by d/small, d/hard"), problems.get(0));
      DamagedArchiveException e = assertThrows(DamagedArchiveException.class, () -> Archives.read(f.content(f.entry("d/small"))));
      assertEquals(small[0], e.offset());
      for (String ok : List.of("d/one", "d/shared-1", "d/e/big", "d/e/zeros", "d/e/text")) {
        assertArrayEquals(files.get(ok), Archives.read(f.content(f.entry(ok))), ok);
      }
      Snapshots.Result r = Snapshots.restore(f, e2 -> true, tmp.resolve("out"), FxarOptions.defaults());
      assertEquals(2, r.failures().size(), r.failures().toString());
      assertTrue(r.failures().get(0).contains("d/small: not restored: chunk"), r.failures().toString());
      assertTrue(r.failures().get(1).endsWith("d/hard: not restored: hard link to d/small, which failed"), r.failures().toString());
      assertFalse(Files.exists(tmp.resolve("out/d/small")));
      assertArrayEquals(files.get("d/e/big"), Files.readAllBytes(tmp.resolve("out/d/e/big")));
    }
  }

  @Test
  void truncatedArchiveSaysSoAndSalvageRestoresEverything() throws IOException {
    Map<String, byte[]> files = Archives.contents(6);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    byte[] cut = Arrays.copyOf(archive, archive.length - 100); // the index frame's end and the footer are gone
    DamagedArchiveException e = assertThrows(DamagedArchiveException.class, () -> Archives.open(cut));
    assertTrue(e.getMessage().startsWith("footer: missing (the archive is truncated"), e.getMessage());
    FxarException streaming = assertThrows(FxarException.class,
        () -> Snapshots.importArchive(new java.io.ByteArrayInputStream(cut), tmp.resolve("stream"), FxarOptions.defaults()));
    assertTrue(streaming.getMessage().contains("truncated"), streaming.getMessage());
    Path a = Files.write(tmp.resolve("cut.fxar"), cut);
    Snapshots.Result r = Snapshots.salvage(a, tmp.resolve("salvaged"), FxarOptions.defaults());
    assertEquals(List.of(), r.failures());
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      assertArrayEquals(f.getValue(), Files.readAllBytes(tmp.resolve("salvaged").resolve(f.getKey())), f.getKey());
    }
    assertTrue(Files.isSymbolicLink(tmp.resolve("salvaged/d/sym")));
  }

  @Test
  void damagedIndexAndDamagedEntryRecord() throws IOException {
    Map<String, byte[]> files = Archives.contents(7);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    long index = frames(archive, Frame.INDEX).get(0)[0];
    byte[] badIndex = withByteFlipped(archive, index + Frame.SIZE + 5);
    DamagedArchiveException e = assertThrows(DamagedArchiveException.class, () -> Archives.open(badIndex));
    assertTrue(e.getMessage().startsWith("index payload:"), e.getMessage());
    // and the entry record of d/e/big (entry 8) too: its chunks have no name any more
    long[] big = frames(archive, Frame.ENTRY).stream().filter(f -> f[1] == 8).findFirst().orElseThrow();
    byte[] both = withByteFlipped(badIndex, big[0] + Frame.SIZE + 3);
    Path a = Files.write(tmp.resolve("both.fxar"), both);
    Snapshots.Result r = Snapshots.salvage(a, tmp.resolve("salvaged"), FxarOptions.defaults());
    assertEquals(List.of("damaged bytes " + big[0] + "-" + (big[0] + 1 + indexOfNextMagic(both, big[0] + 1)) + " skipped"), r.failures());
    assertFalse(Files.exists(tmp.resolve("salvaged/d/e/big")));
    for (String ok : List.of("d/small", "d/shared-2", "d/e/zeros", "d/e/text")) {
      assertArrayEquals(files.get(ok), Files.readAllBytes(tmp.resolve("salvaged").resolve(ok)), ok);
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
