// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.DamagedArchiveException;
import io.foxing.fxar.FxarException;
import java.util.Arrays;

/** The 32-byte footer that points to the INDEX frame (spec: formats/fxar-v2, "Footer"). */
public final class Footer {
  public static final int SIZE = 32;
  static final byte[] MAGIC = {'F', 'X', 'A', 'R', 'e', 'n', 'd', '\n'};

  private Footer() {}

  public static byte[] encode(long indexOffset) {
    Bytes b = new Bytes(SIZE);
    b.bytes(MAGIC).u16(ArchiveHeader.VERSION).u16(0).u32(0).u64(indexOffset);
    b.u32(ArchiveHeader.crc(b.array(), 0, 24)).u32(0);
    return b.toArray();
  }

  /** Returns the INDEX frame's offset. */
  public static long decode(byte[] buf, long at, long archiveLength) throws FxarException {
    if (!Arrays.equals(buf, 0, 8, MAGIC, 0, 8)) {
      throw new DamagedArchiveException(
          at,
          "footer: missing (the archive is truncated or its end is damaged; try verify --salvage)");
    }
    if (In.le(buf, 24, 4) != ArchiveHeader.crc(buf, 0, 24)) {
      throw new DamagedArchiveException(at, "footer: checksum mismatch");
    }
    int version = (int) In.le(buf, 8, 2);
    if (version != ArchiveHeader.VERSION) {
      throw new FxarException(
          "unsupported FXAR version "
              + version
              + " (this reader knows "
              + ArchiveHeader.VERSION
              + ")");
    }
    long index = In.le(buf, 16, 8);
    if (index < ArchiveHeader.SIZE || index > archiveLength - SIZE - Frame.SIZE) {
      throw new DamagedArchiveException(
          at, "footer: index offset " + index + " outside the archive");
    }
    return index;
  }
}
