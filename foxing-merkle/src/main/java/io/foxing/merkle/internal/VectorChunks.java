// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle.internal;

import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Hashes several whole chunks at once, one chunk per vector lane (the way b3sum uses AVX2 and
 * AVX-512): the same compression as {@link Compress}, on {@code IntVector}s. Only loaded when the
 * JVM was started with {@code --add-modules jdk.incubator.vector}; see {@link Simd}.
 *
 * <p>Two choices measured on AVX2 (2.45 GHz EPYC, JDK 25, 16 MiB inputs, 2026-11-24): all 16 blocks
 * of the chunks are transposed before the first compression (block by block, each vector load
 * waited on the scalar stores just made: 600-700 MB/s -> 800-900), and each message vector is
 * loaded from the transposed words where a G step needs it instead of 16 vectors being kept and
 * permuted between rounds (32 live vectors do not fit in 16 registers: -> 1.3-1.5 GB/s; the method
 * also compiles sooner: a fresh JVM's first gigabyte took 2.2 s instead of 3.9). Rotations stay
 * {@code ROR}: shifts and an or, or a byte shuffle for 16 and 8, were not compiled to vector code.
 */
final class VectorChunks {
  private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
  static final int LANES = S.length();
  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Where in a block's transposed words each G step of each round finds its message word. */
  private static final int[] MSG = new int[7 * 16];

  static {
    int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int r = 0; r < 7; r++) {
      int[] next = new int[16];
      for (int i = 0; i < 16; i++) {
        MSG[r * 16 + i] = order[i] * LANES;
        next[i] = order[Compress.PERMUTATION[i]];
      }
      order = next;
    }
  }

  private final int[] words = new int[16 * 16 * LANES];
  private final int[] lanes = new int[LANES];
  private final int[] cvs = new int[8 * LANES];

  /**
   * Chaining values of the {@code LANES} whole chunks at {@code in[off..]}, numbered from {@code
   * counter}.
   */
  void hash(byte[] in, int off, long counter, int[] key, int flags, int[][] out) {
    IntVector c0 = IntVector.broadcast(S, key[0]), c1 = IntVector.broadcast(S, key[1]);
    IntVector c2 = IntVector.broadcast(S, key[2]), c3 = IntVector.broadcast(S, key[3]);
    IntVector c4 = IntVector.broadcast(S, key[4]), c5 = IntVector.broadcast(S, key[5]);
    IntVector c6 = IntVector.broadcast(S, key[6]), c7 = IntVector.broadcast(S, key[7]);
    for (int j = 0; j < LANES; j++) {
      lanes[j] = (int) (counter + j);
    }
    IntVector counterLo = IntVector.fromArray(S, lanes, 0);
    for (int j = 0; j < LANES; j++) {
      lanes[j] = (int) ((counter + j) >>> 32);
    }
    IntVector counterHi = IntVector.fromArray(S, lanes, 0);
    IntVector blockLen = IntVector.broadcast(S, Compress.BLOCK_LEN);
    // word w of block b of every chunk side by side, all blocks before the first compression
    for (int j = 0; j < LANES; j++) {
      int base = off + j * Compress.CHUNK_LEN;
      for (int i = 0; i < 256; i++) {
        words[i * LANES + j] = (int) LE_INT.get(in, base + 4 * i);
      }
    }
    for (int b = 0; b < 16; b++) {
      int o = b * 16 * LANES;
      int f = flags | (b == 0 ? Compress.CHUNK_START : 0) | (b == 15 ? Compress.CHUNK_END : 0);
      IntVector v0 = c0, v1 = c1, v2 = c2, v3 = c3, v4 = c4, v5 = c5, v6 = c6, v7 = c7;
      IntVector v8 = IntVector.broadcast(S, Compress.IV[0]),
          v9 = IntVector.broadcast(S, Compress.IV[1]);
      IntVector v10 = IntVector.broadcast(S, Compress.IV[2]),
          v11 = IntVector.broadcast(S, Compress.IV[3]);
      IntVector v12 = counterLo, v13 = counterHi, v14 = blockLen, v15 = IntVector.broadcast(S, f);
      for (int r = 0; r < 7; r++) {
        v0 = v0.add(v4).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 0]));
        v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
        v8 = v8.add(v12);
        v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
        v0 = v0.add(v4).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 1]));
        v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
        v8 = v8.add(v12);
        v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
        v1 = v1.add(v5).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 2]));
        v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
        v9 = v9.add(v13);
        v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
        v1 = v1.add(v5).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 3]));
        v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
        v9 = v9.add(v13);
        v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
        v2 = v2.add(v6).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 4]));
        v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
        v10 = v10.add(v14);
        v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
        v2 = v2.add(v6).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 5]));
        v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
        v10 = v10.add(v14);
        v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
        v3 = v3.add(v7).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 6]));
        v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
        v11 = v11.add(v15);
        v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
        v3 = v3.add(v7).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 7]));
        v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
        v11 = v11.add(v15);
        v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
        v0 = v0.add(v5).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 8]));
        v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
        v10 = v10.add(v15);
        v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
        v0 = v0.add(v5).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 9]));
        v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
        v10 = v10.add(v15);
        v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
        v1 = v1.add(v6).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 10]));
        v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
        v11 = v11.add(v12);
        v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
        v1 = v1.add(v6).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 11]));
        v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
        v11 = v11.add(v12);
        v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
        v2 = v2.add(v7).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 12]));
        v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
        v8 = v8.add(v13);
        v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
        v2 = v2.add(v7).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 13]));
        v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
        v8 = v8.add(v13);
        v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
        v3 = v3.add(v4).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 14]));
        v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
        v9 = v9.add(v14);
        v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
        v3 = v3.add(v4).add(IntVector.fromArray(S, words, o + MSG[r * 16 + 15]));
        v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
        v9 = v9.add(v14);
        v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
      }
      c0 = v0.lanewise(XOR, v8);
      c1 = v1.lanewise(XOR, v9);
      c2 = v2.lanewise(XOR, v10);
      c3 = v3.lanewise(XOR, v11);
      c4 = v4.lanewise(XOR, v12);
      c5 = v5.lanewise(XOR, v13);
      c6 = v6.lanewise(XOR, v14);
      c7 = v7.lanewise(XOR, v15);
    }
    c0.intoArray(cvs, 0);
    c1.intoArray(cvs, LANES);
    c2.intoArray(cvs, 2 * LANES);
    c3.intoArray(cvs, 3 * LANES);
    c4.intoArray(cvs, 4 * LANES);
    c5.intoArray(cvs, 5 * LANES);
    c6.intoArray(cvs, 6 * LANES);
    c7.intoArray(cvs, 7 * LANES);
    for (int j = 0; j < LANES; j++) {
      for (int w = 0; w < 8; w++) {
        out[j][w] = cvs[w * LANES + j];
      }
    }
  }
}
