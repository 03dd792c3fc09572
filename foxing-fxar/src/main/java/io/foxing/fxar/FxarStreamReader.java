// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import io.foxing.fxar.internal.ArchiveHeader;
import io.foxing.fxar.internal.Chunks;
import io.foxing.fxar.internal.EntryRecords;
import io.foxing.fxar.internal.Footer;
import io.foxing.fxar.internal.Frame;
import io.foxing.fxar.internal.In;
import io.foxing.fxar.internal.Index;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an FXAR archive front to back from a stream (a pipe, a socket), in the manner of Commons
 * Compress's {@code ArchiveInputStream}: {@link #next()} yields each entry, then the chunks of its
 * content in order. A {@link Chunk} that {@linkplain Chunk#isReference() refers} to an earlier
 * chunk carries no bytes: the reader does not keep content, so the consumer resolves it from what
 * it did with that chunk before (an importer reads it back from the file it restored).
 *
 * <p>Structural rules are checked as the frames pass: frame order, offsets counting up without
 * gaps, sizes adding up, references only to chunks already seen, the index (decoded and checked as
 * {@link FxarFile} checks it), and the footer. Chunk payloads are decoded and checked only by
 * {@link Chunk#decode()}, so a consumer can do that on other threads.
 *
 * <p>Damage does not end the stream: after {@link #next()} throws an {@link FxarException}, the
 * next call goes on with the next frame that can be trusted (after a damaged header, the next frame
 * magic whose header checksum holds, as a scanner finds it). The entry under way when the damage
 * was met gets no more chunks, and entries whose frames were lost are skipped.
 */
public final class FxarStreamReader implements AutoCloseable {
  /** The frame magic as {@link #resync()} sees the last four bytes read. */
  private static final int MAGIC = (int) In.le(Frame.MAGIC, 0, 4);

  private final PushbackInputStream in;
  private final ArchiveHeader header;
  private final byte[] frameBuf = new byte[Frame.SIZE];
  private final Set<io.foxing.fxar.internal.ChunkId> seen = new HashSet<>();
  private long pos;
  private long entries;
  private FxarEntry current;
  private long expectedOffset;
  private boolean done;

  /** The bytes at {@code pos} are not known to start a frame: the next frame is looked for. */
  private boolean lost;

  /** Damage was met: entries may be missing, and chunks of no entry under way are skipped. */
  private boolean damaged;

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
    // room to give back a frame header to read again, with the few bytes a resync read past it
    this.in = new PushbackInputStream(in, 2 * Frame.SIZE);
    byte[] head = new byte[ArchiveHeader.SIZE];
    int n = in.readNBytes(head, 0, head.length);
    this.header = ArchiveHeader.decode(head, n);
    this.pos = n;
  }

  /**
   * Content bytes the writer expected to archive (0 if unknown); an importer checks free space
   * against it.
   */
  public long sizeHint() {
    return header.sizeHint();
  }

  /**
   * The next entry or chunk, or null after the index and footer were read and checked (after
   * damage: or when the stream ended).
   *
   * @throws FxarException naming what is damaged and where; calling again goes on after it
   */
  public @Nullable Item next() throws IOException {
    while (!done) {
      try {
        Item item = read();
        if (item != null) {
          return item;
        }
      } catch (FxarException e) {
        // every throw leaves the stream where the next call can go on (or sets done)
        damaged = true;
        current = null;
        throw e;
      }
    }
    return null;
  }

  /**
   * Reads one frame: its item, or null for a chunk skipped after damage or for the index (then done
   * is set).
   */
  private Item read() throws IOException {
    long at = pos;
    Frame f;
    if (lost) {
      f = resync();
      at = pos - Frame.SIZE;
    } else {
      readFully(frameBuf, Frame.SIZE, at, "frame header");
      try {
        f = Frame.decode(frameBuf, 0, at, header.maxChunk());
      } catch (DamagedArchiveException e) {
        // its lengths cannot be trusted: the next frame may start at any byte after its first
        in.unread(frameBuf, 1, Frame.SIZE - 1);
        pos = at + 1;
        lost = true;
        throw e;
      }
    }
    if (f.kind() == Frame.ENTRY || f.kind() == Frame.INDEX) {
      endEntry(at);
    }
    byte[] stored = null;
    if (f.kind() != Frame.REF) {
      stored = new byte[f.storedLen()];
      readFully(stored, stored.length, at + Frame.SIZE, "frame payload");
    }
    switch (f.kind()) {
      case Frame.ENTRY -> {
        if (f.entry() < entries || (f.entry() > entries && !damaged)) {
          throw new DamagedArchiveException(
              at, "entry frame: sequence " + f.entry() + " where " + entries + " was expected");
        }
        entries = f.entry(); // after damage, the entries whose frames it took are skipped
        byte[] record = Chunks.decode(f, stored, at);
        FxarEntry e =
            EntryRecords.read(new In(record, 0, record.length, at + Frame.SIZE, "entry record"));
        if (e.isRoot() && entries != 0) {
          throw new DamagedArchiveException(at, "entry record: root entry is not the first");
        }
        current = e;
        expectedOffset = 0;
        return new Entry(entries++, e);
      }
      case Frame.DATA, Frame.REF -> {
        if (current == null && damaged) {
          return null; // a chunk of an entry lost to damage, or of the one under way when it was
          // met
        }
        io.foxing.fxar.internal.ChunkId id = io.foxing.fxar.internal.ChunkId.of(f.id(), 0);
        if (current == null
            || f.entry() != entries - 1
            || f.offset() != expectedOffset
            || current.type() != FxarEntry.Type.FILE
            || expectedOffset + f.rawLen() > current.size()
            || f.rawLen() == 0) {
          throw new DamagedArchiveException(
              at, "chunk frame: does not continue the current entry's content");
        }
        if (f.kind() == Frame.REF ? !seen.contains(id) : !seen.add(id)) {
          throw new DamagedArchiveException(
              at,
              "chunk frame: "
                  + (f.kind() == Frame.REF
                      ? "refers to a chunk not stored before"
                      : "stores a chunk twice"));
        }
        expectedOffset += f.rawLen();
        return new Chunk(entries - 1, at, f, stored);
      }
      case Frame.INDEX -> {
        done = true; // only the footer follows: whatever is wrong from here ends the stream
        if (f.entry() < entries || (f.entry() > entries && !damaged)) {
          throw new DamagedArchiveException(
              at, "index frame: counts " + f.entry() + " entries, the stream had " + entries);
        }
        // checked as FxarFile checks it: an index that verify, inspect and restore refuse is
        // damaged here too
        Index.decode(Chunks.decode(f, stored, at), at, at, header.maxChunk(), f.entry());
        byte[] footer = new byte[Footer.SIZE];
        readFully(footer, Footer.SIZE, pos, "footer");
        if (Footer.decode(footer, pos - Footer.SIZE, Long.MAX_VALUE) != at) {
          throw new DamagedArchiveException(
              pos - Footer.SIZE, "footer: does not point to the index");
        }
        return null;
      }
      default -> throw new AssertionError();
    }
  }

  /** Before an ENTRY or INDEX frame's payload: the file under way must have had all its content. */
  private void endEntry(long at) throws IOException {
    if (current != null
        && current.type() == FxarEntry.Type.FILE
        && expectedOffset != current.size()) {
      in.unread(frameBuf); // the frame itself is intact: the next call reads it again
      pos = at;
      throw new DamagedArchiveException(
          at,
          current.pathString()
              + ": content ends after "
              + expectedOffset
              + " of "
              + current.size()
              + " bytes");
    }
    current = null;
  }

  /**
   * After a damaged header: reads on to the next frame magic whose header checks hold, as a scanner
   * does (spec: "Frames"), and returns that header, its bytes in {@code frameBuf}.
   */
  private Frame resync() throws IOException {
    int last4 = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        done = true;
        throw new DamagedArchiveException(
            pos, "index: not found after the damage (the stream ended)");
      }
      pos++;
      last4 = (last4 >>> 8) | (b << 24);
      if (last4 != MAGIC) {
        continue;
      }
      long at = pos - 4;
      System.arraycopy(Frame.MAGIC, 0, frameBuf, 0, 4);
      int got = in.readNBytes(frameBuf, 4, Frame.SIZE - 4);
      pos += got;
      if (got == Frame.SIZE - 4) {
        try {
          Frame f = Frame.decode(frameBuf, 0, at, header.maxChunk());
          lost = false;
          return f;
        } catch (DamagedArchiveException notAFrame) {
          // those four bytes were inside other data: look on from the byte after the first
        }
      }
      in.unread(frameBuf, 1, 3 + got);
      pos = at + 1;
      last4 = 0;
    }
  }

  private void readFully(byte[] b, int n, long at, String what) throws IOException {
    int got = in.readNBytes(b, 0, n);
    pos += got;
    if (got < n) {
      done = true; // nothing follows to go on with
      throw new DamagedArchiveException(at, what + ": truncated (the stream ended early)");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
