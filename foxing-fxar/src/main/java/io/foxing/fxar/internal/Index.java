// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.DamagedArchiveException;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarEntry.Type;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** The decoded index: chunk table and entries with their chunk lists (spec: "Index"). */
public final class Index {
  static final int CHUNK_ROW = 44;

  public final byte[] ids;
  public final long[] chunkOffsets;
  public final int[] chunkLens;
  public final FxarEntry[] entries;
  public final long[] entryOffsets;
  public final int[][] entryChunks;

  /** Entry position by path. */
  public final Map<ByteBuffer, Integer> byPath;

  /** The entry holding each entry's content: itself, or for a hard link the file it joins. */
  public final int[] owner;

  private Index(
      byte[] ids,
      long[] chunkOffsets,
      int[] chunkLens,
      FxarEntry[] entries,
      long[] entryOffsets,
      int[][] entryChunks,
      Map<ByteBuffer, Integer> byPath,
      int[] owner) {
    this.ids = ids;
    this.chunkOffsets = chunkOffsets;
    this.chunkLens = chunkLens;
    this.entries = entries;
    this.entryOffsets = entryOffsets;
    this.entryChunks = entryChunks;
    this.byPath = byPath;
    this.owner = owner;
  }

  public byte[] id(int chunk) {
    byte[] out = new byte[32];
    System.arraycopy(ids, chunk * 32, out, 0, 32);
    return out;
  }

  /**
   * Decodes and cross-checks an index: counts fit the payload, ids strictly ascending, offsets
   * inside the archive, chunk lengths within bounds, every file's chunks add up to its size, hard
   * links name an earlier file, no path twice.
   *
   * @param at archive offset of the INDEX frame, for messages
   * @param dataEnd offset where the INDEX frame starts: every other frame lies before it
   */
  public static Index decode(byte[] raw, long at, long dataEnd, int maxChunk, long declaredEntries)
      throws DamagedArchiveException {
    In in = new In(raw, 0, raw.length, at, "index");
    long entryCount = in.u64();
    long chunkCount = in.u64();
    if (entryCount != declaredEntries
        || chunkCount < 0
        || entryCount < 0
        || chunkCount > in.remaining() / CHUNK_ROW
        || entryCount > in.remaining() / 60) {
      throw in.damaged(
          "counts " + entryCount + " entries / " + chunkCount + " chunks do not fit the index");
    }
    int nc = (int) chunkCount;
    byte[] ids = new byte[nc * 32];
    long[] offsets = new long[nc];
    int[] lens = new int[nc];
    ChunkId prev = null;
    for (int i = 0; i < nc; i++) {
      byte[] id = in.bytes(32);
      System.arraycopy(id, 0, ids, i * 32, 32);
      ChunkId cid = ChunkId.of(id, 0);
      if (prev != null && prev.compareTo(cid) >= 0) {
        throw in.damaged("chunk table not sorted");
      }
      prev = cid;
      offsets[i] = in.u64();
      lens[i] = in.u32();
      if (offsets[i] < ArchiveHeader.SIZE
          || offsets[i] > dataEnd - Frame.SIZE
          || lens[i] <= 0
          || lens[i] > maxChunk) {
        throw in.damaged(
            "chunk " + i + " has offset " + offsets[i] + " / length " + lens[i] + " out of bounds");
      }
    }
    int ne = (int) entryCount;
    FxarEntry[] entries = new FxarEntry[ne];
    long[] entryOffsets = new long[ne];
    int[][] chunks = new int[ne][];
    Map<ByteBuffer, Integer> byPath = new HashMap<>();
    int[] owner = new int[ne];
    for (int e = 0; e < ne; e++) {
      entryOffsets[e] = in.u64();
      if (entryOffsets[e] < ArchiveHeader.SIZE || entryOffsets[e] > dataEnd - Frame.SIZE) {
        throw in.damaged("entry " + e + " offset out of bounds");
      }
      FxarEntry entry = EntryRecords.read(in);
      int n = in.u32();
      if (n > in.remaining() / 4) {
        throw in.damaged("entry " + e + " chunk count " + n + " does not fit");
      }
      int[] list = new int[n];
      long sum = 0;
      for (int i = 0; i < n; i++) {
        list[i] = in.u32();
        if (list[i] >= nc) {
          throw in.damaged("entry " + e + " refers to chunk " + list[i] + " of " + nc);
        }
        sum += lens[list[i]];
      }
      if (sum != entry.size()) {
        throw in.damaged(
            entry.pathString()
                + ": chunks add up to "
                + sum
                + " bytes, the entry says "
                + entry.size());
      }
      if (entry.isRoot() && e != 0) {
        throw in.damaged("root entry is not the first");
      }
      if (byPath.putIfAbsent(ByteBuffer.wrap(entry.path()), e) != null) {
        throw in.damaged(entry.pathString() + ": path appears twice");
      }
      owner[e] = e;
      if (entry.type() == Type.HARDLINK) {
        Integer t = byPath.get(ByteBuffer.wrap(entry.target()));
        if (t == null || entries[t].type() != Type.FILE) {
          throw in.damaged(
              entry.pathString() + ": hard link to a path that is not an earlier file");
        }
        owner[e] = t;
      }
      entries[e] = entry;
      chunks[e] = list;
    }
    if (in.remaining() != 0) {
      throw in.damaged(in.remaining() + " bytes after the last entry");
    }
    return new Index(ids, offsets, lens, entries, entryOffsets, chunks, byPath, owner);
  }
}
