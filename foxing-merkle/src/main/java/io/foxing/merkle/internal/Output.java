// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle.internal;

/**
 * A node whose compression is pending: the chunk or parent that becomes the root, or any node whose
 * chaining value is still to be computed. Compressing it with {@code ROOT} and a running
 * output-block counter gives the extendable output (BLAKE3 paper, section 2.6).
 */
public final class Output {
  private final int[] cv = new int[8];
  private final int[] block = new int[16];
  private long counter;
  private int blockLen;
  private int flags;

  public Output set(int[] inputCv, int[] blockWords, long counter, int blockLen, int flags) {
    System.arraycopy(inputCv, 0, cv, 0, 8);
    System.arraycopy(blockWords, 0, block, 0, 16);
    this.counter = counter;
    this.blockLen = blockLen;
    this.flags = flags;
    return this;
  }

  /** The node as a parent of two chaining values: message = left || right. */
  public Output parent(int[] left, int[] right, int[] key, int flags) {
    System.arraycopy(key, 0, cv, 0, 8);
    System.arraycopy(left, 0, block, 0, 8);
    System.arraycopy(right, 0, block, 8, 8);
    this.counter = 0;
    this.blockLen = Compress.BLOCK_LEN;
    this.flags = flags | Compress.PARENT;
    return this;
  }

  /** This node's chaining value (not the root). */
  public void chainingValue(int[] out8) {
    Compress.compress(cv, block, counter, blockLen, flags, out8);
  }

  /**
   * {@code len} bytes of root output starting at byte {@code position} of the output stream. The
   * bytes are taken from the output words with shifts, not stored through a byte-array view into a
   * scratch array and copied: on JDK 17.0.15, C2 sometimes dropped those view stores to a
   * non-escaping scratch array and the digest came out as zeros (seen under load in fxcp snap).
   */
  public void rootBytes(long position, byte[] out, int off, int len) {
    int[] words = new int[16];
    long blockIndex = position / 64;
    int skip = (int) (position % 64);
    while (len > 0) {
      Compress.compress(cv, block, blockIndex, blockLen, flags | Compress.ROOT, words);
      int n = Math.min(64 - skip, len);
      for (int i = 0; i < n; i++) {
        int b = skip + i;
        out[off + i] = (byte) (words[b >>> 2] >>> ((b & 3) << 3));
      }
      off += n;
      len -= n;
      skip = 0;
      blockIndex++;
    }
  }
}
