// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A mirror target's state, kept on the source side: which filesystem the target is (its {@link
 * io.foxing.api.spi.Target#identity identity}, so a restarted mirror never writes into another one)
 * and, while the target is away (an outage, a full disk), the entries that changed meanwhile, so
 * they are brought in line first when it is back. Bounded: past {@code maxEntries} it stops listing
 * entries and records that a full comparison is needed. Every append is flushed to stable storage
 * before the changes it lists count as kept. One file per source and target; the format is
 * specified in {@code src/site/markdown/formats/outage-journal-v1.md}. Thread-safe (a target's
 * thread and the mirror's watchdog both write it).
 */
public final class OutageJournal {
  static final byte[] MAGIC = {'F', 'X', 'O', 'J'};
  static final int VERSION = 1;
  static final byte ENTRY = 'E';
  static final byte RESCAN = 'R';

  /** Longest field: paths are at most PATH_MAX (4096) on Linux; a field over this is damage. */
  static final int MAX_FIELD = 65_535;

  /**
   * What a journal file holds. {@code rescan} is why a full comparison is needed, or null; {@code
   * damaged}: its tail was not readable.
   */
  public record Contents(
      String source,
      String target,
      String identity,
      List<String> entries,
      String rescan,
      boolean damaged) {}

  /** A journal file that is not one, or is of another version: the message says what to do. */
  public static final class JournalException extends IOException {
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
      super(message);
    }
  }

  private final Path file;
  private final String source;
  private final String target;
  private final int maxEntries;
  private String identity;
  private final Set<String> entries = new HashSet<>();
  private String rescan;
  private long bytes;

  private OutageJournal(Path file, String source, String target, int maxEntries) {
    this.file = file;
    this.source = source;
    this.target = target;
    this.maxEntries = maxEntries;
  }

  /**
   * The journal's file for {@code source} and {@code target} in {@code dir}: named by a digest of
   * both.
   */
  public static Path fileFor(Path dir, Path source, String target) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(source.toString().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(target.getBytes(StandardCharsets.UTF_8));
      return dir.resolve("mirror-" + HexFormat.of().formatHex(d.digest(), 0, 8) + ".fxoj");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens the journal at {@code file}, reading what an earlier run left there (its identity, and
   * the entries of an outage it did not see the end of).
   *
   * @param file null to keep the journal in memory only
   * @throws JournalException if the file is not a journal of this source and target
   */
  public static OutageJournal open(Path file, Path source, String target, int maxEntries)
      throws IOException {
    OutageJournal j = new OutageJournal(file, source.toString(), target, maxEntries);
    if (file != null && Files.exists(file)) {
      Contents c = decode(Files.readAllBytes(file), file.toString());
      if (!c.source().equals(j.source) || !c.target().equals(j.target)) {
        throw new JournalException(
            file
                + ": the journal of another mirror ("
                + c.source()
                + " to "
                + c.target()
                + "); move it away");
      }
      j.identity = c.identity().isEmpty() ? null : c.identity();
      j.entries.addAll(c.entries());
      j.rescan = c.damaged() ? "the outage journal's end was damaged" : c.rescan();
      j.bytes = Files.size(file);
    }
    return j;
  }

  /** The target's identity recorded last; null if none was. */
  public synchronized String identity() {
    return identity;
  }

  /** Whether an outage is recorded (entries, or a full comparison, to catch up on). */
  public synchronized boolean outage() {
    return !entries.isEmpty() || rescan != null;
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized long bytes() {
    return bytes;
  }

  /**
   * Why a full comparison is needed when the target is back, if it is (more changes than the
   * journal keeps).
   */
  public synchronized String rescan() {
    return rescan;
  }

  /** The entries recorded, in no order. */
  public synchronized List<String> entries() {
    return new ArrayList<>(entries);
  }

  /** Records the target's identity, with no outage: the file is replaced as a whole. */
  public synchronized void reset(String identity) throws IOException {
    this.identity = identity;
    entries.clear();
    rescan = null;
    if (file != null) {
      writeHeader();
    }
  }

  private void writeHeader() throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    byte[] header = header(source, target, identity == null ? "" : identity);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, ByteBuffer.wrap(header));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(file.getParent());
    bytes = header.length;
  }

  /**
   * Adds entries changed while the target is away; past the bound, a full comparison instead.
   * Flushed before it returns.
   */
  public synchronized void add(List<String> paths, String rescanWhy) throws IOException {
    if (file != null && !Files.exists(file)) {
      writeHeader();
    }
    ByteBuffer out = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> records = new ArrayList<>();
    if (rescan == null && rescanWhy != null) {
      rescan = rescanWhy;
      records.add(record(RESCAN, rescanWhy));
    }
    for (String p : paths) {
      if (rescan != null) {
        break; // a full comparison covers it
      }
      if (entries.size() >= maxEntries) {
        rescan = "more than " + maxEntries + " entries changed while the target was away";
        records.add(record(RESCAN, rescan));
        break;
      }
      if (entries.add(p)) {
        records.add(record(ENTRY, p));
      }
    }
    if (records.isEmpty() || file == null) {
      return;
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      for (byte[] r : records) {
        if (out.remaining() < r.length) {
          out.flip();
          writeFully(ch, out);
          out.clear();
        }
        if (r.length > out.capacity()) {
          writeFully(ch, ByteBuffer.wrap(r));
        } else {
          out.put(r);
        }
        bytes += r.length;
      }
      out.flip();
      writeFully(ch, out);
      ch.force(false);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static byte[] header(String source, String target, String identity) {
    byte[][] fields = {utf8(source), utf8(target), utf8(identity)};
    int len = 8 + 4;
    for (byte[] f : fields) {
      len += 2 + Math.min(f.length, MAX_FIELD);
    }
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) VERSION).put(new byte[3]);
    for (byte[] f : fields) {
      int n = Math.min(f.length, MAX_FIELD);
      b.putShort((short) n).put(f, 0, n);
    }
    b.putInt(crc(b.array(), 0, b.position()));
    return b.array();
  }

  static byte[] record(byte type, String text) {
    byte[] t = utf8(text);
    int n = Math.min(t.length, MAX_FIELD);
    ByteBuffer b = ByteBuffer.allocate(1 + 2 + n + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(type).putShort((short) n).put(t, 0, n);
    b.putInt(crc(b.array(), 0, b.position()));
    return b.array();
  }

  /**
   * Reads a journal. A damaged header is an error (nothing in it can be trusted); a damaged record
   * ends the list there and marks it {@code damaged} (a write cut short by a crash): the caller
   * then compares everything, so nothing is lost.
   *
   * @throws JournalException if the bytes are not a version-1 journal
   */
  public static Contents decode(byte[] data, String where) throws JournalException {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (data.length < 8
        || data[0] != MAGIC[0]
        || data[1] != MAGIC[1]
        || data[2] != MAGIC[2]
        || data[3] != MAGIC[3]) {
      throw new JournalException(
          where
              + ": not a foxingd outage journal; move it away (the mirror then compares everything)");
    }
    if (data[4] != VERSION) {
      throw new JournalException(
          where
              + ": outage journal version "
              + (data[4] & 0xff)
              + ", this foxingd reads version "
              + VERSION
              + "; use the foxingd that wrote it, or move it away");
    }
    b.position(8);
    String[] fields = new String[3];
    for (int i = 0; i < 3; i++) {
      fields[i] = field(b, where);
      if (fields[i] == null) {
        throw new JournalException(
            where + ": the outage journal's header is cut short; move it away");
      }
    }
    int end = b.position();
    if (b.remaining() < 4 || b.getInt() != crc(data, 0, end)) {
      throw new JournalException(
          where + ": the outage journal's header is damaged (checksum); move it away");
    }
    List<String> entries = new ArrayList<>();
    String rescan = null;
    boolean damaged = false;
    while (b.hasRemaining()) {
      int start = b.position();
      byte type = b.get();
      String text = field(b, where);
      if (text == null
          || b.remaining() < 4
          || b.getInt() != crc(data, start, b.position() - 4 - start)
          || type != ENTRY && type != RESCAN) {
        damaged = true;
        break;
      }
      if (type == ENTRY) {
        entries.add(text);
      } else if (rescan == null) {
        rescan = text;
      }
    }
    return new Contents(fields[0], fields[1], fields[2], entries, rescan, damaged);
  }

  /** A u16-prefixed UTF-8 field; null if the data ends first. */
  private static String field(ByteBuffer b, String where) {
    if (b.remaining() < 2) {
      return null;
    }
    int n = b.getShort() & 0xffff;
    if (b.remaining() < n) {
      return null;
    }
    byte[] f = new byte[n];
    b.get(f);
    return new String(f, StandardCharsets.UTF_8);
  }

  private static int crc(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return (int) c.getValue();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
