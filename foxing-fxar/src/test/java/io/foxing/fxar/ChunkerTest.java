// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.fxar.internal.Chunker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chunker's cut points are part of the format (archives dedup against each other only if they
 * agree), so fixed inputs pin them: a change to the gear table, the masks or the rule fails here.
 * java.util.Random's sequence is specified, so the inputs are the same on every JDK.
 */
class ChunkerTest {
  static byte[] data(long seed, int len) {
    byte[] b = new byte[len];
    new Random(seed).nextBytes(b);
    return b;
  }

  static List<Integer> cuts(byte[] b) {
    Chunker c = Chunker.standard();
    List<Integer> out = new ArrayList<>();
    for (int off = 0; off < b.length; ) {
      int n = c.cut(b, off, b.length - off);
      out.add(n);
      off += n;
    }
    return out;
  }

  @Test
  void goldenCutPointsOfRandomData() {
    List<Integer> cuts = cuts(data(42, 8 << 20));
    assertEquals(GOLDEN_FIRST, cuts.subList(0, GOLDEN_FIRST.size()));
    assertEquals(GOLDEN_COUNT, cuts.size());
    assertEquals(GOLDEN_HASH, cuts.hashCode());
  }

  @Test
  void goldenCutPointsOfTextAndZeros() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < (1 << 20); i++) {
      text.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
    }
    assertEquals(
        GOLDEN_TEXT,
        cuts(text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)).hashCode());
    // no content, no cut points: zeros are cut at the maximum
    List<Integer> zeros = cuts(new byte[5 << 20]);
    assertEquals(List.of(Chunker.MAX, Chunker.MAX, (5 << 20) - 2 * Chunker.MAX), zeros);
  }

  @Test
  void sizesStayWithinBoundsAndAverageNearTarget() {
    for (long seed = 1; seed <= 5; seed++) {
      List<Integer> cuts = cuts(data(seed, 16 << 20));
      for (int i = 0; i < cuts.size() - 1; i++) {
        int n = cuts.get(i);
        assertTrue(n >= Chunker.MIN && n <= Chunker.MAX, "chunk " + i + " of " + n + " bytes");
      }
      double avg = (16 << 20) / (double) cuts.size();
      assertTrue(avg > 40_000 && avg < 100_000, "average " + avg);
    }
  }

  /** An insertion moves only the cut points near it: the chunks after it are the same bytes. */
  @Test
  void insertionDisturbsOnlyNearbyChunks() {
    Random r = new Random(7);
    for (int round = 0; round < 20; round++) {
      byte[] a = data(100 + round, 4 << 20);
      int at = r.nextInt(a.length);
      byte[] ins = data(200 + round, 1 + r.nextInt(5000));
      byte[] b = new byte[a.length + ins.length];
      System.arraycopy(a, 0, b, 0, at);
      System.arraycopy(ins, 0, b, at, ins.length);
      System.arraycopy(a, at, b, at + ins.length, a.length - at);
      Set<String> before = chunkSet(a);
      Set<String> after = chunkSet(b);
      after.removeAll(before);
      assertTrue(
          after.size() <= 5,
          "round " + round + ": " + after.size() + " new chunks after one insertion");
    }
  }

  private static Set<String> chunkSet(byte[] b) {
    Set<String> out = new HashSet<>();
    int off = 0;
    for (int n : cuts(b)) {
      out.add(Arrays.hashCode(Arrays.copyOfRange(b, off, off + n)) + ":" + n);
      off += n;
    }
    return out;
  }

  // pinned from the first implementation (2026-11-24); a change here is a format change
  static final List<Integer> GOLDEN_FIRST =
      List.of(77908, 100330, 74471, 68710, 66478, 111324, 67483, 4083, 67045, 90531, 73942, 74247);
  static final int GOLDEN_COUNT = 116;
  static final int GOLDEN_HASH = -881451385;
  static final int GOLDEN_TEXT = 1942651241;
}
