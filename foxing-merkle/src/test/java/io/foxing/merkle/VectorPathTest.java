// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.merkle.internal.Simd;
import org.junit.jupiter.api.Test;

/**
 * The build runs every BLAKE3 test twice, once per path; this pins down that each run really took
 * the path it claims, so the vector code cannot go untested by accident (CI runs these tests on JDK
 * 25 as well as 17; on 17 both runs take the scalar path).
 */
class VectorPathTest {
  @Test
  void theRunUsesThePathItWasStartedFor() {
    // the build asks for the vector path, which JDKs before Simd.MIN_JDK do not get (they
    // miscompile it)
    boolean oldJdk = Runtime.version().feature() < Simd.MIN_JDK;
    boolean expectVector = Boolean.getBoolean("foxing.test.expect.vector") && !oldJdk;
    if (oldJdk && Boolean.getBoolean("foxing.test.expect.vector")) {
      assertTrue(
          Simd.REASON.startsWith("JDK " + Runtime.version().feature() + "'s Vector API"),
          Simd.REASON);
    }
    if (expectVector) {
      assertTrue(Simd.LANES >= 4, "vector path expected: " + Simd.REASON);
    } else {
      assertEquals(0, Simd.LANES, Simd.REASON);
    }
  }
}
