// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.foxing.fxar.Compression;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarEntry.Type;
import io.foxing.fxar.FxarEntry.Xattr;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveStructSparse;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The tar bridge, through Commons Compress: POSIX (pax) tar with nanosecond times and extended
 * attributes as {@code SCHILY.xattr.*} records, as GNU tar writes them with {@code --xattrs}.
 */
public final class Tar {
  private static final String XATTR = "SCHILY.xattr.";
  private static final java.nio.charset.Charset NAMES = StandardCharsets.ISO_8859_1;

  private Tar() {}

  /** A tar writer as a tree export target; entries are written in the caller's thread. */
  public static final class Writer implements TreeExport.Target, AutoCloseable {
    private final OutputStream compressed;
    private final TarArchiveOutputStream tar;

    public Writer(OutputStream out, Compression c) throws IOException {
      this.compressed =
          switch (c.codec()) {
            case NONE -> out;
            case ZSTD -> new ZstdOutputStream(out, c.level());
            case GZIP ->
                new GZIPOutputStream(out, 1 << 16) {
                  {
                    def.setLevel(c.level());
                  }
                };
            case XZ -> new XZOutputStream(out, new LZMA2Options(c.level()));
            case LZ4 -> new FramedLZ4CompressorOutputStream(out);
          };
      // names are raw bytes: ISO-8859-1 maps each byte to one char and back, in the headers and
      // in GNU long-name records (pax path records would be UTF-8, which not every name is)
      this.tar = new TarArchiveOutputStream(compressed, 1 << 16, NAMES.name());
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    @Override
    public void add(FxarEntry e) throws IOException {
      tar.putArchiveEntry(toTar(e));
      tar.closeArchiveEntry();
    }

    @Override
    public void addFile(FxarEntry e, java.nio.channels.ReadableByteChannel content)
        throws IOException {
      try (content) {
        tar.putArchiveEntry(toTar(e));
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long left = e.size();
        while (left > 0) {
          buf.clear().limit((int) Math.min(buf.capacity(), left));
          int n = content.read(buf);
          if (n < 0) {
            // shrank while being archived: pad as tar does, the header already promised the size
            java.util.Arrays.fill(buf.array(), 0, buf.limit(), (byte) 0);
            n = buf.limit();
          }
          tar.write(buf.array(), 0, n);
          left -= n;
        }
        tar.closeArchiveEntry();
      }
    }

    private static TarArchiveEntry toTar(FxarEntry e) {
      String name =
          e.isRoot()
              ? "./"
              : "./" + new String(e.path(), NAMES) + (e.type() == Type.DIRECTORY ? "/" : "");
      byte flag =
          switch (e.type()) {
            case FILE -> TarConstants.LF_NORMAL;
            case DIRECTORY -> TarConstants.LF_DIR;
            case SYMLINK -> TarConstants.LF_SYMLINK;
            case HARDLINK -> TarConstants.LF_LINK;
            case CHAR_DEVICE -> TarConstants.LF_CHR;
            case BLOCK_DEVICE -> TarConstants.LF_BLK;
            case FIFO -> TarConstants.LF_FIFO;
            case SOCKET ->
                throw new IllegalArgumentException(e.pathString() + ": tar has no socket type");
          };
      TarArchiveEntry t = new TarArchiveEntry(name, flag, true);
      t.setMode(e.mode());
      t.setIds(e.uid(), e.gid());
      t.setSize(e.type() == Type.FILE ? e.size() : 0);
      t.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(0, e.mtimeNanos())));
      if (e.type() == Type.SYMLINK || e.type() == Type.HARDLINK) {
        t.setLinkName((e.type() == Type.HARDLINK ? "./" : "") + new String(e.target(), NAMES));
      }
      if (e.type() == Type.CHAR_DEVICE || e.type() == Type.BLOCK_DEVICE) {
        t.setDevMajor((int) (((e.rdev() >>> 8) & 0xfff) | ((e.rdev() >>> 32) & ~0xfffL)));
        t.setDevMinor((int) ((e.rdev() & 0xff) | ((e.rdev() >>> 12) & ~0xffL)));
      }
      for (Xattr x : e.xattrs()) {
        // pax records are UTF-8 text; binary values (ACLs) go through ISO-8859-1 byte for byte
        t.addPaxHeader(XATTR + x.nameString(), new String(x.value(), StandardCharsets.ISO_8859_1));
      }
      return t;
    }

    /**
     * Ends the tar stream and the compressor, and closes the stream given (pass one that only
     * flushes on close to keep it open).
     */
    @Override
    public void close() throws IOException {
      tar.close();
    }
  }

  /** Wraps {@code in} in the decompressor its first bytes name (zstd, gzip, xz, lz4), or none. */
  public static InputStream decompressing(BufferedInputStream in) throws IOException {
    in.mark(8);
    byte[] m = in.readNBytes(6);
    in.reset();
    if (starts(m, 0x28, 0xB5, 0x2F, 0xFD)) {
      return new ZstdInputStream(in);
    }
    if (starts(m, 0x1F, 0x8B)) {
      return new GZIPInputStream(in, 1 << 16);
    }
    if (starts(m, 0xFD, '7', 'z', 'X', 'Z', 0)) {
      return new XZInputStream(in);
    }
    if (starts(m, 0x04, 0x22, 0x4D, 0x18)) {
      return new FramedLZ4CompressorInputStream(in, true);
    }
    return in;
  }

  private static boolean starts(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** Restores a tar stream into {@code sink}; entries whose names would escape are refused. */
  public static void extract(InputStream in, TreeImport sink, List<String> refused)
      throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(in, NAMES.name());
    TarArchiveEntry t;
    while ((t = nextEntry(tar)) != null) {
      FxarEntry e = fromTar(t);
      String bad = FxarEntry.checkPath(e.path());
      if (bad != null || (e.type() == Type.HARDLINK && FxarEntry.checkPath(e.target()) != null)) {
        refused.add(
            t.getName()
                + ": refused: "
                + (bad != null ? bad : "hard link target outside the archive"));
        continue;
      }
      sink.begin(e);
      if (!t.isSparse()) {
        copy(tar, sink, 0, e.size());
        continue;
      }
      // GNU sparse (old GNU, PAX 0.0, 0.1, 1.0): the stream reads as the whole file, zeros and
      // all; only the listed data regions are written, so the holes stay holes at any size
      long at = 0;
      for (TarArchiveStructSparse region : t.getOrderedSparseHeaders()) {
        if (region.getNumbytes() == 0) {
          continue;
        }
        if (region.getOffset() < at
            || tar.skip(region.getOffset() - at) != region.getOffset() - at) {
          sink.damaged("sparse map out of order or beyond the data");
          break;
        }
        if (!copy(tar, sink, region.getOffset(), region.getNumbytes())) {
          break;
        }
        at = region.getOffset() + region.getNumbytes();
      }
    }
    sink.endFile();
  }

  /**
   * The next member; a header commons-compress cannot read is named as the archive's problem, not
   * ours.
   */
  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (io.foxing.fxar.FxarException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new io.foxing.fxar.FxarException(
          "not an FXAR archive, nor a tar archive fxcp can read ("
              + String.valueOf(e.getMessage()).replace('\n', ' ')
              + ")",
          e);
    }
  }

  /**
   * Copies {@code length} bytes of the entry's stream to the file at {@code offset}; false if the
   * stream ended first.
   */
  private static boolean copy(TarArchiveInputStream tar, TreeImport sink, long offset, long length)
      throws IOException {
    for (long done = 0; done < length; ) {
      byte[] data = tar.readNBytes((int) Math.min(1 << 20, length - done));
      if (data.length == 0) {
        sink.damaged("tar stream ended inside the file");
        return false;
      }
      sink.chunk(offset + done, data.length, null, () -> data);
      done += data.length;
    }
    return true;
  }

  /**
   * A member name as GNU tar extracts it: {@code .} components and empty ones (repeated and
   * trailing slashes) dropped, so {@code .//a//b} is {@code a/b} and {@code ./} the root. A name
   * starting with {@code /} is left as it is, and so is every {@code ..}: checkPath refuses them.
   */
  private static String normalise(String name) {
    if (name.startsWith("/")) {
      return name;
    }
    StringBuilder out = new StringBuilder(name.length());
    for (String part : name.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        out.append(out.length() == 0 ? "" : "/").append(part);
      }
    }
    return out.length() == 0 ? "." : out.toString();
  }

  private static FxarEntry fromTar(TarArchiveEntry t) {
    String name = normalise(t.getName());
    Type type;
    if (t.isDirectory()) {
      type = Type.DIRECTORY;
    } else if (t.isSymbolicLink()) {
      type = Type.SYMLINK;
    } else if (t.isLink()) {
      type = Type.HARDLINK;
    } else if (t.isCharacterDevice()) {
      type = Type.CHAR_DEVICE;
    } else if (t.isBlockDevice()) {
      type = Type.BLOCK_DEVICE;
    } else if (t.isFIFO()) {
      type = Type.FIFO;
    } else {
      type = Type.FILE;
    }
    byte[] target = new byte[0];
    if (type == Type.SYMLINK) {
      target = t.getLinkName().getBytes(NAMES);
    } else if (type == Type.HARDLINK) {
      target = normalise(t.getLinkName()).getBytes(NAMES);
    }
    List<Xattr> xattrs = new ArrayList<>();
    for (Map.Entry<String, String> h : t.getExtraPaxHeaders().entrySet()) {
      if (h.getKey().startsWith(XATTR)) {
        xattrs.add(
            new Xattr(
                h.getKey().substring(XATTR.length()).getBytes(StandardCharsets.UTF_8),
                h.getValue().getBytes(StandardCharsets.ISO_8859_1)));
      }
    }
    Instant m = t.getLastModifiedTime().toInstant();
    long mtime = m.getEpochSecond() * 1_000_000_000L + m.getNano();
    long rdev =
        type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE
            ? ((long) (t.getDevMajor() & 0xfff) << 8)
                | ((long) (t.getDevMajor() & ~0xfff) << 32)
                | (t.getDevMinor() & 0xff)
                | ((long) (t.getDevMinor() & ~0xff) << 12)
            : 0;
    return new FxarEntry(
        type,
        name.getBytes(NAMES),
        t.getMode() & 07777,
        (int) t.getLongUserId(),
        (int) t.getLongGroupId(),
        mtime,
        mtime,
        type == Type.FILE ? (t.isSparse() ? t.getRealSize() : t.getSize()) : 0,
        rdev,
        target,
        xattrs);
  }
}
