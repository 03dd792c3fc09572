// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writer and both readers agree, for every codec; dedup stores each chunk once. */
class FormatTest {
  @ParameterizedTest
  @ValueSource(strings = {"zstd", "zstd:19", "lz4", "gzip:1", "xz:1", "none"})
  void randomAccessReaderReturnsWhatWasWritten(String codec) throws IOException {
    Map<String, byte[]> files = Archives.contents(1);
    byte[] archive =
        Archives.write(
            files, FxarOptions.builder().compression(Compression.parse(codec)).threads(2).build());
    try (FxarFile f = Archives.open(archive)) {
      assertEquals(
          List.of(
              ".",
              "d",
              "d/empty",
              "d/one",
              "d/small",
              "d/shared-1",
              "d/shared-2",
              "d/e",
              "d/e/big",
              "d/e/zeros",
              "d/e/text",
              "d/sym",
              "d/hard"),
          Archives.paths(f.entries()));
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        FxarEntry entry = f.entry(e.getKey());
        assertEquals(e.getValue().length, entry.size());
        assertEquals(0640, entry.mode());
        assertEquals(1_600_000_000_987_654_321L, entry.mtimeNanos());
        assertEquals("user.k", entry.xattrs().get(0).nameString());
        assertArrayEquals(e.getValue(), Archives.read(f.content(entry)), e.getKey());
      }
      assertArrayEquals(files.get("d/small"), Archives.read(f.content(f.entry("d/hard"))));
      assertEquals(
          "e/big", new String(f.entry("d/sym").target(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(List.of(), f.verify());
      ArchiveStats s = f.stats();
      assertTrue(s.distinctChunks() < s.chunkRefs(), "duplicates stored once: " + s);
      assertTrue(s.dedupRatio() > 1.2, s.toString());
      if (!codec.equals("none")) {
        assertTrue(s.storedBytes() < s.distinctBytes(), "text and zeros compress: " + s);
      }
    }
  }

  /**
   * The streaming reader sees each entry, then its chunks; references name chunks it saw before.
   */
  @Test
  void streamingReaderReconstructsEveryFile() throws IOException {
    Map<String, byte[]> files = Archives.contents(2);
    byte[] archive = Archives.write(files, FxarOptions.defaults());
    Map<String, ByteArrayOutputStream> got = new HashMap<>();
    Map<ByteBuffer, byte[]> seen = new HashMap<>();
    try (FxarStreamReader r = new FxarStreamReader(new ByteArrayInputStream(archive))) {
      String current = null;
      FxarStreamReader.Item item;
      int entries = 0;
      while ((item = r.next()) != null) {
        if (item instanceof FxarStreamReader.Entry e) {
          current = e.entry().pathString();
          got.put(current, new ByteArrayOutputStream());
          entries++;
        } else {
          FxarStreamReader.Chunk c = (FxarStreamReader.Chunk) item;
          byte[] data = c.isReference() ? seen.get(ByteBuffer.wrap(c.id())) : c.decode();
          if (!c.isReference()) {
            seen.put(ByteBuffer.wrap(c.id()), data);
          }
          assertEquals(got.get(current).size(), c.offset());
          got.get(current).write(data);
        }
      }
      assertEquals(13, entries);
      assertNull(r.next());
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      assertArrayEquals(e.getValue(), got.get(e.getKey()).toByteArray(), e.getKey());
    }
  }

  @Test
  void sameInputSameArchiveBytesExceptTheCreationTime() throws IOException {
    byte[] a = Archives.write(Archives.contents(3), FxarOptions.builder().threads(1).build());
    byte[] b = Archives.write(Archives.contents(3), FxarOptions.builder().threads(2).build());
    assertEquals(a.length, b.length);
    assertArrayEquals(
        java.util.Arrays.copyOfRange(a, 64, a.length),
        java.util.Arrays.copyOfRange(b, 64, b.length));
  }

  @Test
  void fileThatShrinksIsPaddedAndWarned() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> warnings;
    try (FxarWriter w = new FxarWriter(out, FxarOptions.defaults())) {
      w.addFile(
          Archives.file("f", 100_000),
          Archives.generated(30_000, 1, n -> {})); // the file now ends early
      w.finish();
      warnings = w.warnings();
    }
    assertEquals(
        List.of("f: file shrank by 70000 bytes while being archived; padded with zeros"), warnings);
    try (FxarFile f = Archives.open(out.toByteArray())) {
      assertEquals(100_000, Archives.read(f.content(f.entry("f"))).length);
    }
  }

  @Test
  void unknownVersionAndForeignDataAreNamed() throws IOException {
    byte[] archive = Archives.write(Archives.contents(4), FxarOptions.defaults());
    byte[] v3 = archive.clone();
    v3[8] = 3;
    CRC32C crc = new CRC32C();
    crc.update(v3, 0, 60);
    ByteBuffer.wrap(v3, 60, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
    FxarException e = assertThrows(FxarException.class, () -> Archives.open(v3));
    assertEquals("unsupported FXAR version 3 (this reader knows 2)", e.getMessage());
    e = assertThrows(FxarException.class, () -> new FxarStreamReader(new ByteArrayInputStream(v3)));
    assertEquals("unsupported FXAR version 3 (this reader knows 2)", e.getMessage());
    e = assertThrows(FxarException.class, () -> Archives.open(new byte[200]));
    assertEquals("not an FXAR archive (no FXAR magic at the start)", e.getMessage());
  }

  @Test
  void codecSpecsAreParsedAndBounded() {
    assertEquals(new Compression(Codec.ZSTD, 19), Compression.parse("ZSTD:19"));
    assertEquals(new Compression(Codec.LZ4, 0), Compression.parse("lz4"));
    assertEquals(
        "unknown codec 'brotli' (use zstd, lz4, gzip, xz or none, optionally with :LEVEL)",
        assertThrows(IllegalArgumentException.class, () -> Compression.parse("brotli"))
            .getMessage());
    assertEquals(
        "gzip level 12 is out of range 1..9",
        assertThrows(IllegalArgumentException.class, () -> Compression.parse("gzip:12"))
            .getMessage());
  }
}
