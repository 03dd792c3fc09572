// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarEntry.Type;
import io.foxing.fxar.FxarEntry.Xattr;
import io.foxing.posix.LibC;
import io.foxing.posix.Metadata;
import io.foxing.posix.NativeSupport;
import io.foxing.posix.Posix;
import io.foxing.posix.TreeWalker;
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
 * symlink) and adds every entry to a writer: directories before their contents, names in byte order
 * (so the same tree gives the same archive), hard links as links to the first path seen. Entries
 * that cannot be read are reported to {@code problems} and left out.
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
      writer.add(
          t.entry(Type.DIRECTORY, FxarEntry.ROOT, st, null, t.xattrs(fd, null, root.toString())));
      TreeWalker.walk(
          fd,
          root.toString(),
          true,
          new TreeWalker.Visitor() { // sorted: archives are reproducible
            @Override
            public boolean visit(TreeWalker.Entry e) throws IOException {
              return t.add(e);
            }

            @Override
            public void failed(String where, ErrnoException e) {
              problems.accept(e.getMessage());
            }
          });
    } finally {
      Posix.close(fd);
    }
  }

  /** Adds one entry the walk met; a directory is walked into after its own entry. */
  private boolean add(TreeWalker.Entry e) throws IOException {
    FileStat st = e.stat();
    String at = e.where();
    switch (st.type()) {
      case LibC.S_IFDIR ->
          writer.add(entry(Type.DIRECTORY, e.path(), st, null, xattrs(e.fd(), null, at)));
      case LibC.S_IFREG -> file(e.dirfd(), e.cname(), e.path(), st, at);
      case LibC.S_IFLNK ->
          writer.add(
              entry(
                  Type.SYMLINK,
                  e.path(),
                  st,
                  Posix.readlinkat(e.dirfd(), e.cname(), st.size(), at),
                  xattrs(-1, Posix.procPath(e.dirfd(), e.cname()), at)));
      default ->
          writer.add(
              entry(
                  special(st),
                  e.path(),
                  st,
                  null,
                  xattrs(-1, Posix.procPath(e.dirfd(), e.cname()), at)));
    }
    return true;
  }

  private void file(int dirfd, byte[] cname, byte[] path, FileStat st, String at)
      throws IOException {
    if (st.nlink() > 1) {
      byte[] first = linkFirst.putIfAbsent(new Inode(st.dev(), st.ino()), path);
      if (first != null) {
        writer.add(
            new FxarEntry(
                Type.HARDLINK,
                path,
                st.permissions(),
                st.uid(),
                st.gid(),
                nanos(st.mtimeSec(), st.mtimeNsec()),
                nanos(st.atimeSec(), st.atimeNsec()),
                0,
                0,
                first,
                List.of()));
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

  /**
   * The held descriptor as a channel, read with pread through the reading thread's native buffer.
   */
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
        n =
            Posix.pread(
                fd,
                dst.array(),
                dst.arrayOffset() + dst.position(),
                dst.remaining(),
                position,
                where);
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
    return new FxarEntry(
        type,
        path,
        st.permissions(),
        st.uid(),
        st.gid(),
        nanos(st.mtimeSec(), st.mtimeNsec()),
        nanos(st.atimeSec(), st.atimeNsec()),
        type == Type.FILE ? st.size() : 0,
        device ? st.rdev() : 0,
        target,
        xattrs);
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
}
