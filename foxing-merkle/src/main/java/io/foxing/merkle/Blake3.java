// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import io.foxing.merkle.internal.Compress;
import io.foxing.merkle.internal.Output;
import io.foxing.merkle.internal.ParallelTree;
import io.foxing.merkle.internal.TreeHasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * BLAKE3, bit-exact with the specification and {@code b3sum}: the plain hash, the keyed hash (a
 * MAC), key derivation, and output of any length.
 *
 * <pre>{@code
 * byte[] digest = Blake3.hash(data);                                   // 32 bytes
 * Blake3 h = Blake3.newHasher();                                       // streaming
 * h.update(part1).update(part2);
 * byte[] out = h.finalizeBytes(64);                                    // extendable output
 * byte[] fileDigest = Blake3.newHasher().hashFile(path, 4);            // a file, on 4 cores
 * }</pre>
 *
 * <p>A hasher is not thread-safe; reuse one with {@link #reset()} (nothing is allocated per {@code
 * update}). {@link #hashAll} and {@link #hashFile} hash a whole input as a tree on several cores
 * and give the same bytes as streaming it.
 */
public final class Blake3 {
  /** Length of the default output and of keys. */
  public static final int OUT_LEN = 32;

  public static final int KEY_LEN = 32;

  private final int[] key;
  private final int flags;
  private final TreeHasher tree;
  private final byte[] one = new byte[1];
  private byte[] staging; // for direct and mapped buffers

  private Blake3(int[] key, int flags) {
    this.key = key;
    this.flags = flags;
    this.tree = new TreeHasher(key, flags);
  }

  /** A hasher for the plain hash. */
  public static Blake3 newHasher() {
    return new Blake3(Compress.IV.clone(), 0);
  }

  /**
   * A hasher for the keyed hash.
   *
   * @throws IllegalArgumentException unless the key is exactly 32 bytes
   */
  public static Blake3 newKeyedHasher(byte[] key) {
    if (key == null || key.length != KEY_LEN) {
      throw new IllegalArgumentException(
          "a BLAKE3 key is exactly 32 bytes, got " + (key == null ? "none" : key.length));
    }
    return new Blake3(words(key), Compress.KEYED_HASH);
  }

  /**
   * A hasher that derives a key from the material it is given, for {@code context}: a fixed,
   * globally unique, application-specific string (BLAKE3 paper, section 6.2).
   */
  public static Blake3 newKeyDerivationHasher(String context) {
    Blake3 ctx = new Blake3(Compress.IV.clone(), Compress.DERIVE_KEY_CONTEXT);
    byte[] c = context.getBytes(StandardCharsets.UTF_8);
    ctx.update(c, 0, c.length);
    return new Blake3(words(ctx.finalizeBytes(KEY_LEN)), Compress.DERIVE_KEY_MATERIAL);
  }

  /** The 32-byte hash of {@code data}. */
  public static byte[] hash(byte[] data) {
    return newHasher().update(data).finalizeBytes(OUT_LEN);
  }

  private static int[] words(byte[] key32) {
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] =
          (key32[4 * i] & 0xff)
              | (key32[4 * i + 1] & 0xff) << 8
              | (key32[4 * i + 2] & 0xff) << 16
              | (key32[4 * i + 3] & 0xff) << 24;
    }
    return w;
  }

  public Blake3 update(byte[] in) {
    return update(in, 0, in.length);
  }

  public Blake3 update(byte[] in, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, in.length);
    tree.update(in, off, len);
    return this;
  }

  public Blake3 update(byte b) {
    one[0] = b;
    tree.update(one, 0, 1);
    return this;
  }

  /** Consumes the buffer's remaining bytes (heap, direct or mapped). */
  public Blake3 update(ByteBuffer in) {
    if (in.hasArray()) {
      tree.update(in.array(), in.arrayOffset() + in.position(), in.remaining());
      in.position(in.limit());
      return this;
    }
    if (staging == null) {
      staging = new byte[64 * 1024]; // once per hasher, reused by every later update
    }
    while (in.hasRemaining()) {
      int n = Math.min(staging.length, in.remaining());
      in.get(staging, 0, n);
      tree.update(staging, 0, n);
    }
    return this;
  }

  /** The first {@code len} output bytes; the hasher may go on being updated. */
  public byte[] finalizeBytes(int len) {
    byte[] out = new byte[len];
    finalizeTo(0, out, 0, len);
    return out;
  }

  /** The 32-byte digest. */
  public byte[] digest() {
    return finalizeBytes(OUT_LEN);
  }

  /**
   * Output bytes {@code [position, position + len)} of the extendable output into {@code
   * out[off..]}.
   */
  public void finalizeTo(long position, byte[] out, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, out.length);
    if (position < 0) {
      throw new IllegalArgumentException("output position must be >= 0, got " + position);
    }
    tree.root(new Output()).rootBytes(position, out, off, len);
  }

  /** Forgets everything updated so far; the mode and key stay. */
  public Blake3 reset() {
    tree.reset();
    return this;
  }

  /**
   * Hashes all of {@code data} (whatever was streamed into this hasher is ignored) as a tree on up
   * to {@code threads} cores, writing {@code out.length} bytes of output.
   */
  public byte[] hashAll(ByteBuffer data, int threads, int outLen) {
    return root(ParallelTree.of(data), threads, outLen);
  }

  /** Like {@link #hashFile(Path, int, int)}, 32 bytes of output. */
  public byte[] hashFile(Path file, int threads) throws IOException {
    return hashFile(file, threads, OUT_LEN);
  }

  /**
   * Like {@link #hashAll} for a file. A regular file of 64 KiB or more is read through memory
   * mappings on up to {@code threads} cores; anything else is read to its end, whatever size it
   * claims: small files, and pipes, FIFOs, {@code /dev/stdin} and {@code /proc} files, which report
   * a size of 0 (or 4096 in {@code /sys}) that has nothing to do with what they hold.
   *
   * @throws IOException also when the file shrank while it was mapped (it "changed while hashed")
   */
  public byte[] hashFile(Path file, int threads, int outLen) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 64 * 1024 || !java.nio.file.Files.isRegularFile(file)) {
        Blake3 h = new Blake3(key.clone(), flags);
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        while (ch.read(b.clear()) >= 0) {
          h.update(b.array(), 0, b.position());
        }
        return h.finalizeBytes(outLen);
      }
      try {
        return root(new MappedSource(ch, size), threads, outLen);
      } catch (RuntimeException | InternalError e) {
        // a mapped page past the new end of a truncated file faults (SIGBUS), which the JVM throws
        // here
        if (ch.size() < size) {
          throw new IOException(
              file
                  + ": changed while it was hashed (shrank from "
                  + size
                  + " to "
                  + ch.size()
                  + " bytes); hash it again when nothing writes to it",
              e);
        }
        throw e;
      }
    }
  }

  private byte[] root(ParallelTree.Source src, int threads, int outLen) {
    ForkJoinPool pool = threads > 1 ? new ForkJoinPool(threads) : null;
    try {
      byte[] out = new byte[outLen];
      ParallelTree.root(src, key, flags, pool).rootBytes(0, out, 0, outLen);
      return out;
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
  }

  /** Lower-case hex, as b3sum prints. */
  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /**
   * A file as 1 GiB mappings (a mapping holds at most 2 GiB); chunks never straddle two of them.
   */
  private static final class MappedSource implements ParallelTree.Source {
    private static final long SEGMENT = 1L << 30;
    private final List<ByteBuffer> segments = new ArrayList<>();
    private final long size;

    MappedSource(FileChannel ch, long size) throws IOException {
      this.size = size;
      for (long pos = 0; pos < size; pos += SEGMENT) {
        segments.add(ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(SEGMENT, size - pos)));
      }
    }

    @Override
    public long length() {
      return size;
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) {
      while (len > 0) {
        ByteBuffer seg = segments.get((int) (pos / SEGMENT));
        int at = (int) (pos % SEGMENT);
        int n = Math.min(len, seg.capacity() - at);
        seg.get(at, dst, off, n);
        pos += n;
        off += n;
        len -= n;
      }
    }
  }
}
