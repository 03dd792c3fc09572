// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import java.util.Map;

/**
 * What an archive holds, as the writer counted it or the index says.
 *
 * @param entries all entries, the root included
 * @param files regular files (hard links not counted)
 * @param contentBytes bytes of file content, before dedup and compression
 * @param chunkRefs chunks referenced by files, duplicates included
 * @param distinctChunks chunks stored once each
 * @param distinctBytes bytes of the distinct chunks, before compression
 * @param storedBytes bytes of the distinct chunks as stored
 * @param chunksByCodec how many distinct chunks each codec stores
 * @param indexBytes the INDEX frame's stored payload
 * @param archiveBytes the whole archive
 */
public record ArchiveStats(
    long entries,
    long files,
    long contentBytes,
    long chunkRefs,
    long distinctChunks,
    long distinctBytes,
    long storedBytes,
    Map<Codec, Long> chunksByCodec,
    long indexBytes,
    long archiveBytes) {

  /** Content bytes per distinct byte stored before compression (1.0 = no duplicates). */
  public double dedupRatio() {
    return distinctBytes == 0 ? 1.0 : (double) contentBytes / distinctBytes;
  }

  /** Distinct bytes per stored byte (1.0 = incompressible). */
  public double compressionRatio() {
    return storedBytes == 0 ? 1.0 : (double) distinctBytes / storedBytes;
  }
}
