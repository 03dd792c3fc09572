// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A slowly changing data set: ten versions of a tree, each changing 1-5% of its files in place, by
 * insertion or by append, archived together. Every distinct chunk is stored once (the streaming
 * reader rejects a chunk stored twice), and the dedup ratio shows what content-defined chunking
 * saves over whole-file dedup.
 */
class VersionsDedupTest {
  static final int FILES = 150;
  static final int VERSIONS = 10;

  @Test
  void tenVersionsShareTheirUnchangedChunks() throws IOException {
    Random r = new Random(2026);
    List<List<byte[]>> versions = new ArrayList<>();
    List<byte[]> current = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      current.add(Archives.random(r, 16_000 + r.nextInt(400_000)));
    }
    versions.add(current);
    for (int v = 1; v < VERSIONS; v++) {
      List<byte[]> next = new ArrayList<>(current);
      int changes = Math.max(1, FILES * (1 + r.nextInt(5)) / 100);
      for (int c = 0; c < changes; c++) {
        int i = r.nextInt(FILES);
        byte[] old = next.get(i);
        byte[] edit = Archives.random(r, 1 + r.nextInt(4096));
        int at = r.nextInt(old.length);
        byte[] changed =
            switch (c % 3) {
              case 0 -> { // in place
                byte[] b = old.clone();
                System.arraycopy(edit, 0, b, at, Math.min(edit.length, b.length - at));
                yield b;
              }
              case 1 -> { // insertion
                byte[] b = new byte[old.length + edit.length];
                System.arraycopy(old, 0, b, 0, at);
                System.arraycopy(edit, 0, b, at, edit.length);
                System.arraycopy(old, at, b, at + edit.length, old.length - at);
                yield b;
              }
              default -> { // append
                byte[] b = java.util.Arrays.copyOf(old, old.length + edit.length);
                System.arraycopy(edit, 0, b, old.length, edit.length);
                yield b;
              }
            };
        next.set(i, changed);
      }
      versions.add(next);
      current = next;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ArchiveStats stats;
    long changedFilesBytes = 0;
    try (FxarWriter w =
        new FxarWriter(out, FxarOptions.builder().compression(Compression.parse("none")).build())) {
      w.add(Archives.dir("."));
      for (int v = 0; v < VERSIONS; v++) {
        w.add(Archives.dir("v" + v));
        for (int i = 0; i < FILES; i++) {
          byte[] content = versions.get(v).get(i);
          if (v > 0 && content != versions.get(v - 1).get(i)) {
            changedFilesBytes += content.length;
          }
          w.addFile(
              Archives.file("v" + v + "/f" + i, content.length),
              Channels.newChannel(new ByteArrayInputStream(content)));
        }
      }
      stats = w.finish();
    }
    long firstVersion = versions.get(0).stream().mapToLong(b -> b.length).sum();
    // whole-file dedup would store version 0 plus every changed file again
    double wholeFile = (double) stats.contentBytes() / (firstVersion + changedFilesBytes);
    System.out.printf(
        "fxar dedup of %d versions: %.2fx (%d of %d bytes distinct, %d of them for changes to %d bytes of"
            + " changed files); whole-file dedup would give %.2fx%n",
        VERSIONS,
        stats.dedupRatio(),
        stats.distinctBytes(),
        stats.contentBytes(),
        stats.distinctBytes() - firstVersion,
        changedFilesBytes,
        wholeFile);
    assertTrue(stats.dedupRatio() > 8.0, "dedup " + stats.dedupRatio());
    // files here average 216 KB, about three chunks: a change stores one or two of them again
    long stored = stats.distinctBytes() - firstVersion;
    assertTrue(
        stored < changedFilesBytes / 2,
        "changes stored " + stored + " bytes of " + changedFilesBytes + " in changed files");
    // each distinct chunk once: the streaming reader refuses a chunk stored twice
    try (FxarStreamReader reader =
        new FxarStreamReader(new ByteArrayInputStream(out.toByteArray()))) {
      while (reader.next() != null) {
        // structure checked as it passes
      }
    }
    try (FxarFile f = Archives.open(out.toByteArray())) {
      for (int i = 0; i < FILES; i += 7) {
        assertArrayEquals(
            versions.get(VERSIONS - 1).get(i), Archives.read(f.content(f.entry("v9/f" + i))));
      }
    }
  }
}
