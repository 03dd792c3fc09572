package io.foxing.merkle.internal;

/**
 * Whether BLAKE3 may hash several chunks per vector instruction: only when the JVM resolved the
 * {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector}), the preferred
 * vector holds at least 4 ints, and {@code -Dfoxing.blake3.vector=false} does not switch it off.
 * Probed once; the answer and its reason are public so tools can report them.
 */
public final class Simd {
  private Simd() {}

  /** Lanes of the vector path, or 0 when it is not used. */
  public static final int LANES;
  /** Why the vector path is or is not used, for diagnostics. */
  public static final String REASON;

  static {
    int lanes = 0;
    String why;
    if (!Boolean.parseBoolean(System.getProperty("foxing.blake3.vector", "true"))) {
      why = "switched off by -Dfoxing.blake3.vector=false";
    } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      why = "the JVM was not started with --add-modules jdk.incubator.vector";
    } else {
      try {
        lanes = VectorChunks.LANES;
        why = lanes >= 4 ? "using " + lanes + " lanes of 32 bits" : "vectors hold only " + lanes + " ints";
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

  static void hash(Object engine, byte[] in, int off, long counter, int[] key, int flags, int[][] out) {
    ((VectorChunks) engine).hash(in, off, counter, key, flags, out);
  }
}
