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
 */
final class VectorChunks {
  private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
  static final int LANES = S.length();
  private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final int[] words = new int[16 * LANES];
  private final int[] lanes = new int[LANES];
  private final int[] cvs = new int[8 * LANES];

  /** Chaining values of the {@code LANES} whole chunks at {@code in[off..]}, numbered from {@code counter}. */
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
    for (int b = 0; b < 16; b++) {
      // transpose: word w of every chunk's block b side by side
      for (int j = 0; j < LANES; j++) {
        int base = off + j * Compress.CHUNK_LEN + b * Compress.BLOCK_LEN;
        for (int w = 0; w < 16; w++) {
          words[w * LANES + j] = (int) LE_INT.get(in, base + 4 * w);
        }
      }
      IntVector m0 = IntVector.fromArray(S, words, 0), m1 = IntVector.fromArray(S, words, LANES);
      IntVector m2 = IntVector.fromArray(S, words, 2 * LANES), m3 = IntVector.fromArray(S, words, 3 * LANES);
      IntVector m4 = IntVector.fromArray(S, words, 4 * LANES), m5 = IntVector.fromArray(S, words, 5 * LANES);
      IntVector m6 = IntVector.fromArray(S, words, 6 * LANES), m7 = IntVector.fromArray(S, words, 7 * LANES);
      IntVector m8 = IntVector.fromArray(S, words, 8 * LANES), m9 = IntVector.fromArray(S, words, 9 * LANES);
      IntVector m10 = IntVector.fromArray(S, words, 10 * LANES), m11 = IntVector.fromArray(S, words, 11 * LANES);
      IntVector m12 = IntVector.fromArray(S, words, 12 * LANES), m13 = IntVector.fromArray(S, words, 13 * LANES);
      IntVector m14 = IntVector.fromArray(S, words, 14 * LANES), m15 = IntVector.fromArray(S, words, 15 * LANES);
      int f = flags | (b == 0 ? Compress.CHUNK_START : 0) | (b == 15 ? Compress.CHUNK_END : 0);
      IntVector v0 = c0, v1 = c1, v2 = c2, v3 = c3, v4 = c4, v5 = c5, v6 = c6, v7 = c7;
      IntVector v8 = IntVector.broadcast(S, Compress.IV[0]), v9 = IntVector.broadcast(S, Compress.IV[1]);
      IntVector v10 = IntVector.broadcast(S, Compress.IV[2]), v11 = IntVector.broadcast(S, Compress.IV[3]);
      IntVector v12 = counterLo, v13 = counterHi, v14 = blockLen, v15 = IntVector.broadcast(S, f);
      for (int r = 0; r < 7; r++) {
          v0 = v0.add(v4).add(m0); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16); v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
          v0 = v0.add(v4).add(m1); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8); v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
          v1 = v1.add(v5).add(m2); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16); v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
          v1 = v1.add(v5).add(m3); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8); v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
          v2 = v2.add(v6).add(m4); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16); v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
          v2 = v2.add(v6).add(m5); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8); v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
          v3 = v3.add(v7).add(m6); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16); v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
          v3 = v3.add(v7).add(m7); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8); v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
          v0 = v0.add(v5).add(m8); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16); v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
          v0 = v0.add(v5).add(m9); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8); v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
          v1 = v1.add(v6).add(m10); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16); v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
          v1 = v1.add(v6).add(m11); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8); v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
          v2 = v2.add(v7).add(m12); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16); v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
          v2 = v2.add(v7).add(m13); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8); v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
          v3 = v3.add(v4).add(m14); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16); v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
          v3 = v3.add(v4).add(m15); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8); v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
          if (r < 6) {
            IntVector t0 = m2, t1 = m6, t2 = m3, t3 = m10, t4 = m7, t5 = m0, t6 = m4, t7 = m13, t8 = m1, t9 = m11, t10 = m12, t11 = m5, t12 = m9, t13 = m14, t14 = m15, t15 = m8;
            m0 = t0; m1 = t1; m2 = t2; m3 = t3; m4 = t4; m5 = t5; m6 = t6; m7 = t7; m8 = t8; m9 = t9; m10 = t10; m11 = t11; m12 = t12; m13 = t13; m14 = t14; m15 = t15;
          }
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
