package io.foxing.fxar;

import io.foxing.fxar.internal.ArchiveHeader;
import io.foxing.fxar.internal.Chunks;
import io.foxing.fxar.internal.EntryRecords;
import io.foxing.fxar.internal.Footer;
import io.foxing.fxar.internal.Frame;
import io.foxing.fxar.internal.In;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads an FXAR archive front to back from a stream (a pipe, a socket), in the manner of Commons
 * Compress's {@code ArchiveInputStream}: {@link #next()} yields each entry, then the chunks of its
 * content in order. A {@link Chunk} that {@linkplain Chunk#isReference() refers} to an earlier
 * chunk carries no bytes: the reader does not keep content, so the consumer resolves it from
 * what it did with that chunk before (an importer reads it back from the file it restored).
 *
 * <p>Structural rules are checked as the frames pass: frame order, offsets counting up without
 * gaps, sizes adding up, references only to chunks already seen, the index's entry count, and the
 * footer. Chunk payloads are decoded and checked only by {@link Chunk#decode()}, so a consumer can
 * do that on other threads.
 */
public final class FxarStreamReader implements AutoCloseable {
  private final InputStream in;
  private final ArchiveHeader header;
  private final byte[] frameBuf = new byte[Frame.SIZE];
  private final Set<io.foxing.fxar.internal.ChunkId> seen = new HashSet<>();
  private long pos;
  private long entries;
  private FxarEntry current;
  private long expectedOffset;
  private boolean done;

  /** Something read from the stream: an {@link Entry} or a {@link Chunk}. */
  public sealed interface Item permits Entry, Chunk {}

  /** The start of an entry; its chunks follow. */
  public record Entry(long sequence, FxarEntry entry) implements Item {}

  /** One chunk of the current entry's content. */
  public static final class Chunk implements Item {
    private final long sequence;
    private final long archiveOffset;
    private final Frame frame;
    private final byte[] stored;

    private Chunk(long sequence, long archiveOffset, Frame frame, byte[] stored) {
      this.sequence = sequence;
      this.archiveOffset = archiveOffset;
      this.frame = frame;
      this.stored = stored;
    }

    /** The entry it belongs to. */
    public long sequence() {
      return sequence;
    }

    /** Where it goes in the entry's content. */
    public long offset() {
      return frame.offset();
    }

    /** Its decoded length. */
    public int length() {
      return frame.rawLen();
    }

    /** Its BLAKE3 id. */
    public byte[] id() {
      return frame.id().clone();
    }

    /** Where its frame starts in the archive, for messages. */
    public long archiveOffset() {
      return archiveOffset;
    }

    /** True for a chunk stored earlier in the archive: no bytes here. */
    public boolean isReference() {
      return stored == null;
    }

    /**
     * Decodes and checks the bytes.
     *
     * @throws DamagedArchiveException if the payload does not decode to bytes with this id
     */
    public byte[] decode() throws DamagedArchiveException {
      if (stored == null) {
        throw new IllegalStateException("a reference has no bytes");
      }
      return Chunks.decode(frame, stored, archiveOffset);
    }
  }

  /** Reads and checks the archive header. */
  public FxarStreamReader(InputStream in) throws IOException {
    this.in = in;
    byte[] head = new byte[ArchiveHeader.SIZE];
    int n = in.readNBytes(head, 0, head.length);
    this.header = ArchiveHeader.decode(head, n);
    this.pos = n;
  }

  /** Content bytes the writer expected to archive (0 if unknown); an importer checks free space against it. */
  public long sizeHint() {
    return header.sizeHint();
  }

  /** The next entry or chunk, or null after the index and footer were read and checked. */
  public Item next() throws IOException {
    if (done) {
      return null;
    }
    long at = pos;
    readFully(frameBuf, Frame.SIZE, at, "frame header");
    Frame f = Frame.decode(frameBuf, 0, at, header.maxChunk());
    byte[] stored = null;
    if (f.kind() != Frame.REF) {
      stored = new byte[f.storedLen()];
      readFully(stored, stored.length, at + Frame.SIZE, "frame payload");
    }
    switch (f.kind()) {
      case Frame.ENTRY -> {
        endEntry(at);
        if (f.entry() != entries) {
          throw new DamagedArchiveException(at, "entry frame: sequence " + f.entry() + " where " + entries + " was expected");
        }
        byte[] record = Chunks.decode(f, stored, at);
        FxarEntry e = EntryRecords.read(new In(record, 0, record.length, at + Frame.SIZE, "entry record"));
        if (e.isRoot() && entries != 0) {
          throw new DamagedArchiveException(at, "entry record: root entry is not the first");
        }
        current = e;
        expectedOffset = 0;
        return new Entry(entries++, e);
      }
      case Frame.DATA, Frame.REF -> {
        io.foxing.fxar.internal.ChunkId id = io.foxing.fxar.internal.ChunkId.of(f.id(), 0);
        if (current == null || f.entry() != entries - 1 || f.offset() != expectedOffset
            || current.type() != FxarEntry.Type.FILE || expectedOffset + f.rawLen() > current.size() || f.rawLen() == 0) {
          throw new DamagedArchiveException(at, "chunk frame: does not continue the current entry's content");
        }
        if (f.kind() == Frame.REF ? !seen.contains(id) : !seen.add(id)) {
          throw new DamagedArchiveException(at, "chunk frame: " + (f.kind() == Frame.REF ? "refers to a chunk not stored before" : "stores a chunk twice"));
        }
        expectedOffset += f.rawLen();
        return new Chunk(entries - 1, at, f, stored);
      }
      case Frame.INDEX -> {
        endEntry(at);
        if (f.entry() != entries) {
          throw new DamagedArchiveException(at, "index frame: counts " + f.entry() + " entries, the stream had " + entries);
        }
        Chunks.decode(f, stored, at);
        byte[] footer = new byte[Footer.SIZE];
        readFully(footer, Footer.SIZE, pos, "footer");
        if (Footer.decode(footer, pos - Footer.SIZE, Long.MAX_VALUE) != at) {
          throw new DamagedArchiveException(pos - Footer.SIZE, "footer: does not point to the index");
        }
        done = true;
        return null;
      }
      default -> throw new AssertionError();
    }
  }

  private void endEntry(long at) throws DamagedArchiveException {
    if (current != null && current.type() == FxarEntry.Type.FILE && expectedOffset != current.size()) {
      throw new DamagedArchiveException(at, current.pathString() + ": content ends after " + expectedOffset + " of " + current.size() + " bytes");
    }
    current = null;
  }

  private void readFully(byte[] b, int n, long at, String what) throws IOException {
    int got = in.readNBytes(b, 0, n);
    pos += got;
    if (got < n) {
      throw new DamagedArchiveException(at, what + ": truncated (the stream ended early)");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
