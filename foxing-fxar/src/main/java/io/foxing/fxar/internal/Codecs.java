// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.foxing.fxar.Codec;
import io.foxing.fxar.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Per-chunk compression. zstd contexts are kept per thread and reused (creating one costs more than
 * compressing a small chunk). Decoders never produce more than the declared raw length.
 */
public final class Codecs {
  /** xz decoders refuse streams that would need more memory than this (KiB). */
  private static final int XZ_MEMORY_LIMIT_KIB = 128 << 10;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final ThreadLocal<ZstdCompressCtx> ZSTD_C =
      ThreadLocal.withInitial(ZstdCompressCtx::new);
  private static final ThreadLocal<ZstdDecompressCtx> ZSTD_D =
      ThreadLocal.withInitial(ZstdDecompressCtx::new);

  private Codecs() {}

  /** The stored form of {@code src[off, off+len)}, or null when it does not shrink (store raw). */
  public static byte[] compress(Compression c, byte[] src, int off, int len) {
    byte[] out =
        switch (c.codec()) {
          case NONE -> null;
          case ZSTD -> {
            ZstdCompressCtx ctx = ZSTD_C.get();
            ctx.setLevel(c.level());
            byte[] dst = new byte[(int) Zstd.compressBound(len)];
            int n = ctx.compressByteArray(dst, 0, dst.length, src, off, len);
            yield java.util.Arrays.copyOf(dst, n);
          }
          case LZ4 -> {
            LZ4Compressor lz = LZ4.fastCompressor();
            byte[] dst = new byte[lz.maxCompressedLength(len)];
            int n = lz.compress(src, off, len, dst, 0, dst.length);
            yield java.util.Arrays.copyOf(dst, n);
          }
          case GZIP -> streamed(c, src, off, len);
          case XZ -> streamed(c, src, off, len);
        };
    return out == null || out.length >= len ? null : out;
  }

  private static byte[] streamed(Compression c, byte[] src, int off, int len) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(len / 2 + 64);
    try {
      if (c.codec() == Codec.GZIP) {
        try (GZIPOutputStream gz =
            new GZIPOutputStream(bytes, 8192) {
              {
                def.setLevel(c.level());
              }
            }) {
          gz.write(src, off, len);
        }
      } else {
        // a stream per chunk: the preset's dictionary (8 MiB at level 6) is more than a chunk
        // needs,
        // and the encoder's big arrays are reused from a cache instead of allocated per chunk
        LZMA2Options opts = new LZMA2Options(c.level());
        opts.setDictSize(Math.max(LZMA2Options.DICT_SIZE_MIN, Math.min(opts.getDictSize(), len)));
        try (XZOutputStream xz =
            new XZOutputStream(bytes, opts, XZ.CHECK_CRC64, BasicArrayCache.getInstance())) {
          xz.write(src, off, len);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          e); // in-memory streams do not fail; levels are checked by Compression
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a payload to exactly {@code rawLen} bytes.
   *
   * @throws IOException with a short reason when the payload is not a valid stream of that length
   */
  public static byte[] decompress(Codec codec, byte[] stored, int storedLen, int rawLen)
      throws IOException {
    if (codec == Codec.NONE) {
      if (storedLen != rawLen) {
        throw new IOException("stored length " + storedLen + " differs from raw length " + rawLen);
      }
      return storedLen == stored.length ? stored : java.util.Arrays.copyOf(stored, storedLen);
    }
    byte[] out = new byte[rawLen];
    try {
      int n =
          switch (codec) {
            case ZSTD -> ZSTD_D.get().decompressByteArray(out, 0, rawLen, stored, 0, storedLen);
            case LZ4 -> {
              LZ4SafeDecompressor d = LZ4.safeDecompressor();
              yield d.decompress(stored, 0, storedLen, out, 0, rawLen);
            }
            case GZIP ->
                readFully(new GZIPInputStream(new ByteArrayInputStream(stored, 0, storedLen)), out);
            case XZ ->
                readFully(
                    new XZInputStream(
                        new ByteArrayInputStream(stored, 0, storedLen),
                        XZ_MEMORY_LIMIT_KIB,
                        true,
                        BasicArrayCache.getInstance()),
                    out);
            case NONE -> throw new AssertionError();
          };
      if (n != rawLen) {
        throw new IOException(
            codec.label() + " payload decodes to " + n + " bytes, expected " + rawLen);
      }
      return out;
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) { // ZstdException, LZ4Exception: malformed input
      throw new IOException(codec.label() + " payload is malformed: " + e.getMessage(), e);
    }
  }

  private static int readFully(InputStream in, byte[] out) throws IOException {
    try (in) {
      int n = in.readNBytes(out, 0, out.length);
      if (in.read() != -1) {
        throw new IOException("payload decodes to more than " + out.length + " bytes");
      }
      return n;
    }
  }
}
