// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the official BLAKE3 test vectors (test_vectors.json, see test_vectors.SOURCE.md),
 * in all three modes, with 131 bytes of extended output, through every way in: streaming in one
 * piece, streaming byte by byte, one-shot on 1 and 4 threads, heap and direct buffers.
 */
class Blake3VectorsTest {
  record Case(int inputLen, String hash, String keyedHash, String deriveKey) {}

  private static JsonNode vectors;

  static JsonNode vectors() throws IOException {
    if (vectors == null) {
      try (InputStream in = Blake3VectorsTest.class.getResourceAsStream("test_vectors.json")) {
        vectors = new ObjectMapper().readTree(in);
      }
    }
    return vectors;
  }

  static Stream<Case> cases() throws IOException {
    List<Case> out = new ArrayList<>();
    for (JsonNode c : vectors().get("cases")) {
      out.add(
          new Case(
              c.get("input_len").asInt(),
              c.get("hash").asText(),
              c.get("keyed_hash").asText(),
              c.get("derive_key").asText()));
    }
    return out.stream();
  }

  static byte[] input(int len) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  private static void checkAllWays(
      java.util.function.Supplier<Blake3> mode, byte[] data, String expectedHex) {
    int n = expectedHex.length() / 2;
    assertEquals(
        expectedHex, Blake3.hex(mode.get().update(data).finalizeBytes(n)), "streaming, one update");
    Blake3 h = mode.get();
    for (byte b : data) {
      h.update(b);
    }
    assertEquals(expectedHex, Blake3.hex(h.finalizeBytes(n)), "streaming, byte by byte");
    assertEquals(
        expectedHex, Blake3.hex(mode.get().hashAll(ByteBuffer.wrap(data), 1, n)), "tree, 1 thread");
    assertEquals(
        expectedHex,
        Blake3.hex(mode.get().hashAll(ByteBuffer.wrap(data), 4, n)),
        "tree, 4 threads");
    ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
    assertEquals(
        expectedHex, Blake3.hex(mode.get().hashAll(direct, 2, n)), "tree over a direct buffer");
    assertEquals(
        expectedHex.substring(0, 64),
        Blake3.hex(mode.get().update(data).digest()),
        "default length is the prefix");
    byte[] tail = new byte[n - 37];
    mode.get().update(data).finalizeTo(37, tail, 0, tail.length);
    assertEquals(expectedHex.substring(74), Blake3.hex(tail), "output read from a position");
  }

  @ParameterizedTest(name = "hash, {0}")
  @MethodSource("cases")
  void hash(Case c) {
    checkAllWays(Blake3::newHasher, input(c.inputLen()), c.hash());
  }

  @ParameterizedTest(name = "keyed hash, {0}")
  @MethodSource("cases")
  void keyedHash(Case c) throws IOException {
    byte[] key = vectors().get("key").asText().getBytes(StandardCharsets.US_ASCII);
    checkAllWays(() -> Blake3.newKeyedHasher(key), input(c.inputLen()), c.keyedHash());
  }

  @ParameterizedTest(name = "derive key, {0}")
  @MethodSource("cases")
  void deriveKey(Case c) throws IOException {
    String context = vectors().get("context_string").asText();
    checkAllWays(() -> Blake3.newKeyDerivationHasher(context), input(c.inputLen()), c.deriveKey());
  }
}
