// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import io.foxing.fxar.internal.ArchiveHeader;
import io.foxing.fxar.internal.Chunks;
import io.foxing.fxar.internal.EntryRecords;
import io.foxing.fxar.internal.Frame;
import io.foxing.fxar.internal.In;
import io.foxing.fxar.internal.Tar;
import io.foxing.fxar.internal.TreeExport;
import io.foxing.fxar.internal.TreeImport;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Whole trees in and out of archives: export a directory to FXAR or tar, import either back,
 * restore chosen files from an FXAR file, salvage what an archive without its index still holds.
 * Local trees are read and written on descriptors ({@code O_NOFOLLOW} everywhere); imports never
 * create anything outside the destination and never overwrite.
 */
public final class Snapshots {
  private Snapshots() {}

  /**
   * The result of an import, restore or salvage.
   *
   * @param entries entries met in the archive
   * @param bytes content bytes restored
   * @param failures entries not restored (path and reason); empty when everything was
   */
  public record Result(long entries, long bytes, List<String> failures) {}

  /** The archive formats {@link #export} writes. */
  public enum Format {
    FXAR,
    TAR
  }

  /**
   * Writes {@code source} and everything under it to {@code out} ({@code out} is flushed, not
   * closed). Entries that cannot be read go to {@code problems} and are left out.
   *
   * @return the archive's counts; for tar only entries and content bytes are counted
   */
  public static ArchiveStats export(
      Path source, OutputStream out, Format format, FxarOptions options, Consumer<String> problems)
      throws IOException {
    if (format == Format.TAR) {
      long[] counts = new long[2];
      try (Tar.Writer tar = new Tar.Writer(new KeepOpen(out), options.compression())) {
        TreeExport.run(
            source,
            new TreeExport.Target() {
              @Override
              public void add(FxarEntry entry) throws IOException {
                if (entry.type() == FxarEntry.Type.SOCKET) {
                  problems.accept(
                      entry.pathString()
                          + ": socket ignored (tar has no socket type; use the FXAR format)");
                  return;
                }
                counts[0]++;
                tar.add(entry);
              }

              @Override
              public void addFile(FxarEntry entry, java.nio.channels.ReadableByteChannel content)
                  throws IOException {
                counts[0]++;
                counts[1] += entry.size();
                tar.addFile(entry, content);
              }
            },
            problems);
      }
      out.flush();
      return new ArchiveStats(counts[0], 0, counts[1], 0, 0, 0, 0, java.util.Map.of(), 0, 0);
    }
    try (FxarWriter w = new FxarWriter(out, options)) {
      TreeExport.run(
          source,
          new TreeExport.Target() {
            @Override
            public void add(FxarEntry entry) throws IOException {
              w.add(entry);
            }

            @Override
            public void addFile(FxarEntry entry, java.nio.channels.ReadableByteChannel content)
                throws IOException {
              w.addFile(entry, content);
            }
          },
          problems);
      ArchiveStats stats = w.finish();
      w.warnings().forEach(problems);
      return stats;
    }
  }

  /**
   * Bytes of regular-file content under {@code source} (symlinks not followed): what an export
   * records as its size hint when the importer will read it from a pipe.
   */
  public static long contentSize(Path source) throws IOException {
    long[] total = new long[1];
    Files.walkFileTree(
        source,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              total[0] += attrs.size();
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
            return java.nio.file.FileVisitResult
                .CONTINUE; // the export itself reports what it cannot read
          }
        });
    return total[0];
  }

  /**
   * Imports an archive read from {@code in} (FXAR, or tar plain or compressed with zstd, gzip, xz
   * or lz4, told apart by their first bytes) into {@code dest}, which must not exist or be empty.
   * For FXAR the free space is checked first against the size the writer recorded. Damage after the
   * archive header does not stop it: every file it does not reach is restored, and the result lists
   * the files it cut short and what else it found damaged (the index, the footer).
   *
   * @throws FxarException if the archive header is damaged or of another version
   */
  public static Result importArchive(InputStream in, Path dest, FxarOptions options)
      throws IOException {
    BufferedInputStream buffered =
        in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 20);
    buffered.mark(ArchiveHeader.SIZE);
    byte[] magic = buffered.readNBytes(ArchiveHeader.MAGIC.length);
    buffered.reset();
    boolean fxar = Arrays.equals(magic, ArchiveHeader.MAGIC);
    FxarStreamReader reader = null;
    if (fxar) {
      reader = new FxarStreamReader(buffered);
      checkSpace(dest, reader.sizeHint()); // before the destination is even created
    }
    try (TreeImport sink =
        new TreeImport(dest, options.effectiveThreads(), options.memoryBudget(), false)) {
      if (reader == null) {
        List<String> refused = new ArrayList<>();
        Tar.extract(Tar.decompressing(buffered), sink, refused);
        sink.finish();
        refused.addAll(sink.failures());
        return new Result(sink.entries(), sink.bytes(), refused);
      }
      List<String> damage = new ArrayList<>();
      FxarEntry file = null; // the file under way and its bytes so far: is it cut short by damage?
      long got = 0;
      while (true) {
        FxarStreamReader.Item item;
        try {
          item = reader.next();
        } catch (FxarException e) {
          // the reader goes on after damage: a file it cuts short is not restored, and says why
          if (file != null && got < file.size()) {
            sink.damaged(e.getMessage());
          } else {
            damage.add(e.getMessage());
          }
          file = null;
          continue;
        }
        if (item == null) {
          break;
        }
        if (item instanceof FxarStreamReader.Entry e) {
          sink.begin(e.entry());
          file = e.entry().type() == FxarEntry.Type.FILE ? e.entry() : null;
          got = 0;
        } else {
          FxarStreamReader.Chunk c = (FxarStreamReader.Chunk) item;
          sink.chunk(c.offset(), c.length(), c.id(), c.isReference() ? null : c::decode);
          got += c.length();
        }
      }
      sink.finish();
      damage.addAll(sink.failures());
      return new Result(sink.entries(), sink.bytes(), damage);
    }
  }

  /**
   * Fails early, before anything is written, when the file system {@code dest} is (or will be) on
   * cannot hold {@code bytes} more.
   *
   * @throws IOException naming both figures and what to do
   */
  public static void checkSpace(Path dest, long bytes) throws IOException {
    if (bytes <= 0) {
      return;
    }
    Path existing = dest.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return;
    }
    long free = Files.getFileStore(existing).getUsableSpace();
    if (free < bytes) {
      throw new IOException(
          dest
              + ": not enough free space: the archive holds "
              + bytes
              + " bytes of files, "
              + free
              + " bytes are free; free space or import elsewhere");
    }
  }

  /**
   * Restores the entries of {@code archive} that {@code select} accepts into {@code dest} (created
   * if missing; existing entries are not overwritten), reading only their chunks. The parents of a
   * chosen entry are restored too, and everything under a chosen directory.
   */
  public static Result restore(
      FxarFile archive, Predicate<FxarEntry> select, Path dest, FxarOptions options)
      throws IOException {
    List<FxarEntry> all = archive.entries();
    boolean[] needed = chosen(all, select);
    long bytes = 0;
    for (int i = 0; i < all.size(); i++) {
      bytes += needed[i] ? all.get(i).size() : 0;
    }
    checkSpace(dest, bytes);
    try (TreeImport sink =
        new TreeImport(dest, options.effectiveThreads(), options.memoryBudget(), true)) {
      for (int i = 0; i < all.size(); i++) {
        FxarEntry e = all.get(i);
        if (!needed[i]) {
          continue;
        }
        int owner = archive.contentOwner(i);
        if (e.type() == FxarEntry.Type.HARDLINK && !needed[owner]) {
          FxarEntry t = all.get(owner); // its file is not restored: restore this name as a copy
          e =
              new FxarEntry(
                  FxarEntry.Type.FILE,
                  e.path(),
                  t.mode(),
                  t.uid(),
                  t.gid(),
                  t.mtimeNanos(),
                  t.atimeNanos(),
                  t.size(),
                  0,
                  null,
                  t.xattrs());
        }
        sink.begin(e);
        if (e.type() == FxarEntry.Type.FILE) {
          long offset = 0;
          for (int c : archive.chunksOf(owner)) {
            int len = archive.chunkLength(c);
            sink.chunk(offset, len, null, () -> archive.chunk(c));
            offset += len;
          }
        }
      }
      sink.finish();
      return new Result(sink.entries(), sink.bytes(), sink.failures());
    }
  }

  /**
   * Which entries a restore creates: those {@code select} accepts, everything under an accepted
   * directory, and the directories above each of them (by path, so any archive order works).
   */
  private static boolean[] chosen(List<FxarEntry> all, Predicate<FxarEntry> select) {
    boolean[] needed = new boolean[all.size()];
    List<byte[]> chosenDirs = new ArrayList<>();
    java.util.Map<ByteBuffer, Integer> dirs = new java.util.HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      FxarEntry e = all.get(i);
      if (e.type() == FxarEntry.Type.DIRECTORY) {
        dirs.put(ByteBuffer.wrap(e.path()), i);
      }
      if (e.isRoot()) {
        continue;
      }
      boolean under = false;
      for (int d = 0; d < chosenDirs.size() && !under; d++) {
        under = isUnder(e.path(), chosenDirs.get(d));
      }
      if (under || select.test(e)) {
        needed[i] = true;
        if (e.type() == FxarEntry.Type.DIRECTORY && !under) {
          chosenDirs.add(e.path());
        }
      }
    }
    for (int i = 0; i < all.size(); i++) {
      if (needed[i]) {
        byte[] p = all.get(i).path();
        for (int s = p.length - 1; s > 0; s--) {
          if (p[s] == '/') {
            Integer d = dirs.get(ByteBuffer.wrap(p, 0, s));
            if (d != null) {
              needed[d] = true;
            }
          }
        }
      }
    }
    return needed;
  }

  private static boolean isUnder(byte[] path, byte[] dir) {
    return path.length > dir.length
        && path[dir.length] == '/'
        && Arrays.equals(path, 0, dir.length, dir, 0, dir.length);
  }

  /**
   * Rebuilds what it can from an archive whose index or other parts are damaged, by scanning for
   * frames: every file whose entry record and chunks are all intact is restored into {@code dest};
   * the others are listed in the result's failures with what was lost.
   */
  public static Result salvage(Path archive, Path dest, FxarOptions options) throws IOException {
    try (FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ);
        TreeImport sink =
            new TreeImport(dest, options.effectiveThreads(), options.memoryBudget(), false)) {
      List<String> lost = new ArrayList<>();
      long size = ch.size();
      byte[] head = read(ch, 0, (int) Math.min(ArchiveHeader.SIZE, size));
      int maxChunk;
      try {
        maxChunk = ArchiveHeader.decode(head, head.length).maxChunk();
      } catch (DamagedArchiveException e) {
        maxChunk =
            io.foxing.fxar.internal.Chunker
                .MAX; // the writer's; a damaged header does not stop a scan
        lost.add("archive header: " + e.getMessage());
      }
      long pos = ArchiveHeader.SIZE;
      long entrySeq = -1;
      long expected = 0;
      FxarEntry current = null;
      long skippedFrom = -1;
      while (pos + Frame.SIZE <= size) {
        Frame f;
        byte[] stored;
        try {
          f = Frame.decode(read(ch, pos, Frame.SIZE), 0, pos, maxChunk);
          if (pos + Frame.SIZE + f.storedLen() > size) {
            throw new DamagedArchiveException(pos, "frame runs past the end");
          }
          stored = f.kind() == Frame.REF ? null : read(ch, pos + Frame.SIZE, f.storedLen());
          if (stored != null) {
            Chunks.decode(f, stored, pos); // check before trusting the frame's claims
          }
        } catch (DamagedArchiveException e) {
          if (skippedFrom < 0) {
            skippedFrom = pos;
          }
          pos = nextMagic(ch, pos + 1, size);
          continue;
        }
        if (skippedFrom >= 0) {
          lost.add("damaged bytes " + skippedFrom + "-" + pos + " skipped");
          skippedFrom = -1;
          if (current != null && current.type() == FxarEntry.Type.FILE) {
            sink.damaged("content damaged in the archive");
          }
        }
        long at = pos;
        pos += Frame.SIZE + f.storedLen();
        switch (f.kind()) {
          case Frame.ENTRY -> {
            finishEntry(sink, current, expected);
            byte[] rec = Chunks.decode(f, stored, at);
            current =
                EntryRecords.read(new In(rec, 0, rec.length, at + Frame.SIZE, "entry record"));
            entrySeq = f.entry();
            expected = 0;
            sink.begin(current);
          }
          case Frame.DATA, Frame.REF -> {
            if (current == null || f.entry() != entrySeq || f.offset() != expected) {
              if (current != null && f.entry() != entrySeq) {
                finishEntry(sink, current, expected);
                current = null;
              }
              continue; // a chunk whose entry record was lost
            }
            byte[] data = stored == null ? null : Chunks.decode(f, stored, at);
            sink.chunk(f.offset(), f.rawLen(), f.id(), data == null ? null : () -> data);
            expected += f.rawLen();
          }
          default -> pos = size; // the index: all frames are behind us
        }
      }
      finishEntry(sink, current, expected);
      sink.finish();
      lost.addAll(sink.failures());
      return new Result(sink.entries(), sink.bytes(), lost);
    }
  }

  private static void finishEntry(TreeImport sink, FxarEntry current, long got) {
    if (current != null && current.type() == FxarEntry.Type.FILE && got != current.size()) {
      sink.damaged(
          "content damaged in the archive (" + got + " of " + current.size() + " bytes intact)");
    }
    sink.endFile();
  }

  private static long nextMagic(FileChannel ch, long from, long size) throws IOException {
    byte[] buf = new byte[1 << 20];
    for (long at = from; at + Frame.SIZE <= size; at += buf.length - 3) {
      int n = (int) Math.min(buf.length, size - at);
      ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
      while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {
        // fill
      }
      for (int i = 0; i + 4 <= n; i++) {
        if (Frame.magicAt(buf, i)) {
          return at + i;
        }
      }
    }
    return size;
  }

  private static byte[] read(FileChannel ch, long at, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new DamagedArchiveException(at, "archive: truncated");
      }
    }
    return b.array();
  }

  /** Lets the tar writer end its compressor without closing the caller's stream. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
