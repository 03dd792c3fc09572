// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.DamagedArchiveException;
import io.foxing.merkle.Blake3;
import java.io.IOException;
import java.util.Arrays;

/** Turns a stored frame payload back into its bytes, checking them against the frame's id. */
public final class Chunks {
  private Chunks() {}

  /**
   * @param at archive offset of the frame, for messages
   * @throws DamagedArchiveException if the payload does not decode or its hash is not the id
   */
  public static byte[] decode(Frame f, byte[] stored, long at) throws DamagedArchiveException {
    byte[] raw;
    try {
      raw = Codecs.decompress(f.codec(), stored, f.storedLen(), f.rawLen());
    } catch (IOException e) {
      throw new DamagedArchiveException(at, kind(f) + " payload: " + e.getMessage());
    }
    if (!Arrays.equals(Blake3.hash(raw), f.id())) {
      throw new DamagedArchiveException(
          at, kind(f) + " payload: BLAKE3 does not match the frame's id");
    }
    return raw;
  }

  public static String kind(Frame f) {
    return switch (f.kind()) {
      case Frame.ENTRY -> "entry record";
      case Frame.DATA -> "chunk " + ChunkId.of(f.id(), 0).shortHex();
      case Frame.INDEX -> "index";
      default -> "frame";
    };
  }
}
