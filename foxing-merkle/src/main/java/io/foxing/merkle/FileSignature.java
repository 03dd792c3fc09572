// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file's Merkle signature: the BLAKE3 hash of each fixed-size chunk of its contents, a root over
 * them, and what makes the signature stale (size, modification time in nanoseconds, inode). Two
 * signatures with the same chunk size say which chunks of two versions of a file differ.
 *
 * <p>The chunk size adapts to the file so a signature never holds more than {@link #MAX_CHUNKS}
 * hashes and no file size falls off a cliff: 8 KiB chunks (about rsync's block size for a 100 MiB
 * file, so scattered small edits dirty little) up to 128 MiB files, then the smallest power of two
 * that keeps the count within the limit. Signatures of files up to 256 KiB fit an extended
 * attribute anywhere; larger ones go to the sidecar (see {@link SignatureStore}). The binary form
 * is specified in the site page {@code formats/signature-v1}. Instances are immutable and
 * thread-safe.
 */
public final class FileSignature {
  /** The encoding version this class writes; readers reject others with a clear message. */
  public static final int VERSION = 1;

  public static final int MAX_CHUNKS = 16384;
  public static final int MIN_CHUNK_SHIFT = 13;

  /** Bytes kept of each chunk's BLAKE3 hash: 128 bits, ample to tell versions of one file apart. */
  public static final int CHUNK_HASH_LEN = 16;

  private static final byte[] MAGIC = {'F', 'X', 'S', 'G'};
  private static final int HEADER = 4 + 1 + 1 + 2 + 8 + 8 + 8 + 1 + 4 + 32;

  private final long size;
  private final long mtimeNanos;
  private final long inode;
  private final int chunkShift;
  private final byte[] chunkHashes;
  private final byte[] root;

  private FileSignature(
      long size, long mtimeNanos, long inode, int chunkShift, byte[] chunkHashes, byte[] root) {
    this.size = size;
    this.mtimeNanos = mtimeNanos;
    this.inode = inode;
    this.chunkShift = chunkShift;
    this.chunkHashes = chunkHashes;
    this.root = root;
  }

  /** The chunk size (as a power of two) a file of {@code size} bytes is signed with. */
  public static int chunkShiftFor(long size) {
    if (size <= 1) {
      return MIN_CHUNK_SHIFT;
    }
    // the smallest shift with size <= MAX_CHUNKS << shift, without the shift ever overflowing
    int bits = 64 - Long.numberOfLeadingZeros(size - 1);
    return Math.max(MIN_CHUNK_SHIFT, bits - Integer.numberOfTrailingZeros(MAX_CHUNKS));
  }

  /**
   * Signs a regular file: reads it once. The staleness fields are taken before and checked after
   * reading, so a file that changed meanwhile is reported, never signed wrongly.
   *
   * @throws IOException if the file cannot be read or changed while being read
   */
  public static FileSignature compute(Path file) throws IOException {
    Object inodeKey = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    BasicFileAttributes before =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!before.isRegularFile()) {
      throw new IOException(file + ": only regular files have signatures");
    }
    long size = before.size();
    FileSignature sig;
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(
            file, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      sig =
          compute(
              (pos, buf, off, len) -> ch.read(ByteBuffer.wrap(buf, off, len), pos),
              size,
              nanos(before.lastModifiedTime()),
              ((Number) inodeKey).longValue());
    }
    BasicFileAttributes after =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (after.size() != size || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
      throw new IOException(file + ": changed while being signed; sign it again");
    }
    return sig;
  }

  /** Random-access reads of the contents being signed (a file descriptor, a channel, an array). */
  @FunctionalInterface
  public interface Contents {
    /** Reads up to {@code len} bytes at {@code pos}; returns how many, or -1 at the end. */
    int read(long pos, byte[] buf, int off, int len) throws IOException;
  }

  /**
   * Signs {@code size} bytes of contents whose staleness attributes the caller knows (the copier
   * signs through descriptors it holds, where there may be no usable path).
   */
  public static FileSignature compute(Contents in, long size, long mtimeNanos, long inode)
      throws IOException {
    int shift = chunkShiftFor(size);
    int chunks = chunkCount(size, shift);
    byte[] hashes = new byte[chunks * CHUNK_HASH_LEN];
    byte[] buf = new byte[64 * 1024];
    Blake3 h = Blake3.newHasher();
    long pos = 0;
    for (int c = 0; c < chunks; c++) {
      long end = Math.min(size, (long) (c + 1) << shift);
      h.reset();
      while (pos < end) {
        int n = in.read(pos, buf, 0, (int) Math.min(buf.length, end - pos));
        if (n < 0) {
          throw new IOException(
              "contents ended at " + pos + " of " + size + " bytes while being signed");
        }
        h.update(buf, 0, n);
        pos += n;
      }
      h.finalizeTo(0, hashes, c * CHUNK_HASH_LEN, CHUNK_HASH_LEN);
    }
    return of(size, mtimeNanos, inode, shift, hashes);
  }

  /** A signature from its parts; the root is computed. */
  public static FileSignature of(
      long size, long mtimeNanos, long inode, int chunkShift, byte[] chunkHashes) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    if (chunkShift != chunkShiftFor(size)) {
      throw new IllegalArgumentException(
          "chunk size 2^"
              + chunkShift
              + " does not match a file of "
              + size
              + " bytes (2^"
              + chunkShiftFor(size)
              + ")");
    }
    if (chunkHashes.length != chunkCount(size, chunkShift) * CHUNK_HASH_LEN) {
      throw new IllegalArgumentException(
          "expected "
              + chunkCount(size, chunkShift)
              + " chunk hashes, got "
              + chunkHashes.length / (double) CHUNK_HASH_LEN);
    }
    byte[] hashes = chunkHashes.clone();
    return new FileSignature(
        size, mtimeNanos, inode, chunkShift, hashes, rootOf(size, chunkShift, hashes));
  }

  private static byte[] rootOf(long size, int shift, byte[] hashes) {
    Blake3 h = Blake3.newHasher();
    byte[] head =
        ByteBuffer.allocate(9)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(size)
            .put((byte) shift)
            .array();
    return h.update(head).update(hashes).digest();
  }

  static int chunkCount(long size, int shift) {
    return size == 0 ? 0 : (int) (((size - 1) >>> shift) + 1);
  }

  private static long nanos(FileTime t) {
    java.time.Instant i = t.toInstant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  public long size() {
    return size;
  }

  public long mtimeNanos() {
    return mtimeNanos;
  }

  public long inode() {
    return inode;
  }

  public long chunkSize() {
    return 1L << chunkShift;
  }

  public int chunkCount() {
    return chunkHashes.length / CHUNK_HASH_LEN;
  }

  /** Chunk {@code i}'s hash (the first 16 bytes of its BLAKE3). */
  public byte[] chunkHash(int i) {
    Objects.checkIndex(i, chunkCount());
    return Arrays.copyOfRange(chunkHashes, i * CHUNK_HASH_LEN, (i + 1) * CHUNK_HASH_LEN);
  }

  /** The Merkle root: BLAKE3 over the size, the chunk size and every chunk hash. */
  public byte[] root() {
    return root.clone();
  }

  /**
   * Whether this signature still describes a file with these attributes. ctime is not used: storing
   * the signature in an extended attribute itself moves the file's ctime.
   */
  public boolean isFreshFor(long size, long mtimeNanos, long inode) {
    return this.size == size && this.mtimeNanos == mtimeNanos && this.inode == inode;
  }

  /**
   * The same contents signed for another file state (after the copy got its own mtime and inode).
   */
  public FileSignature withState(long mtimeNanos, long inode) {
    return new FileSignature(size, mtimeNanos, inode, chunkShift, chunkHashes, root);
  }

  /** Whether chunk {@code i} has the same hash in both (same chunk size required). */
  public boolean sameChunk(FileSignature other, int i) {
    if (other.chunkShift != chunkShift) {
      throw new IllegalArgumentException(
          "signatures with different chunk sizes cannot be compared chunk by chunk");
    }
    return Arrays.equals(
        chunkHashes,
        i * CHUNK_HASH_LEN,
        (i + 1) * CHUNK_HASH_LEN,
        other.chunkHashes,
        i * CHUNK_HASH_LEN,
        (i + 1) * CHUNK_HASH_LEN);
  }

  /** The binary form (little-endian), as specified in formats/signature-v1. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + chunkHashes.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) VERSION).put((byte) 0).putShort((short) 0);
    b.putLong(size)
        .putLong(mtimeNanos)
        .putLong(inode)
        .put((byte) chunkShift)
        .putInt(chunkCount())
        .put(root)
        .put(chunkHashes);
    return b.array();
  }

  /**
   * Reads the binary form.
   *
   * @throws SignatureException naming what is wrong: not a signature, an unknown version (with the
   *     version found and the one this reader knows), a size that does not add up, or a root that
   *     does not match its chunk hashes (damage)
   */
  public static FileSignature decode(byte[] data) throws SignatureException {
    if (data.length < 5 || !Arrays.equals(data, 0, 4, MAGIC, 0, 4)) {
      throw new SignatureException("not a Foxing signature (bad magic)");
    }
    int version = data[4] & 0xff;
    if (version != VERSION) {
      throw new SignatureException(
          "signature version "
              + version
              + " is not supported (this reader knows version "
              + VERSION
              + "); regenerate it with this fxcp");
    }
    if (data.length < HEADER) {
      throw new SignatureException(
          "signature truncated: " + data.length + " bytes, a header alone is " + HEADER);
    }
    if (data[5] != 0 || data[6] != 0 || data[7] != 0) {
      throw new SignatureException(
          "signature uses flags this reader does not know (or is damaged); regenerate it");
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    b.position(8);
    long size = b.getLong();
    long mtime = b.getLong();
    long inode = b.getLong();
    int shift = b.get() & 0xff;
    long count = b.getInt() & 0xffffffffL;
    byte[] root = new byte[32];
    b.get(root);
    if (size < 0 || shift != chunkShiftFor(size)) {
      throw new SignatureException(
          "signature damaged: chunk size 2^"
              + shift
              + " does not fit a file of "
              + size
              + " bytes");
    }
    if (count != chunkCount(size, shift) || data.length != HEADER + count * CHUNK_HASH_LEN) {
      throw new SignatureException(
          "signature damaged: " + count + " chunks declared, " + data.length + " bytes present");
    }
    byte[] hashes = Arrays.copyOfRange(data, HEADER, data.length);
    FileSignature s =
        new FileSignature(size, mtime, inode, shift, hashes, rootOf(size, shift, hashes));
    if (!Arrays.equals(s.root, root)) {
      throw new SignatureException("signature damaged: its root does not match its chunk hashes");
    }
    return s;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FileSignature s
        && size == s.size
        && mtimeNanos == s.mtimeNanos
        && inode == s.inode
        && chunkShift == s.chunkShift
        && Arrays.equals(chunkHashes, s.chunkHashes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(size, mtimeNanos, inode, chunkShift) * 31 + Arrays.hashCode(chunkHashes);
  }

  @Override
  public String toString() {
    return "FileSignature{size="
        + size
        + ", chunks="
        + chunkCount()
        + " x "
        + chunkSize()
        + ", root="
        + Blake3.hex(root)
        + "}";
  }
}
