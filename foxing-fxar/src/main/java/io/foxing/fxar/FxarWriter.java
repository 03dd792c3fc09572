// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import io.foxing.fxar.internal.ArchiveHeader;
import io.foxing.fxar.internal.Budget;
import io.foxing.fxar.internal.Bytes;
import io.foxing.fxar.internal.ChunkId;
import io.foxing.fxar.internal.Chunker;
import io.foxing.fxar.internal.Codecs;
import io.foxing.fxar.internal.EntryRecords;
import io.foxing.fxar.internal.Footer;
import io.foxing.fxar.internal.Frame;
import io.foxing.merkle.Blake3;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes an FXAR v2 archive front to back, without seeking, so {@code out} may be a pipe.
 *
 * <p>Entries are written in the order they are added; directories must come before their contents
 * and the root ({@code .}) first if present. File contents are read, chunked, hashed and compressed
 * by worker threads while later entries are being added; an ordered writer thread emits the frames.
 * The memory in flight is bounded by {@link FxarOptions#memoryBudget()}; what grows with the
 * archive is the chunk table kept for dedup and the index (about 100 bytes per distinct chunk and
 * per entry).
 *
 * <pre>{@code
 * try (FxarWriter w = new FxarWriter(out, FxarOptions.defaults())) {
 *   w.add(directoryEntry);
 *   w.addFile(fileEntry, FileChannel.open(path));
 *   ArchiveStats stats = w.finish();
 * }
 * }</pre>
 */
public final class FxarWriter implements AutoCloseable {
  private static final Object END = new Object();

  /** Entries queued ahead of the writer thread; bounds open channels and queued records. */
  private static final int WINDOW = 256;

  private static final int READ_SIZE = 1 << 20;

  private final Counting out;
  private final FxarOptions options;
  private final Chunker chunker = Chunker.standard();
  private final Budget budget;
  private final ExecutorService readers;
  private final ExecutorService compressors;
  private final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(WINDOW);
  private final Map<ChunkId, Stored> seen = new ConcurrentHashMap<>();
  private final Thread writerThread;
  private final List<Stored> written = new ArrayList<>();
  private final List<EntryOut> entriesOut = new ArrayList<>();
  private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile Throwable failure;
  private volatile Job head;
  private long seq;
  private long files;
  private long contentBytes;
  private long chunkRefs;
  private ArchiveStats stats;

  /** Writes the archive header; {@code out} is not closed by {@link #close()}. */
  public FxarWriter(OutputStream out, FxarOptions options) throws IOException {
    this.out = new Counting(out);
    this.options = options;
    this.budget = new Budget(options.memoryBudget());
    int threads = options.effectiveThreads();
    this.readers = fifoPool(threads, "fxar-read");
    this.compressors = fifoPool(threads, "fxar-compress");
    Compression c = options.compression();
    this.out.write(
        new ArchiveHeader(
                Chunker.MIN,
                Chunker.AVG,
                Chunker.MAX,
                c.codec(),
                c.level(),
                System.currentTimeMillis() * 1_000_000L,
                options.sizeHint())
            .encode());
    this.writerThread = new Thread(this::writeLoop, "fxar-writer");
    this.writerThread.setDaemon(true);
    this.writerThread.start();
  }

  /** A pool that starts tasks in submission order: the head job's reader is always running. */
  private static ExecutorService fifoPool(int threads, String name) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Adds an entry without content: a directory, symlink, hard link, device, fifo or socket, or an
   * empty file.
   */
  public void add(FxarEntry entry) throws IOException {
    if (entry.type() == FxarEntry.Type.FILE && entry.size() != 0) {
      throw new IllegalArgumentException(
          entry.pathString() + ": a file with content goes through addFile");
    }
    enqueue(new Job(entry, null));
  }

  /**
   * Adds a regular file whose content {@code content} yields; it is read later by a worker and then
   * closed. Exactly {@code entry.size()} bytes are archived: if the file shrank meanwhile the rest
   * is zeros and a warning says so (as tar does), if it grew the excess is not read.
   */
  public void addFile(FxarEntry entry, ReadableByteChannel content) throws IOException {
    if (entry.type() != FxarEntry.Type.FILE) {
      throw new IllegalArgumentException(entry.pathString() + ": only files have content");
    }
    Job job = new Job(entry, content);
    enqueue(job);
    readers.execute(() -> chunkFile(job));
  }

  private void enqueue(Job job) throws IOException {
    check();
    String bad = FxarEntry.checkPath(job.entry.path());
    if (bad != null) {
      throw new IllegalArgumentException(
          "refused entry path '" + job.entry.pathString() + "': " + bad);
    }
    job.seq = seq++;
    if (job.entry.type() == FxarEntry.Type.FILE) {
      files++;
      contentBytes += job.entry.size();
    }
    try {
      while (!jobs.offer(job, 100, TimeUnit.MILLISECONDS)) {
        check();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while adding " + job.entry.pathString());
    }
  }

  private void check() throws IOException {
    Throwable t = failure;
    if (t != null) {
      if (t instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      throw new IOException("archive writer failed: " + t, t);
    }
  }

  /** Warnings so far (files that shrank while being read). */
  public List<String> warnings() {
    synchronized (warnings) {
      return List.copyOf(warnings);
    }
  }

  // ---- workers -------------------------------------------------------------------------------

  private void chunkFile(Job job) {
    try (ReadableByteChannel in = job.content) {
      long left = job.entry.size();
      long offset = 0;
      byte[] buf = new byte[(int) Math.min(chunker.max() + (long) READ_SIZE, Math.max(left, 1))];
      int start = 0;
      int end = 0;
      boolean eof = false;
      boolean shrank = false;
      while (left > 0 && failure == null) {
        // keep at least max bytes ahead of the cut (or all that is left) so cuts do not depend on
        // reads
        if (!eof && end - start < Math.min(chunker.max(), left)) {
          if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
          }
          int want = (int) Math.min(buf.length - end, left - (end - start));
          int n = want == 0 ? 0 : in.read(ByteBuffer.wrap(buf, end, want));
          if (n < 0) {
            eof = true;
          } else {
            end += n;
          }
          continue;
        }
        if (eof && end - start < left) {
          // the file shrank since it was listed: archive zeros for the rest (as tar does), and say
          // so
          if (!shrank) {
            shrank = true;
            warnings.add(
                job.entry.pathString()
                    + ": file shrank by "
                    + (left - (end - start))
                    + " bytes while being archived; padded with zeros");
          }
          if (end == buf.length && start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
          }
          int pad = (int) Math.min(left - (end - start), buf.length - end);
          Arrays.fill(buf, end, end + pad, (byte) 0);
          end += pad;
        }
        int avail = (int) Math.min(end - start, left);
        int len = chunker.cut(buf, start, avail);
        // the head job may overdraw the shared budget (later jobs may hold it all), but never
        // beyond a budget of its own: its chunks leave as the writer writes them
        long own = len;
        budget.acquire(
            len, () -> head == job && job.inFlight.get() + own <= options.memoryBudget());
        job.inFlight.addAndGet(len);
        byte[] chunk = Arrays.copyOfRange(buf, start, start + len);
        Piece piece = new Piece(offset, len);
        job.pieces.add(piece);
        compressors.execute(() -> seal(piece, chunk));
        start += len;
        offset += len;
        left -= len;
      }
      job.pieces.add(END);
    } catch (Throwable t) {
      fail(
          t instanceof IOException io
              ? new IOException(job.entry.pathString() + ": " + io.getMessage(), io)
              : t);
      job.pieces.add(END);
    }
  }

  /** Hashes a chunk, and compresses it unless an earlier one with the same id is claimed. */
  private void seal(Piece piece, byte[] chunk) {
    try {
      byte[] idBytes = Blake3.hash(chunk);
      ChunkId id = ChunkId.of(idBytes, 0);
      Stored fresh = new Stored(id, idBytes, chunk.length);
      Stored s = seen.putIfAbsent(id, fresh);
      if (s == null) {
        s = fresh;
        Compression c = options.compression();
        byte[] packed = Codecs.compress(c, chunk, 0, chunk.length);
        s.payload.complete(
            packed == null ? new Sealed(Codec.NONE, chunk) : new Sealed(c.codec(), packed));
      }
      piece.stored.complete(s);
    } catch (Throwable t) {
      piece.stored.completeExceptionally(t);
    }
  }

  private void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  // ---- the ordered writer --------------------------------------------------------------------

  private void writeLoop() {
    Bytes header = new Bytes(Frame.SIZE);
    try {
      while (true) {
        Job job = jobs.take();
        if (job.entry == null) {
          return; // finish() marker
        }
        head = job;
        long at = out.count;
        byte[] record = EntryRecords.encode(job.entry);
        frame(
            header,
            new Frame(
                Frame.ENTRY,
                Codec.NONE,
                job.seq,
                0,
                record.length,
                record.length,
                Blake3.hash(record)),
            record);
        EntryOut eo = new EntryOut(at, record);
        entriesOut.add(eo);
        if (job.content != null) {
          int n = 0;
          Object o;
          while ((o = job.pieces.take()) != END) {
            Piece p = (Piece) o;
            Stored s = p.stored.get();
            if (s.serial < 0) {
              Sealed sealed = s.payload.get();
              s.frameOffset = out.count;
              s.serial = written.size();
              s.codec = sealed.codec;
              s.storedLen = sealed.bytes.length;
              written.add(s);
              frame(
                  header,
                  new Frame(
                      Frame.DATA,
                      sealed.codec,
                      job.seq,
                      p.offset,
                      p.len,
                      sealed.bytes.length,
                      s.idBytes),
                  sealed.bytes);
              s.payload = null; // written: the bytes are no longer needed
            } else {
              frame(
                  header,
                  new Frame(Frame.REF, Codec.NONE, job.seq, p.offset, p.len, 0, s.idBytes),
                  null);
            }
            eo.add(s.serial);
            n++;
            job.inFlight.addAndGet(-p.len);
            budget.release(p.len);
          }
          chunkRefs += n;
          check();
        }
      }
    } catch (Throwable t) {
      fail(t instanceof ExecutionException e && e.getCause() != null ? e.getCause() : t);
      // drain so producers blocked on the window or the budget can end
      head = null;
      jobs.clear();
    }
  }

  private void frame(Bytes header, Frame f, byte[] payload) throws IOException {
    header.clear();
    f.encodeTo(header);
    out.write(header.array(), 0, header.length());
    if (payload != null) {
      out.write(payload, 0, f.storedLen());
    }
  }

  /**
   * Waits for every entry to be written, then writes the index and footer and flushes. The
   * underlying stream stays open.
   *
   * @throws IOException if reading a file or writing the archive failed; the archive is then
   *     incomplete
   */
  public ArchiveStats finish() throws IOException {
    if (stats != null) {
      return stats;
    }
    try {
      jobs.put(new Job(null, null));
      writerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while finishing the archive");
    } finally {
      readers.shutdownNow();
      compressors.shutdownNow();
    }
    check();
    // index: chunk table sorted by id; entries refer to chunks by their place in it
    int n = written.size();
    Stored[] sorted = written.toArray(new Stored[0]);
    Arrays.sort(sorted, (x, y) -> x.id.compareTo(y.id));
    int[] place = new int[n];
    for (int i = 0; i < n; i++) {
      place[sorted[i].serial] = i;
    }
    Bytes index = new Bytes(16 + n * 44 + entriesOut.size() * 96);
    index.u64(entriesOut.size()).u64(n);
    long distinctBytes = 0;
    long storedBytes = 0;
    Map<Codec, Long> byCodec = new EnumMap<>(Codec.class);
    for (Stored s : sorted) {
      index.bytes(s.idBytes).u64(s.frameOffset).u32(s.rawLen);
      distinctBytes += s.rawLen;
      storedBytes += s.storedLen;
      byCodec.merge(s.codec, 1L, Long::sum);
    }
    for (EntryOut e : entriesOut) {
      index.u64(e.frameOffset).bytes(e.record).u32(e.count);
      for (int i = 0; i < e.count; i++) {
        index.u32(place[e.serials[i]]);
      }
    }
    byte[] raw = index.toArray();
    byte[] packed = Codecs.compress(new Compression(Codec.ZSTD, 3), raw, 0, raw.length);
    Codec ic = packed == null ? Codec.NONE : Codec.ZSTD;
    byte[] payload = packed == null ? raw : packed;
    long indexAt = out.count;
    frame(
        new Bytes(Frame.SIZE),
        new Frame(
            Frame.INDEX, ic, entriesOut.size(), 0, raw.length, payload.length, Blake3.hash(raw)),
        payload);
    out.write(Footer.encode(indexAt));
    out.flush();
    stats =
        new ArchiveStats(
            entriesOut.size(),
            files,
            contentBytes,
            chunkRefs,
            n,
            distinctBytes,
            storedBytes,
            Map.copyOf(byCodec),
            payload.length,
            out.count);
    return stats;
  }

  /** Finishes the archive if {@link #finish()} was not called, and stops the workers. */
  @Override
  public void close() throws IOException {
    if (stats == null) {
      if (failure == null) {
        finish();
      } else {
        readers.shutdownNow();
        compressors.shutdownNow();
        writerThread.interrupt();
      }
    }
  }

  // ---- pipeline records ----------------------------------------------------------------------

  private static final class Job {
    final FxarEntry entry;
    final ReadableByteChannel content;
    final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
    final java.util.concurrent.atomic.AtomicLong inFlight =
        new java.util.concurrent.atomic.AtomicLong();
    long seq;

    Job(FxarEntry entry, ReadableByteChannel content) {
      this.entry = entry;
      this.content = content;
    }
  }

  private record Sealed(Codec codec, byte[] bytes) {}

  /** One occurrence of a chunk in a file. */
  private static final class Piece {
    final long offset;
    final int len;
    final CompletableFuture<Stored> stored = new CompletableFuture<>();

    Piece(long offset, int len) {
      this.offset = offset;
      this.len = len;
    }
  }

  /**
   * A distinct chunk: compressed once by whoever saw it first, written at its first place in the
   * output.
   */
  private static final class Stored {
    final ChunkId id;
    final byte[] idBytes;
    final int rawLen;
    volatile CompletableFuture<Sealed> payload = new CompletableFuture<>();
    int serial = -1;
    long frameOffset;
    int storedLen;
    Codec codec;

    Stored(ChunkId id, byte[] idBytes, int rawLen) {
      this.id = id;
      this.idBytes = idBytes;
      this.rawLen = rawLen;
    }
  }

  private static final class EntryOut {
    final long frameOffset;
    final byte[] record;
    int[] serials = new int[0];
    int count;

    EntryOut(long frameOffset, byte[] record) {
      this.frameOffset = frameOffset;
      this.record = record;
    }

    void add(int serial) {
      if (count == serials.length) {
        serials = Arrays.copyOf(serials, Math.max(4, count * 2));
      }
      serials[count++] = serial;
    }
  }

  /** Counts bytes written (frame offsets) and buffers small writes. */
  private static final class Counting {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 20];
    private int len;
    long count;

    Counting(OutputStream out) {
      this.out = out;
    }

    void write(byte[] b) throws IOException {
      write(b, 0, b.length);
    }

    void write(byte[] b, int off, int n) throws IOException {
      count += n;
      if (n >= buf.length / 2) {
        flushBuffer();
        out.write(b, off, n);
        return;
      }
      if (len + n > buf.length) {
        flushBuffer();
      }
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    private void flushBuffer() throws IOException {
      if (len > 0) {
        out.write(buf, 0, len);
        len = 0;
      }
    }

    void flush() throws IOException {
      flushBuffer();
      out.flush();
    }
  }
}
