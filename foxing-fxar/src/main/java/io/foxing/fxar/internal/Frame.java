// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.Codec;
import io.foxing.fxar.DamagedArchiveException;
import java.util.Arrays;

/** A frame header (spec: formats/fxar-v2, "Frames"). */
public record Frame(
    int kind, Codec codec, long entry, long offset, int rawLen, int storedLen, byte[] id) {
  public static final int SIZE = 68;
  public static final int ENTRY = 1;
  public static final int DATA = 2;
  public static final int REF = 3;
  public static final int INDEX = 4;
  public static final byte[] MAGIC = {'F', 'X', 'f', 'r'};

  /** Largest entry record a reader accepts. */
  public static final int MAX_ENTRY_LEN = 16 << 20;

  public void encodeTo(Bytes b) {
    int start = b.length();
    b.bytes(MAGIC)
        .u8(kind)
        .u8(codec.id())
        .u16(0)
        .u64(entry)
        .u64(offset)
        .u32(rawLen)
        .u32(storedLen)
        .bytes(id);
    b.u32(ArchiveHeader.crc(b.array(), start, 64));
  }

  /** True if {@code buf[off..]} starts with the frame magic. */
  public static boolean magicAt(byte[] buf, int off) {
    return Arrays.equals(buf, off, off + 4, MAGIC, 0, 4);
  }

  /**
   * Decodes and checks a header: magic, crc, kind, codec and the length bounds that protect
   * allocation ({@code maxChunk} for chunks).
   *
   * @param at archive offset of the header, for messages
   */
  public static Frame decode(byte[] buf, int off, long at, int maxChunk)
      throws DamagedArchiveException {
    if (!magicAt(buf, off)) {
      throw new DamagedArchiveException(at, "frame: no frame magic");
    }
    if (In.le(buf, off + 64, 4) != ArchiveHeader.crc(buf, off, 64)) {
      throw new DamagedArchiveException(at, "frame header: checksum mismatch");
    }
    In in = new In(buf, off + 4, 60, at + 4, "frame header");
    int kind = in.u8();
    int codecId = in.u8();
    Codec codec = Codec.ofId(codecId);
    in.u16();
    long entry = in.u64();
    long offset = in.u64();
    long raw = in.u32Long();
    long stored = in.u32Long();
    byte[] id = in.bytes(32);
    long limit =
        switch (kind) {
          case DATA, REF -> maxChunk;
          case ENTRY -> MAX_ENTRY_LEN;
          case INDEX -> Integer.MAX_VALUE;
          default -> throw new DamagedArchiveException(at, "frame header: unknown kind " + kind);
        };
    if (codec == null) {
      throw new DamagedArchiveException(at, "frame header: unknown codec " + codecId);
    }
    if (raw > limit || stored > raw || (kind == REF && stored != 0) || entry < 0 || offset < 0) {
      throw new DamagedArchiveException(
          at, "frame header: lengths out of bounds (raw " + raw + ", stored " + stored + ")");
    }
    return new Frame(kind, codec, entry, offset, (int) raw, (int) stored, id);
  }
}
