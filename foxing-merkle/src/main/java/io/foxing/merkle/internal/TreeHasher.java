// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle.internal;

/**
 * The streaming BLAKE3 tree: chunks are hashed as the input arrives and their chaining values
 * merged on a stack the moment a subtree is complete (BLAKE3 paper, section 5.1.2), so memory is
 * constant whatever the input length. Not thread-safe; reusable after {@link #reset()}.
 */
public final class TreeHasher {
  private static final int MAX_DEPTH = 54; // 2^54 chunks of 2^10 bytes: the 2^64-byte limit
  private final int[] key;
  private final int flags;
  private long firstChunk;
  private final ChunkState chunk = new ChunkState();
  private final int[][] stack = new int[MAX_DEPTH][8];
  private int depth;
  private final int[] m = new int[16];
  private final int[] cv = new int[8];
  private final Output node = new Output();
  private final Object vector; // null without the Vector API, or when not wanted
  private final int[][] laneCvs = new int[Math.max(1, Simd.LANES)][8];

  public TreeHasher(int[] key, int flags) {
    this(key, flags, true);
  }

  /** {@code vector}: whether to use the vector path where the JVM offers it. */
  public TreeHasher(int[] key, int flags, boolean vector) {
    this.key = key.clone();
    this.flags = flags;
    this.vector = vector ? Simd.newEngine() : null;
    reset();
  }

  public void reset() {
    reset(0);
  }

  /**
   * Starts over as the subtree whose first chunk has number {@code firstChunk}: a subtree has the
   * shape of a whole input of its length, only its chunk counters are offset.
   */
  public void reset(long firstChunk) {
    this.firstChunk = firstChunk;
    chunk.reset(key, firstChunk, flags);
    depth = 0;
  }

  public void update(byte[] in, int off, int len) {
    while (len > 0) {
      if (chunk.len() == Compress.CHUNK_LEN) {
        chunk.output(node).chainingValue(cv);
        pushChunk(cv, chunk.counter + 1 - firstChunk);
        chunk.reset(key, chunk.counter + 1, flags);
      }
      // fastest path: several whole chunks per vector instruction, when more input follows them
      while (vector != null && chunk.len() == 0 && len > Simd.LANES * Compress.CHUNK_LEN) {
        Simd.hash(vector, in, off, chunk.counter, key, flags, laneCvs);
        for (int j = 0; j < Simd.LANES; j++) {
          pushChunk(laneCvs[j], chunk.counter + 1 + j - firstChunk);
        }
        chunk.reset(key, chunk.counter + Simd.LANES, flags);
        off += Simd.LANES * Compress.CHUNK_LEN;
        len -= Simd.LANES * Compress.CHUNK_LEN;
      }
      // fast path: whole chunks straight from the caller's array, when more input follows them
      while (chunk.len() == 0 && len > Compress.CHUNK_LEN) {
        chunkCv(in, off, chunk.counter, cv);
        pushChunk(cv, chunk.counter + 1 - firstChunk);
        chunk.reset(key, chunk.counter + 1, flags);
        off += Compress.CHUNK_LEN;
        len -= Compress.CHUNK_LEN;
      }
      int take = Math.min(Compress.CHUNK_LEN - chunk.len(), len);
      chunk.update(in, off, take);
      off += take;
      len -= take;
    }
  }

  /** The chaining value of the full chunk at {@code in[off..off+1024)}, not the root. */
  void chunkCv(byte[] in, int off, long counter, int[] out) {
    System.arraycopy(key, 0, out, 0, 8);
    for (int b = 0; b < 16; b++) {
      Compress.words(in, off + b * Compress.BLOCK_LEN, m);
      int f = flags | (b == 0 ? Compress.CHUNK_START : 0) | (b == 15 ? Compress.CHUNK_END : 0);
      Compress.compress(out, m, counter, Compress.BLOCK_LEN, f, out);
    }
  }

  /** Pushes a finished chunk's chaining value, merging every subtree it completes. */
  private void pushChunk(int[] chunkCv, long totalChunks) {
    int[] right = chunkCv;
    while ((totalChunks & 1) == 0) {
      node.parent(stack[--depth], right, key, flags).chainingValue(cv);
      right = cv;
      totalChunks >>>= 1;
    }
    System.arraycopy(right, 0, stack[depth++], 0, 8);
  }

  /** The root node of everything given so far; the hasher itself is unchanged. */
  public Output root(Output into) {
    chunk.output(into);
    int[] right = new int[8];
    for (int i = depth - 1; i >= 0; i--) {
      into.chainingValue(right);
      into.parent(stack[i], right, key, flags);
    }
    return into;
  }
}
