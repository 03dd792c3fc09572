// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import io.foxing.fxar.internal.ArchiveHeader;
import io.foxing.fxar.internal.ChunkId;
import io.foxing.fxar.internal.Chunks;
import io.foxing.fxar.internal.Footer;
import io.foxing.fxar.internal.Frame;
import io.foxing.fxar.internal.Index;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Random access to an FXAR archive, in the manner of Commons Compress's {@code ZipFile}: opening
 * reads the header, the footer and the index, and nothing else; reading a file's content then reads
 * only its chunks. Every chunk is checked against its BLAKE3 id as it is read. Safe for concurrent
 * reads from several threads.
 */
public final class FxarFile implements AutoCloseable {
  private final SeekableByteChannel channel;
  private final ArchiveHeader header;
  private final Index index;
  private final long length;
  private final long indexOffset;
  private final List<FxarEntry> entries;

  private FxarFile(SeekableByteChannel channel) throws IOException {
    this.channel = channel;
    this.length = channel.size();
    byte[] head = readAt(0, (int) Math.min(ArchiveHeader.SIZE, length));
    this.header = ArchiveHeader.decode(head, head.length);
    if (length < ArchiveHeader.SIZE + Frame.SIZE + Footer.SIZE) {
      throw new DamagedArchiveException(
          length, "archive: truncated (no room for index and footer)");
    }
    this.indexOffset =
        Footer.decode(readAt(length - Footer.SIZE, Footer.SIZE), length - Footer.SIZE, length);
    Frame f = frameAt(indexOffset);
    if (f.kind() != Frame.INDEX
        || indexOffset + Frame.SIZE + f.storedLen() != length - Footer.SIZE) {
      throw new DamagedArchiveException(indexOffset, "index frame: not where the footer says");
    }
    byte[] raw = Chunks.decode(f, readAt(indexOffset + Frame.SIZE, f.storedLen()), indexOffset);
    this.index = Index.decode(raw, indexOffset, indexOffset, header.maxChunk(), f.entry());
    this.entries = Collections.unmodifiableList(java.util.Arrays.asList(index.entries));
  }

  /** Opens an archive file. */
  public static FxarFile open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new FxarFile(ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Reads an archive through any seekable channel (closed by {@link #close()}). */
  public static FxarFile open(SeekableByteChannel channel) throws IOException {
    return new FxarFile(channel);
  }

  /** All entries in archive order. */
  public List<FxarEntry> entries() {
    return entries;
  }

  /** The entry at {@code path}, or null. */
  public @Nullable FxarEntry entry(String path) {
    Integer e =
        index.byPath.get(ByteBuffer.wrap(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return e == null ? null : index.entries[e];
  }

  /** When the archive was written, nanoseconds since the epoch. */
  public long createdNanos() {
    return header.createdNanos();
  }

  /**
   * Counts from the index, plus each chunk's frame header for codecs and stored sizes (one small
   * read per distinct chunk).
   */
  public ArchiveStats stats() throws IOException {
    long files = 0;
    long content = 0;
    long refs = 0;
    for (int e = 0; e < index.entries.length; e++) {
      if (index.entries[e].type() == FxarEntry.Type.FILE) {
        files++;
        content += index.entries[e].size();
      }
      refs += index.entryChunks[e].length;
    }
    long distinct = 0;
    long stored = 0;
    Map<Codec, Long> byCodec = new EnumMap<>(Codec.class);
    for (int c = 0; c < index.chunkLens.length; c++) {
      distinct += index.chunkLens[c];
      Frame f = frameAt(index.chunkOffsets[c]);
      stored += f.storedLen();
      byCodec.merge(f.codec(), 1L, Long::sum);
    }
    return new ArchiveStats(
        index.entries.length,
        files,
        content,
        refs,
        index.chunkLens.length,
        distinct,
        stored,
        Map.copyOf(byCodec),
        length - Footer.SIZE - indexOffset - Frame.SIZE,
        length);
  }

  /** The content of a file entry (or of the file a hard link joins), checked as it is read. */
  public InputStream content(FxarEntry entry) throws IOException {
    int e = position(entry);
    int[] chunks = index.entryChunks[contentOwner(e)];
    return new InputStream() {
      private int next;
      private byte[] cur = new byte[0];
      private int pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (pos == cur.length) {
          if (next == chunks.length) {
            return -1;
          }
          cur = chunk(chunks[next++]);
          pos = 0;
        }
        int n = Math.min(len, cur.length - pos);
        System.arraycopy(cur, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /**
   * Reads every frame the index names and checks it, and every frame header between them (the
   * reference frames, which a streaming import reads too). Returns the problems found, each naming
   * the damaged chunk or frame and every file that uses it; empty when the archive is intact.
   */
  public List<String> verify() {
    List<String> problems = new ArrayList<>();
    Map<Integer, List<String>> users = new java.util.HashMap<>();
    for (int e = 0; e < index.entries.length; e++) {
      for (int c :
          index.entryChunks[contentOwner(e)]) { // hard links are affected as much as their file
        users.computeIfAbsent(c, k -> new ArrayList<>()).add(index.entries[e].pathString());
      }
    }
    for (int c = 0; c < index.chunkLens.length; c++) {
      try {
        chunk(c);
      } catch (IOException ex) {
        List<String> who = users.getOrDefault(c, List.of());
        Set<String> distinct = new java.util.LinkedHashSet<>(who);
        problems.add(
            ex.getMessage()
                + "; used by "
                + (distinct.isEmpty() ? "no file" : String.join(", ", distinct)));
      }
    }
    for (int e = 0; e < index.entries.length; e++) {
      try {
        Frame f = frameAt(index.entryOffsets[e]);
        byte[] record =
            Chunks.decode(
                f,
                readAt(index.entryOffsets[e] + Frame.SIZE, f.storedLen()),
                index.entryOffsets[e]);
        if (f.kind() != Frame.ENTRY
            || !java.util.Arrays.equals(
                record, io.foxing.fxar.internal.EntryRecords.encode(index.entries[e]))) {
          problems.add(
              "entry frame of "
                  + index.entries[e].pathString()
                  + " at offset "
                  + index.entryOffsets[e]
                  + " differs from the index");
        }
      } catch (IOException ex) {
        problems.add(ex.getMessage() + " (entry " + index.entries[e].pathString() + ")");
      }
    }
    // REF frames are in no table of the index, but import reads them: walk the frame headers in
    // order (those the index names were checked above); after damage, go on at the next it names
    long[] named =
        java.util.stream.LongStream.concat(
                java.util.Arrays.stream(index.entryOffsets),
                java.util.Arrays.stream(index.chunkOffsets))
            .sorted()
            .toArray();
    int entry = -1;
    for (long at = ArchiveHeader.SIZE; at < indexOffset; ) {
      while (entry + 1 < index.entries.length && index.entryOffsets[entry + 1] <= at) {
        entry++; // the entry whose frames these are
      }
      boolean isNamed = java.util.Arrays.binarySearch(named, at) >= 0;
      try {
        Frame f = frameAt(at);
        if (!isNamed) {
          checkReference(f, at);
        }
        at += Frame.SIZE + f.storedLen();
      } catch (IOException ex) {
        if (!isNamed) {
          problems.add(ex.getMessage() + "; used by " + contentUsers(entry));
        }
        int next = java.util.Arrays.binarySearch(named, at + 1);
        next = next >= 0 ? next : -next - 1;
        at = next < named.length ? named[next] : indexOffset;
      }
    }
    return problems;
  }

  /**
   * A frame the index does not name must refer to a chunk stored before it, as a streaming reader
   * requires.
   */
  private void checkReference(Frame f, long at) throws DamagedArchiveException {
    if (f.kind() != Frame.REF) {
      throw new DamagedArchiveException(
          at, "frame: not a reference, and the index does not name it");
    }
    ChunkId id = ChunkId.of(f.id(), 0);
    int lo = 0;
    int hi = index.chunkLens.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int order = ChunkId.of(index.ids, mid * 32).compareTo(id);
      if (order == 0) {
        if (index.chunkOffsets[mid] < at && index.chunkLens[mid] == f.rawLen()) {
          return;
        }
        break;
      }
      if (order < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    throw new DamagedArchiveException(at, "chunk frame: refers to a chunk not stored before");
  }

  /** The paths whose content is entry {@code e}'s: itself and the hard links to it. */
  private String contentUsers(int e) {
    List<String> who = new ArrayList<>();
    for (int h = 0; e >= 0 && h < index.entries.length; h++) {
      if (index.owner[h] == e) {
        who.add(index.entries[h].pathString());
      }
    }
    return who.isEmpty() ? "no file" : String.join(", ", who);
  }

  // ---- package-private access for restore --------------------------------------------------

  int position(FxarEntry entry) {
    Integer e = index.byPath.get(ByteBuffer.wrap(entry.path()));
    if (e == null || index.entries[e] != entry) {
      throw new IllegalArgumentException(entry.pathString() + " is not an entry of this archive");
    }
    return e;
  }

  /** The entry whose chunks hold {@code e}'s content: itself, or the file a hard link joins. */
  int contentOwner(int e) {
    return index.owner[e];
  }

  int[] chunksOf(int e) {
    return index.entryChunks[e];
  }

  int chunkLength(int c) {
    return index.chunkLens[c];
  }

  String chunkName(int c) {
    return ChunkId.of(index.ids, c * 32).shortHex();
  }

  /** Reads, decodes and checks chunk {@code c} of the chunk table. */
  byte[] chunk(int c) throws IOException {
    long at = index.chunkOffsets[c];
    Frame f = frameAt(at);
    if (f.kind() != Frame.DATA
        || !java.util.Arrays.equals(f.id(), index.id(c))
        || f.rawLen() != index.chunkLens[c]) {
      throw new DamagedArchiveException(
          at, "chunk " + chunkName(c) + ": the frame there is not the chunk the index names");
    }
    return Chunks.decode(f, readAt(at + Frame.SIZE, f.storedLen()), at);
  }

  private Frame frameAt(long at) throws IOException {
    if (at < 0 || at + Frame.SIZE > length) {
      throw new DamagedArchiveException(at, "frame: outside the archive");
    }
    Frame f = Frame.decode(readAt(at, Frame.SIZE), 0, at, header.maxChunk());
    if (at + Frame.SIZE + f.storedLen() > length) {
      throw new DamagedArchiveException(at, "frame: payload runs past the end of the archive");
    }
    return f;
  }

  private byte[] readAt(long at, int len) throws IOException {
    byte[] out = new byte[len];
    ByteBuffer buf = ByteBuffer.wrap(out);
    if (channel instanceof FileChannel fc) {
      while (buf.hasRemaining()) {
        if (fc.read(buf, at + buf.position()) < 0) {
          throw new DamagedArchiveException(at, "archive: truncated");
        }
      }
    } else {
      synchronized (channel) {
        channel.position(at);
        while (buf.hasRemaining()) {
          if (channel.read(buf) < 0) {
            throw new DamagedArchiveException(at, "archive: truncated");
          }
        }
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
