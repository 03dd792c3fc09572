// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.Codec;
import io.foxing.fxar.DamagedArchiveException;
import io.foxing.fxar.FxarException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** The 64-byte archive header (spec: formats/fxar-v2, "Archive header"). */
public record ArchiveHeader(
    int minChunk,
    int avgChunk,
    int maxChunk,
    Codec codec,
    int level,
    long createdNanos,
    long sizeHint) {

  public static final int SIZE = 64;
  public static final int VERSION = 2;
  public static final byte[] MAGIC = {'F', 'X', 'A', 'R', '\r', '\n', 0x1a, '\n'};

  /** Bound on max_chunk a reader accepts, so a header cannot make it allocate more. */
  public static final int MAX_CHUNK_LIMIT = 16 << 20;

  public byte[] encode() {
    Bytes b = new Bytes(SIZE);
    b.bytes(MAGIC).u16(VERSION).u16(0).u32(minChunk).u32(avgChunk).u32(maxChunk);
    b.u8(codec.id()).u8(level).u16(0).u64(createdNanos).u64(sizeHint).u64(0).u64(0);
    b.u32(crc(b.array(), 0, 60));
    return b.toArray();
  }

  /** Reads a header, telling apart "not an FXAR archive", "another version" and "damaged". */
  public static ArchiveHeader decode(byte[] buf, int len) throws FxarException {
    if (len < MAGIC.length || !Arrays.equals(buf, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new FxarException("not an FXAR archive (no FXAR magic at the start)");
    }
    if (len < SIZE) {
      throw new DamagedArchiveException(0, "archive header: truncated");
    }
    In in = new In(buf, 8, SIZE - 8, 8, "archive header");
    int version = in.u16();
    if (version != VERSION) {
      throw new FxarException(
          "unsupported FXAR version " + version + " (this reader knows " + VERSION + ")");
    }
    if (In.le(buf, 60, 4) != crc(buf, 0, 60)) {
      throw new DamagedArchiveException(0, "archive header: checksum mismatch");
    }
    int flags = in.u16();
    if (flags != 0) {
      throw new FxarException(
          "archive uses flags 0x" + Integer.toHexString(flags) + " this reader does not know");
    }
    int min = in.u32();
    int avg = in.u32();
    int max = in.u32();
    if (min < 64
        || avg <= min
        || max < avg
        || max > MAX_CHUNK_LIMIT
        || Integer.bitCount(avg) != 1) {
      throw new DamagedArchiveException(
          12, "archive header: chunk sizes " + min + "/" + avg + "/" + max + " out of bounds");
    }
    int codecId = in.u8();
    Codec codec = Codec.ofId(codecId);
    if (codec == null) {
      throw new DamagedArchiveException(24, "archive header: unknown codec " + codecId);
    }
    int level = (byte) in.u8();
    in.u16();
    long created = in.u64();
    long sizeHint = in.u64();
    return new ArchiveHeader(min, avg, max, codec, level, created, sizeHint);
  }

  static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }
}
