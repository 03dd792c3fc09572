package io.foxing.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.merkle.internal.Simd;
import org.junit.jupiter.api.Test;

/**
 * The build runs every BLAKE3 test twice, once per path; this pins down that each run really
 * took the path it claims, so the vector code cannot go untested by accident.
 */
class VectorPathTest {
  @Test
  void theRunUsesThePathItWasStartedFor() {
    boolean expectVector = Boolean.getBoolean("foxing.test.expect.vector");
    if (expectVector) {
      assertTrue(Simd.LANES >= 4, "vector path expected: " + Simd.REASON);
    } else {
      assertEquals(0, Simd.LANES, Simd.REASON);
    }
  }
}
