// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle.internal;

/**
 * Whether BLAKE3 may hash several chunks per vector instruction: only on JDK 25 or later, when the
 * JVM resolved the {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector})
 * and the preferred vector holds at least 4 ints, and {@code -Dfoxing.blake3.vector=false} does not
 * switch it off.
 *
 * <p>Not on older JDKs: on JDK 17 (17.0.x, the incubator's second round) the vector path gave
 * wrong, run-to-run different hashes of a 1 GiB file in a fresh JVM with the serial collector, and
 * right ones with on-stack replacement switched off ({@code -XX:-UseOnStackReplacement}) or without
 * tiered compilation: a JIT fault, found 2026-11-24, that the same code on JDK 25 did not show in
 * 10 fresh runs. {@code -Dfoxing.blake3.vector=force} still enables it there, for testing. Probed
 * once; the answer and its reason are public so tools can report them.
 */
public final class Simd {
  private Simd() {}

  /** The first JDK whose Vector API this code trusts (see the class comment). */
  public static final int MIN_JDK = 25;

  /** Lanes of the vector path, or 0 when it is not used. */
  public static final int LANES;

  /** Why the vector path is or is not used, for diagnostics. */
  public static final String REASON;

  static {
    int lanes = 0;
    String why;
    String setting = System.getProperty("foxing.blake3.vector", "true");
    int jdk = Runtime.version().feature();
    if (setting.equals("false")) {
      why = "switched off by -Dfoxing.blake3.vector=false";
    } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      why = "the JVM was not started with --add-modules jdk.incubator.vector";
    } else if (jdk < MIN_JDK && !setting.equals("force")) {
      why = "JDK " + jdk + "'s Vector API miscompiles it (wrong hashes); used from JDK " + MIN_JDK;
    } else {
      try {
        lanes = VectorChunks.LANES;
        why =
            lanes >= 4
                ? "using " + lanes + " lanes of 32 bits"
                : "vectors hold only " + lanes + " ints";
        if (lanes < 4) {
          lanes = 0;
        }
      } catch (LinkageError e) {
        why = "vector API unusable: " + e;
      }
    }
    LANES = lanes;
    REASON = why;
  }

  /** A per-hasher vector engine, or null when the vector path is not used. */
  static Object newEngine() {
    return LANES > 0 ? new VectorChunks() : null;
  }

  static void hash(
      Object engine, byte[] in, int off, long counter, int[] key, int flags, int[][] out) {
    ((VectorChunks) engine).hash(in, off, counter, key, flags, out);
  }
}
