package io.foxing.fxar.internal;

import io.foxing.posix.NativeSupport;
import io.foxing.api.spi.FileStat;
import io.foxing.api.ErrnoException;
import io.foxing.posix.LibC;
import io.foxing.posix.Metadata;
import io.foxing.posix.Names;
import io.foxing.posix.Posix;
import io.foxing.api.spi.FileStat;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarEntry.Type;
import io.foxing.fxar.FxarEntry.Xattr;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Walks a local tree on descriptors ({@code openat} with {@code O_NOFOLLOW}, never following a
 * symlink) and adds every entry to a writer: directories before their contents, names in byte
 * order (so the same tree gives the same archive), hard links as links to the first path seen.
 * Entries that cannot be read are reported to {@code problems} and left out.
 */
public final class TreeExport {
  private final Target writer;
  private final Consumer<String> problems;
  private final Map<Inode, byte[]> linkFirst = new HashMap<>();

  private record Inode(long dev, long ino) {}

  private TreeExport(Target writer, Consumer<String> problems) {
    this.writer = writer;
    this.problems = problems;
  }

  /** Where the entries go: an FXAR writer or a tar stream. */
  public interface Target {
    void add(FxarEntry entry) throws IOException;

    /** Takes a file with content; the channel is the target's to read and close. */
    void addFile(FxarEntry entry, ReadableByteChannel content) throws IOException;
  }

  /** Adds {@code root} (as {@code .}) and everything under it. */
  public static void run(Path root, Target writer, Consumer<String> problems) throws IOException {
    NativeSupport.ensureAvailable();
    TreeExport t = new TreeExport(writer, problems);
    int fd = Posix.openPath(root.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, root.toString());
    try {
      FileStat st = Posix.fstat(fd, root.toString());
      writer.add(t.entry(Type.DIRECTORY, FxarEntry.ROOT, st, null, t.xattrs(fd, null, root.toString())));
      t.walk(fd, new byte[0], root.toString());
    } finally {
      Posix.close(fd);
    }
  }

  private void walk(int dirfd, byte[] prefix, String where) throws IOException {
    List<Posix.Dirent> list = Posix.readdir(dirfd, where);
    list.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
    for (Posix.Dirent d : list) {
      byte[] path = join(prefix, d.name());
      String at = where + "/" + Names.display(d.name());
      byte[] cname = Posix.cstr(d.name());
      try {
        FileStat st = Posix.stat(dirfd, cname, at);
        switch (st.type()) {
          case LibC.S_IFDIR -> {
            int fd = Posix.openat(dirfd, cname, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, 0, at);
            try {
              writer.add(entry(Type.DIRECTORY, path, st, null, xattrs(fd, null, at)));
              walk(fd, path, at);
            } finally {
              Posix.close(fd);
            }
          }
          case LibC.S_IFREG -> file(dirfd, cname, path, st, at);
          case LibC.S_IFLNK -> writer.add(entry(Type.SYMLINK, path, st, Posix.readlinkat(dirfd, cname, st.size(), at),
              xattrs(-1, Posix.procPath(dirfd, cname), at)));
          default -> writer.add(entry(special(st), path, st, null, xattrs(-1, Posix.procPath(dirfd, cname), at)));
        }
      } catch (ErrnoException e) {
        problems.accept(e.getMessage());
      }
    }
  }

  private void file(int dirfd, byte[] cname, byte[] path, FileStat st, String at) throws IOException {
    if (st.nlink() > 1) {
      byte[] first = linkFirst.putIfAbsent(new Inode(st.dev(), st.ino()), path);
      if (first != null) {
        writer.add(new FxarEntry(Type.HARDLINK, path, st.permissions(), st.uid(), st.gid(), nanos(st.mtimeSec(), st.mtimeNsec()),
            nanos(st.atimeSec(), st.atimeNsec()), 0, 0, first, List.of()));
        return;
      }
    }
    int fd = Posix.openat(dirfd, cname, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0, at);
    try {
      FxarEntry e = entry(Type.FILE, path, st, null, xattrs(fd, null, at));
      if (st.size() == 0) {
        writer.add(e);
        return;
      }
      writer.addFile(e, new FdChannel(fd, at)); // the worker that reads it closes it
      fd = -1;
    } finally {
      Posix.close(fd);
    }
  }

  /** The held descriptor as a channel, read with pread through the reading thread's native buffer. */
  private static final class FdChannel implements java.nio.channels.ReadableByteChannel {
    private final String where;
    private int fd;
    private long position;

    FdChannel(int fd, String where) {
      this.fd = fd;
      this.where = where;
    }

    @Override
    public int read(java.nio.ByteBuffer dst) throws IOException {
      if (!dst.hasRemaining()) {
        return 0;
      }
      int n;
      if (dst.hasArray()) {
        n = Posix.pread(fd, dst.array(), dst.arrayOffset() + dst.position(), dst.remaining(), position, where);
        dst.position(dst.position() + n);
      } else { // a direct buffer: through a heap copy (the writers here pass heap buffers)
        byte[] b = new byte[Math.min(dst.remaining(), Posix.RW_BUFFER)];
        n = Posix.pread(fd, b, 0, b.length, position, where);
        dst.put(b, 0, n);
      }
      if (n == 0) {
        return -1;
      }
      position += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return fd >= 0;
    }

    @Override
    public void close() {
      Posix.close(fd);
      fd = -1;
    }
  }

  private static Type special(FileStat st) {
    return switch (st.type()) {
      case LibC.S_IFCHR -> Type.CHAR_DEVICE;
      case LibC.S_IFBLK -> Type.BLOCK_DEVICE;
      case LibC.S_IFIFO -> Type.FIFO;
      default -> Type.SOCKET;
    };
  }

  private FxarEntry entry(Type type, byte[] path, FileStat st, byte[] target, List<Xattr> xattrs) {
    boolean device = type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE;
    return new FxarEntry(type, path, st.permissions(), st.uid(), st.gid(), nanos(st.mtimeSec(), st.mtimeNsec()),
        nanos(st.atimeSec(), st.atimeNsec()), type == Type.FILE ? st.size() : 0, device ? st.rdev() : 0, target, xattrs);
  }

  private List<Xattr> xattrs(int fd, byte[] procPath, String at) throws ErrnoException {
    List<byte[]> names = Posix.listXattrs(fd, procPath, at);
    if (names.isEmpty()) {
      return List.of();
    }
    List<Xattr> out = new ArrayList<>(names.size());
    for (byte[] cname : names) {
      if (!Metadata.isCopied(cname)) {
        continue;
      }
      byte[] value = Posix.getXattr(fd, procPath, cname, at);
      if (value != null) {
        out.add(new Xattr(Arrays.copyOf(cname, cname.length - 1), value));
      }
    }
    return out;
  }

  static long nanos(long sec, int nsec) {
    return sec * 1_000_000_000L + nsec;
  }

  private static byte[] join(byte[] prefix, byte[] name) {
    if (prefix.length == 0) {
      return name;
    }
    byte[] out = Arrays.copyOf(prefix, prefix.length + 1 + name.length);
    out[prefix.length] = '/';
    System.arraycopy(name, 0, out, prefix.length + 1, name.length);
    return out;
  }
}
