// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle.internal;

/**
 * One 1024-byte chunk being hashed block by block; the last block is held back until we know it is
 * the last.
 */
final class ChunkState {
  final int[] cv = new int[8];
  private final int[] m = new int[16];
  private final byte[] buf = new byte[Compress.BLOCK_LEN];
  private int bufLen;
  private int blocks;
  long counter;
  private int flags;

  void reset(int[] key, long counter, int flags) {
    System.arraycopy(key, 0, cv, 0, 8);
    this.counter = counter;
    this.flags = flags;
    bufLen = 0;
    blocks = 0;
  }

  int len() {
    return blocks * Compress.BLOCK_LEN + bufLen;
  }

  private int startFlag() {
    return blocks == 0 ? Compress.CHUNK_START : 0;
  }

  /** Adds input; the caller never gives more than fits in the chunk. */
  void update(byte[] in, int off, int len) {
    while (len > 0) {
      if (bufLen == Compress.BLOCK_LEN) {
        Compress.words(buf, 0, m);
        Compress.compress(cv, m, counter, Compress.BLOCK_LEN, flags | startFlag(), cv);
        blocks++;
        bufLen = 0;
      }
      int take = Math.min(Compress.BLOCK_LEN - bufLen, len);
      System.arraycopy(in, off, buf, bufLen, take);
      bufLen += take;
      off += take;
      len -= take;
    }
  }

  /** The chunk's final node, to be compressed as a chaining value or as the root. */
  Output output(Output into) {
    java.util.Arrays.fill(buf, bufLen, Compress.BLOCK_LEN, (byte) 0);
    Compress.words(buf, 0, m);
    return into.set(cv, m, counter, bufLen, flags | startFlag() | Compress.CHUNK_END);
  }
}
