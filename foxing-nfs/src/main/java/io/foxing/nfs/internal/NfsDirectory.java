// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.Preserve;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Itemize;
import io.foxing.api.spi.SourceEntry;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsException;
import io.foxing.nfs.NfsMetadata;
import io.foxing.nfs.NfsStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One directory of an {@link NfsTarget}, by file handle. A listing is one READDIR with attributes
 * and handles (a bulk stat): the first {@link #stat(byte[], String)} of each listed name is
 * answered from it and a listed subdirectory is opened with its listed handle, so an up-to-date
 * tree costs the READDIR of each directory and nothing per file. Every new entry is made under a
 * temporary name and renamed over its final one in the same compound, so it appears complete: a
 * file that fits one request is written in one round trip ({@link Remote#writeSmall}), larger files
 * are streamed ({@link Remote#writeLarge}).
 */
final class NfsDirectory implements TargetDirectory {
  private static final int STREAM_WINDOW = 16;

  private final Remote remote;
  private final byte[] fh;
  private final CopyOptions options;
  private final TargetReport report;

  /** Listed entries not asked about yet: each is used once, later questions go to the server. */
  private final Map<String, Compound.DirEntry> listed = new ConcurrentHashMap<>();

  /**
   * Handles of subdirectories known here (listed, or made by this run) until they are opened: no
   * LOOKUP for them.
   */
  private final Map<String, byte[]> handles = new ConcurrentHashMap<>();

  /**
   * Something was made, removed or renamed here: the directory's times moved and are set again when
   * it is finished.
   */
  private volatile boolean modified;

  NfsDirectory(Remote remote, byte[] fh, CopyOptions options, TargetReport report) {
    this.remote = remote;
    this.fh = fh;
    this.options = options;
    this.report = report;
  }

  @Override
  public List<Entry> list(String where) throws IOException {
    List<Entry> out = new ArrayList<>();
    listed.clear(); // the engine lists a directory before it works on its entries, never meanwhile
    for (Compound.DirEntry e : remote.readdir(fh, where)) {
      if (e.error() == 0) {
        listed.put(e.name(), e);
        if (e.attributes().isDirectory() && e.fileHandle() != null) {
          handles.put(e.name(), e.fileHandle());
        }
        out.add(new Entry(e.name().getBytes(StandardCharsets.UTF_8), e.attributes().isDirectory()));
      }
    }
    return out;
  }

  @Override
  public FileStat stat(String where) throws IOException {
    return stat(remote.getattr(fh, where));
  }

  @Override
  public FileStat stat(byte[] name, String where) throws IOException {
    String n = name(name, where);
    Compound.DirEntry e = listed.remove(n);
    if (e != null) {
      return stat(e.attributes());
    }
    NfsAttributes a = remote.lookupAttrs(fh, n, where);
    return a == null ? null : stat(a);
  }

  @Override
  public TargetDirectory open(byte[] name, String where) throws IOException {
    String n = name(name, where);
    byte[] child = handles.remove(n);
    if (child == null) {
      child = remote.lookupFrom(fh, n, where);
    }
    return new NfsDirectory(remote, child, options, report);
  }

  @Override
  public void makeDirectory(byte[] name, String where) throws IOException {
    String n = name(name, where);
    modified = true;
    handles.put(n, remote.mkdir(fh, n, NfsMetadata.builder().mode(0700).build(), where));
  }

  @Override
  public void remove(byte[] name, boolean directory, String where) throws IOException {
    modified = true;
    remote.remove(fh, name(name, where), where);
  }

  @Override
  public boolean removeIfEmpty(byte[] name, String where) throws IOException {
    modified = true;
    try {
      remote.remove(fh, name(name, where), where);
      return true;
    } catch (NfsException e) {
      if (e.status() == NfsStatus.NOTEMPTY || e.status() == NfsStatus.EXIST) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void rename(byte[] name, TargetDirectory to, byte[] newName, String where)
      throws IOException {
    modified = true;
    ((NfsDirectory) to).modified = true;
    remote.rename(fh, name(name, where), ((NfsDirectory) to).fh, name(newName, where), where);
  }

  @Override
  public byte[] readSymlink(byte[] name, String where) throws IOException {
    return remote
        .readlink(remote.lookupFrom(fh, name(name, where), where), where)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void makeSymlink(
      byte[] name, byte[] linkTarget, SourceEntry source, boolean replace, String where)
      throws IOException {
    modified = true;
    remote.createSpecial(
        fh,
        name(name, where),
        NfsAttributes.Type.SYMLINK,
        name(linkTarget, where),
        0,
        0,
        wanted(source.stat(), -1),
        where);
  }

  @Override
  public void makeSpecial(byte[] name, SourceEntry source, boolean replace, String where)
      throws IOException {
    modified = true;
    FileStat s = source.stat();
    NfsAttributes.Type t =
        switch (s.type()) {
          case FileStat.S_IFBLK -> NfsAttributes.Type.BLOCK_DEVICE;
          case FileStat.S_IFCHR -> NfsAttributes.Type.CHARACTER_DEVICE;
          case FileStat.S_IFIFO -> NfsAttributes.Type.FIFO;
          case FileStat.S_IFSOCK -> NfsAttributes.Type.SOCKET;
          default ->
              throw new IOException(
                  where + ": unknown file type " + Integer.toOctalString(s.type()));
        };
    long rdev = s.rdev();
    int major = (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfff));
    int minor = (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xff));
    remote.createSpecial(fh, name(name, where), t, null, major, minor, wanted(s, -1), where);
  }

  @Override
  public void link(
      byte[] name, TargetDirectory firstDir, byte[] firstName, boolean replace, String where)
      throws IOException {
    NfsDirectory first = (NfsDirectory) firstDir;
    modified = true;
    remote.link(
        remote.lookupFrom(first.fh, name(firstName, where), where), fh, name(name, where), where);
  }

  @Override
  public Written writeFile(
      byte[] name,
      SourceEntry source,
      FileStat existing,
      boolean mayPatch,
      PublishCheck beforePublish,
      String where)
      throws IOException {
    String n = name(name, where);
    FileStat s = source.stat();
    modified = true;
    // a replacement keeps the old file's permissions without -p, as a local copy's does
    NfsMetadata meta =
        wanted(s, existing != null && existing.isRegular() ? existing.permissions() : -1);
    try (FileChannel ch = source.channel()) {
      if (s.size() <= remote.maxIo()) {
        ByteBuffer buf = ByteBuffer.allocate((int) s.size());
        while (buf.hasRemaining()) {
          if (ch.read(buf) < 0) {
            throw new IOException(where + ": the source shrank while being copied");
          }
        }
        buf.flip();
        beforePublish.verify(); // the compound below publishes: the bytes read must be the file's
        remote.writeSmall(fh, n, buf, meta, Nfs4.UNSTABLE4, where);
        return new Written("nfs-compound", s.size(), false);
      }
      remote.writeLarge(fh, n, ch, s.size(), meta, STREAM_WINDOW, beforePublish, where);
      return new Written("nfs-stream", s.size(), false);
    }
  }

  @Override
  public int metadata(byte[] name, SourceEntry source, FileStat before, boolean apply, String where)
      throws IOException {
    FileStat s = source.stat();
    int bits = 0;
    if (before != null) {
      if (options.preserves(Preserve.MODE)
          && !s.isSymlink()
          && before.permissions() != s.permissions()) {
        bits |= Itemize.PERMS;
      }
      if (options.preserves(Preserve.OWNER) && ROOT && before.uid() != s.uid()) {
        bits |= Itemize.OWNER;
      }
      if (options.preserves(Preserve.GROUP) && before.gid() != s.gid()) {
        bits |= Itemize.GROUP;
      }
      long window = options.modifyWindow().toNanos();
      if (keepsTimes(s) && Math.abs(before.mtimeNanos() - s.mtimeNanos()) > window) {
        bits |= Itemize.TIME;
      }
    }
    // a directory's own times moved when entries were made in it: set again once it is finished
    boolean dirMoved = name == null && modified && keepsTimes(s);
    if (apply && (bits != 0 || before == null || dirMoved)) {
      // without -p an existing entry keeps its permissions; a new one gets the source's less the
      // umask
      NfsMetadata m = wanted(s, before == null ? -1 : before.permissions());
      if (name == null) {
        remote.setattr(fh, m, where);
      } else {
        remote.setattr(fh, name(name, where), s.isSymlink() ? m.withoutMode() : m, where);
      }
    }
    return bits;
  }

  @Override
  public void sync(byte[] name, String where) throws IOException {
    remote.commit(remote.lookupFrom(fh, name(name, where), where), where);
  }

  @Override
  public boolean isLeftover(byte[] name, String where) {
    return false; // NFS carries no mark to tell our temporaries from a user's files: none is ever
    // guessed at
  }

  @Override
  public void close() {
    // a file handle holds nothing on the server
  }

  /** Whether the entry's times are copied: with -t, and for a directory unless -O. */
  private boolean keepsTimes(FileStat s) {
    return options.preserves(Preserve.TIMES) && !(s.isDirectory() && options.omitDirTimes());
  }

  /**
   * The source's metadata as the options preserve it. Without {@code -p} an entry gets {@code
   * keptMode} (the permissions of the entry it replaces or updates), or when new the source's
   * permissions less the umask, as a local copy does (cp's and rsync's rule). The owner only as
   * root, as locally: anyone else's SETATTR of an owner would be refused.
   */
  private NfsMetadata wanted(FileStat s, int keptMode) {
    NfsMetadata.Builder m = NfsMetadata.builder();
    m.mode(
        options.preserves(Preserve.MODE)
            ? s.permissions()
            : keptMode >= 0 ? keptMode : s.permissions() & 0777 & ~UMASK);
    m.owner(
        options.preserves(Preserve.OWNER) && ROOT ? s.uid() : -1,
        options.preserves(Preserve.GROUP) ? s.gid() : -1);
    if (keepsTimes(s)) {
      m.mtimeNanos(s.mtimeNanos());
      m.atimeNanos(s.atimeSec() * 1_000_000_000L + s.atimeNsec());
    }
    return m.build();
  }

  /**
   * This process's umask, from {@code /proc/self/status} (Linux 4.7+); 022 when it cannot be read.
   */
  private static final int UMASK = status("Umask:", 8, 022);

  /** Running as root (effective uid 0): only root may give files away, here as locally. */
  private static final boolean ROOT = status("Uid:", 10, -1) == 0;

  /**
   * A number in {@code /proc/self/status}: the first after {@code key}, for {@code Uid:} the second
   * (effective).
   */
  private static int status(String key, int radix, int otherwise) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          String[] f = line.substring(key.length()).trim().split("\\s+");
          return Integer.parseInt(key.equals("Uid:") && f.length > 1 ? f[1] : f[0], radix);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return otherwise;
  }

  /**
   * An entry's state as the copy engine compares it; a file system id has no local device number,
   * so dev is -1.
   */
  static FileStat stat(NfsAttributes a) {
    int type =
        switch (a.type()) {
          case REGULAR -> FileStat.S_IFREG;
          case DIRECTORY -> FileStat.S_IFDIR;
          case BLOCK_DEVICE -> FileStat.S_IFBLK;
          case CHARACTER_DEVICE -> FileStat.S_IFCHR;
          case SYMLINK -> FileStat.S_IFLNK;
          case SOCKET -> FileStat.S_IFSOCK;
          case FIFO -> FileStat.S_IFIFO;
          case OTHER -> 0;
        };
    long major = a.rdevMajor() & 0xffffffffL;
    long minor = a.rdevMinor() & 0xffffffffL;
    long rdev =
        ((major & 0xfffff000L) << 32)
            | ((major & 0xfffL) << 8)
            | ((minor & 0xffffff00L) << 12)
            | (minor & 0xffL);
    long mt = a.mtimeNanos();
    long at = a.atimeNanos();
    long ct = a.ctimeNanos();
    return new FileStat(
        type | (a.mode() & 07777),
        a.uid(),
        a.gid(),
        a.links(),
        a.fileId(),
        -1,
        rdev,
        a.size(),
        (a.size() + 511) / 512,
        Math.floorDiv(at, 1_000_000_000L),
        (int) Math.floorMod(at, 1_000_000_000L),
        Math.floorDiv(mt, 1_000_000_000L),
        (int) Math.floorMod(mt, 1_000_000_000L),
        Math.floorDiv(ct, 1_000_000_000L),
        (int) Math.floorMod(ct, 1_000_000_000L));
  }

  /**
   * A name as NFSv4 carries it: UTF-8, or the entry cannot be made (a mangled name would be another
   * file).
   */
  private static String name(byte[] raw, String where) throws IOException {
    try {
      CharBuffer c =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(raw));
      return c.toString();
    } catch (CharacterCodingException e) {
      throw new IOException(
          where + ": the name is not valid UTF-8, which NFSv4 names must be; rename it to copy it");
    }
  }
}
