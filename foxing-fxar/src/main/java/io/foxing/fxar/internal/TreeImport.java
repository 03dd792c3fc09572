// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.api.ErrnoException;
import io.foxing.fxar.DamagedArchiveException;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarEntry.Type;
import io.foxing.fxar.FxarEntry.Xattr;
import io.foxing.merkle.Blake3;
import io.foxing.posix.LibC;
import io.foxing.posix.Names;
import io.foxing.posix.NativeSupport;
import io.foxing.posix.Posix;
import io.foxing.posix.Privileges;
import io.foxing.posix.Temporaries;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recreates archive entries under a destination directory, safely: every path component is opened
 * with {@code O_NOFOLLOW} from the destination's descriptor, so nothing is created through a
 * symlink or outside it; nothing that exists is overwritten. Files are written unnamed ({@code
 * O_TMPFILE}), or where the filesystem has no unnamed files under a marked temporary name ({@link
 * Temporaries}, which {@code --cleanup} recognises), with positional writes from worker threads
 * (chunks of one large file in parallel), and linked under their name when complete, with owner,
 * mode, extended attributes and times applied on the held descriptor. Directory metadata is applied
 * last, deepest first.
 *
 * <p>Entries are begun in archive order by one thread; chunk work is submitted to a pool that
 * starts tasks in submission order, so a task that waits for an earlier chunk never waits for work
 * queued behind it.
 */
public final class TreeImport implements AutoCloseable {
  private final int rootFd;
  private final String rootName;
  private final boolean privileged = Privileges.canChown();
  private final ExecutorService pool;
  private final Budget budget;
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  private final Map<ByteBuffer, OpenFile> files = new HashMap<>();
  private final Map<ChunkId, Located> located = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<FxarEntry> directories = new ArrayList<>();

  /** Open directories along the current path, deepest first. */
  private final Deque<OpenDir> dirStack = new ArrayDeque<>();

  private record OpenDir(byte[] path, int fd) {}

  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Files being written at once. Each holds two descriptors until its last chunk is written; with
   * small files the reader would otherwise run ahead of the writers by thousands of files.
   */
  static final int MAX_OPEN_FILES = 64;

  private final java.util.concurrent.Semaphore openFiles =
      new java.util.concurrent.Semaphore(MAX_OPEN_FILES);
  private OpenFile current;
  private volatile boolean noTmpfile;
  private long entries;
  private final java.util.concurrent.atomic.AtomicLong bytes =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Opens (creating if missing) the destination directory; it must be empty unless {@code
   * allowExisting}.
   */
  public TreeImport(Path dest, int threads, long memoryBudget, boolean allowExisting)
      throws IOException {
    NativeSupport.ensureAvailable();
    this.rootName = dest.toString();
    java.nio.file.Files.createDirectories(dest);
    this.rootFd = Posix.openPath(rootName, LibC.O_RDONLY | LibC.O_DIRECTORY, rootName);
    if (!allowExisting && !Posix.readdir(rootFd, rootName).isEmpty()) {
      Posix.close(rootFd);
      throw new IOException(
          rootName + ": destination is not empty; import into a new or empty directory");
    }
    this.budget = new Budget(memoryBudget);
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "fxar-import");
              t.setDaemon(true);
              return t;
            });
    this.pool = p;
  }

  /** Problems met so far: entries refused or not restored, each with its path and reason. */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  public long entries() {
    return entries;
  }

  /** Content bytes of the files restored (complete and named). */
  public long bytes() {
    return bytes.get();
  }

  private String where(FxarEntry e) {
    return rootName + "/" + Names.display(e.path());
  }

  // ---- entries, in archive order -------------------------------------------------------------

  /**
   * Starts an entry. Non-file entries are complete on return; files wait for their chunks and
   * {@link #endFile()}.
   */
  public void begin(FxarEntry e) throws IOException {
    endFile();
    entries++;
    if (e.isRoot()) {
      directories.add(e);
      return;
    }
    String at = where(e);
    int parent;
    try {
      parent = parentFd(e.path(), at);
    } catch (ErrnoException ex) {
      failures.add(
          at
              + ": not restored: "
              + (ex.errno() == Posix.ELOOP || ex.errno() == Posix.ENOTDIR
                  ? "a parent is a symlink or not a directory (refused: it could lead outside the destination)"
                  : ex.getMessage()));
      return;
    }
    byte[] cname = Posix.cstr(name(e.path()));
    try {
      switch (e.type()) {
        case DIRECTORY -> {
          try {
            Posix.mkdirat(parent, cname, 0700, at);
          } catch (ErrnoException ex) {
            // restoring into a tree that has this directory already (not a symlink to one): use it
            io.foxing.api.spi.FileStat st =
                ex.errno() == Posix.EEXIST ? Posix.statIfExists(parent, cname, at) : null;
            if (st == null || !st.isDirectory()) {
              throw ex;
            }
          }
          directories.add(e);
        }
        case FILE -> {
          openFiles.acquireUninterruptibly(); // released when the file is complete
          int pfd;
          try {
            pfd = Posix.openat(parent, new byte[] {'.', 0}, LibC.O_PATH | LibC.O_DIRECTORY, 0, at);
          } catch (ErrnoException ex) {
            openFiles.release();
            throw ex;
          }
          byte[] temp = null;
          boolean marked = false;
          int fd =
              noTmpfile
                  ? -1
                  : LibC.openat(
                      parent,
                      new byte[] {'.', 0},
                      LibC.O_TMPFILE | LibC.O_RDWR | LibC.O_CLOEXEC,
                      0600);
          if (fd < 0) {
            int err = noTmpfile ? 0 : Posix.lastError();
            if (err != 0 && err != Posix.EOPNOTSUPP && err != Posix.EISDIR && err != Posix.EINVAL) {
              Posix.close(pfd);
              openFiles.release();
              throw Posix.error("create", at, err);
            }
            noTmpfile =
                true; // this file system has no unnamed files: a temporary name, renamed when
            // complete
            // the one scheme of temporaries, marked: --cleanup removes what a crash leaves
            temp = Temporaries.nameFor(name(e.path()));
            try {
              fd =
                  Posix.openat(
                      parent,
                      temp,
                      LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW,
                      0600,
                      at);
            } catch (ErrnoException ex) {
              Posix.close(pfd);
              openFiles.release();
              throw ex;
            }
            marked = Temporaries.mark(fd);
          }
          OpenFile f = new OpenFile(e, fd, pfd, temp, cname, at);
          f.marked = marked;
          current = f;
          files.put(ByteBuffer.wrap(e.path()), f);
        }
        case SYMLINK -> {
          Posix.symlinkat(e.target(), parent, cname, at);
          applyByName(parent, cname, e, at);
        }
        case HARDLINK -> link(e, parent, cname, at);
        default -> {
          int type =
              switch (e.type()) {
                case CHAR_DEVICE -> LibC.S_IFCHR;
                case BLOCK_DEVICE -> LibC.S_IFBLK;
                case FIFO -> LibC.S_IFIFO;
                default -> LibC.S_IFSOCK;
              };
          Posix.mknodat(parent, cname, type | 0600, e.rdev(), at);
          applyByName(parent, cname, e, at);
        }
      }
    } catch (ErrnoException ex) {
      failures.add(ex.errno() == Posix.EEXIST ? at + ": exists; not overwritten" : ex.getMessage());
    }
  }

  /**
   * Writes a chunk of the current file at {@code offset}, producing it on a worker first. With
   * {@code source} null the chunk is one stored earlier (by {@code id}) and is read back; with
   * {@code id} null (tar) no dedup bookkeeping is kept.
   */
  public void chunk(long offset, int length, byte[] id, ChunkSource source) throws IOException {
    OpenFile f = current;
    if (f == null) {
      return; // the entry was refused; its content is skipped
    }
    ChunkId key = id == null ? null : ChunkId.of(id, 0);
    Located earlier = key == null ? null : located.get(key);
    Located here = key != null && earlier == null ? new Located(f, offset, length) : null;
    if (here != null) {
      located.put(key, here);
    }
    f.pending.incrementAndGet();
    acquire(length);
    pool.execute(
        () -> {
          try {
            byte[] data = source == null ? readBack(earlier, f, id) : source.bytes();
            if (!isZeros(
                data)) { // a new file reads as zeros where nothing is written: leave a hole
              Posix.pwriteFully(f.fd, data, 0, data.length, offset, f.where);
            }
            if (here != null) {
              here.written.complete(null);
            }
          } catch (Throwable t) {
            f.fail(
                t instanceof IOException && t.getMessage() != null ? t.getMessage() : t.toString());
            if (here != null) {
              here.written.completeExceptionally(t);
            }
          } finally {
            budget.release(length);
            chunkDone(f);
          }
        });
  }

  private static boolean isZeros(byte[] data) {
    for (byte b : data) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Produces a chunk's bytes (decoding and checking them) on a worker thread. */
  @FunctionalInterface
  public interface ChunkSource {
    byte[] bytes() throws IOException;
  }

  private void acquire(int length) throws InterruptedIOException {
    try {
      budget.acquire(length, () -> false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /** A chunk stored earlier: read it back from where it was restored, and check it. */
  private byte[] readBack(Located l, OpenFile reader, byte[] id) throws IOException {
    if (l == null) {
      throw new DamagedArchiveException(
          -1, "chunk " + ChunkId.of(id, 0).shortHex() + " refers to a chunk not stored before");
    }
    try {
      l.written.get();
      byte[] data = new byte[l.length];
      boolean read = false;
      synchronized (l.file) { // its completion closes the descriptor under this lock
        if (!l.file.closed) {
          readFully(l.file.fd, data, l.offset, l.file.where);
          read = true;
        }
      }
      if (!read) {
        l.file.done.get(); // closed: linked under its name (or failed, which this rethrows)
        readRestored(l.file, data, l.offset);
      }
      if (!Arrays.equals(Blake3.hash(data), id)) {
        throw new IOException(
            "chunk "
                + ChunkId.of(id, 0).shortHex()
                + " read back from "
                + l.file.where
                + " no longer matches");
      }
      return data;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(
          "chunk "
              + ChunkId.of(id, 0).shortHex()
              + " was not restored: "
              + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /**
   * Reads a chunk back. Past the end of the file are zeros: chunks of zeros are not written, and a
   * file gets its length only when complete. The caller checks the bytes against the chunk id.
   */
  private static void readFully(int fd, byte[] into, long offset, String where) throws IOException {
    for (int done = 0; done < into.length; ) {
      int n = Posix.pread(fd, into, done, into.length - done, offset + done, where);
      if (n == 0) {
        return; // the rest of `into` stays zero
      }
      done += n;
    }
  }

  /** Reads from a file restored earlier, reaching it again through descriptors only. */
  private void readRestored(OpenFile f, byte[] into, long offset) throws IOException {
    byte[] path = f.entry.path();
    int slash = lastSlash(path);
    int dir = slash < 0 ? rootFd : openDir(Arrays.copyOf(path, slash), f.where);
    try {
      int fd = Posix.openat(dir, f.cname, LibC.O_RDONLY | LibC.O_NOFOLLOW, 0, f.where);
      try {
        readFully(fd, into, offset, f.where);
      } finally {
        Posix.close(fd);
      }
    } finally {
      if (dir != rootFd) {
        Posix.close(dir);
      }
    }
  }

  /** Marks the current file as damaged: it is not given its name. */
  public void damaged(String why) {
    if (current != null) {
      current.fail(why);
    }
  }

  /** Ends the current file: once its chunks are written it gets its metadata and its name. */
  public void endFile() {
    OpenFile f = current;
    if (f != null) {
      current = null;
      chunkDone(f); // the +1 the file started with
    }
  }

  private void chunkDone(OpenFile f) {
    if (f.pending.decrementAndGet() == 0) {
      complete(f);
    }
  }

  private void complete(OpenFile f) {
    try {
      if (f.error == null) {
        if (Posix.fstat(f.fd, f.where).size() != f.entry.size()) {
          Posix.ftruncate(f.fd, f.entry.size(), f.where); // trailing zeros are not written
        }
        if (f.marked) {
          // first: once the archive's mode is applied (0444, say) a non-root user may no longer
          // remove an xattr; the file is the user's from here on
          Temporaries.unmark(f.fd, f.where);
        }
        applyOnFd(f.fd, f.entry, f.where);
        if (f.temp == null) {
          Posix.linkFd(
              f.fd, f.parentFd, f.cname, f.where); // EEXIST if the name exists: never overwritten
        } else if (LibC.linkat(f.parentFd, f.temp, f.parentFd, f.cname, 0) != 0) {
          throw Posix.error("link", f.where, com.sun.jna.Native.getLastError());
        }
      }
    } catch (IOException e) {
      f.fail(
          e instanceof ErrnoException x && x.errno() == Posix.EEXIST
              ? "exists; not overwritten"
              : e.getMessage());
    } finally {
      if (f.temp != null) {
        LibC.unlinkat(f.parentFd, f.temp, 0);
      }
      synchronized (f) { // read-backs of its chunks check this under the same lock
        f.closed = true;
        Posix.close(f.fd);
      }
      Posix.close(f.parentFd);
      openFiles.release();
      if (f.error != null) {
        failures.add(f.where + ": not restored: " + f.error);
        f.done.completeExceptionally(new IOException(f.error));
      } else {
        bytes.addAndGet(f.entry.size());
        f.done.complete(null);
      }
    }
  }

  private void link(FxarEntry e, int parent, byte[] cname, String at) throws ErrnoException {
    OpenFile target = files.get(ByteBuffer.wrap(e.target()));
    if (target == null) {
      failures.add(
          at
              + ": not restored: hard link to "
              + Names.display(e.target())
              + ", which was not restored");
      return;
    }
    endFile();
    try {
      target.done.get();
    } catch (Exception ex) {
      failures.add(
          at + ": not restored: hard link to " + Names.display(e.target()) + ", which failed");
      return;
    }
    byte[] rel = Posix.cstr(e.target());
    if (LibC.linkat(rootFd, rel, parent, cname, 0) != 0) {
      throw Posix.error("link", at, com.sun.jna.Native.getLastError());
    }
  }

  // ---- metadata ------------------------------------------------------------------------------

  private void applyOnFd(int fd, FxarEntry e, String at) throws ErrnoException {
    if (privileged) {
      Posix.fchown(fd, e.uid(), e.gid(), at);
    }
    for (Xattr x : e.xattrs()) {
      setXattr(fd, null, x, at);
    }
    Posix.fchmod(fd, e.mode(), at);
    Posix.futimens(fd, times(e), at);
  }

  private void applyByName(int parent, byte[] cname, FxarEntry e, String at) throws ErrnoException {
    if (privileged) {
      Posix.lchownat(parent, cname, e.uid(), e.gid(), at);
    }
    byte[] proc = Posix.procPath(parent, cname);
    for (Xattr x : e.xattrs()) {
      setXattr(-1, proc, x, at);
    }
    if (e.type() != Type.SYMLINK) {
      Posix.fchmodat(parent, cname, e.mode(), at);
    }
    Posix.lutimensat(parent, cname, times(e), at);
  }

  private void setXattr(int fd, byte[] proc, Xattr x, String at) {
    try {
      Posix.setXattr(fd, proc, Posix.cstr(x.name()), x.value(), at);
    } catch (ErrnoException ex) {
      // a filesystem or a user that cannot hold this attribute: say so, keep the rest
      failures.add(
          at
              + ": extended attribute "
              + x.nameString()
              + " not restored: "
              + Posix.errnoName(ex.errno()));
    }
  }

  private static long[] times(FxarEntry e) {
    return new long[] {
      Math.floorDiv(e.atimeNanos(), 1_000_000_000L), Math.floorMod(e.atimeNanos(), 1_000_000_000L),
      Math.floorDiv(e.mtimeNanos(), 1_000_000_000L), Math.floorMod(e.mtimeNanos(), 1_000_000_000L)
    };
  }

  /**
   * Waits for every file, then applies directory metadata deepest first (so setting a directory's
   * times or a read-only mode does not disturb what is created inside it).
   */
  public void finish() throws IOException {
    endFile();
    pool.shutdown();
    try {
      while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
        // a large file's chunks are still being written
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while finishing the import");
    }
    closeDirStack(0);
    for (int i = directories.size() - 1; i >= 0; i--) {
      FxarEntry d = directories.get(i);
      String at = where(d);
      int fd = -1;
      try {
        fd = d.isRoot() ? rootFd : openDir(d.path(), at);
        applyOnFd(fd, d, at);
      } catch (ErrnoException ex) {
        failures.add(ex.getMessage());
      } finally {
        if (fd != rootFd) {
          Posix.close(fd);
        }
      }
    }
  }

  // ---- descriptors for parents ---------------------------------------------------------------

  /**
   * A descriptor of the entry's parent directory; cached along the current path (archives are
   * depth-first).
   */
  private int parentFd(byte[] path, String at) throws ErrnoException {
    int slash = lastSlash(path);
    if (slash < 0) {
      return rootFd;
    }
    byte[] parent = Arrays.copyOf(path, slash);
    while (!dirStack.isEmpty() && !isPrefixDir(dirStack.peek().path(), parent)) {
      Posix.close(dirStack.pop().fd());
    }
    int fd = dirStack.isEmpty() ? rootFd : dirStack.peek().fd();
    int from = dirStack.isEmpty() ? 0 : dirStack.peek().path().length + 1;
    while (from < parent.length) {
      int end = from;
      while (end < parent.length && parent[end] != '/') {
        end++;
      }
      byte[] comp = Posix.cstr(Arrays.copyOfRange(parent, from, end));
      fd = Posix.openat(fd, comp, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, 0, at);
      dirStack.push(new OpenDir(Arrays.copyOf(parent, end), fd));
      from = end + 1;
    }
    return fd;
  }

  private int openDir(byte[] path, String at) throws ErrnoException {
    int fd = LibC.AT_FDCWD;
    int dir = rootFd;
    int from = 0;
    try {
      while (from < path.length) {
        int end = from;
        while (end < path.length && path[end] != '/') {
          end++;
        }
        int next =
            Posix.openat(
                dir,
                Posix.cstr(Arrays.copyOfRange(path, from, end)),
                LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW,
                0,
                at);
        if (dir != rootFd) {
          Posix.close(dir);
        }
        dir = next;
        from = end + 1;
      }
      fd = dir;
      return fd;
    } finally {
      if (fd == LibC.AT_FDCWD && dir != rootFd) {
        Posix.close(dir);
      }
    }
  }

  private void closeDirStack(int keep) {
    while (dirStack.size() > keep) {
      Posix.close(dirStack.pop().fd());
    }
  }

  private static boolean isPrefixDir(byte[] dir, byte[] path) {
    return path.length >= dir.length
        && Arrays.equals(path, 0, dir.length, dir, 0, dir.length)
        && (path.length == dir.length || path[dir.length] == '/');
  }

  private static int lastSlash(byte[] p) {
    for (int i = p.length - 1; i >= 0; i--) {
      if (p[i] == '/') {
        return i;
      }
    }
    return -1;
  }

  private static byte[] name(byte[] path) {
    return Arrays.copyOfRange(path, lastSlash(path) + 1, path.length);
  }

  /**
   * Ends the import. After a failure this still waits for the chunk writes under way (they hold
   * descriptors that must not be closed under them), and a file left incomplete never gets its
   * name.
   */
  @Override
  public void close() {
    if (current != null) {
      current.fail("the import stopped before this file was complete");
      endFile();
    }
    pool.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    closeDirStack(0);
    Posix.close(rootFd);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- state ---------------------------------------------------------------------------------

  private static final class OpenFile {
    final FxarEntry entry;
    final int fd;
    final int parentFd;
    final byte[] temp;
    boolean marked; // the temporary carries the mark, taken off before it gets its name
    final byte[] cname;
    final String where;
    final AtomicInteger pending = new AtomicInteger(1);
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile String error;
    boolean closed; // guarded by this

    /**
     * @param temp the temporary name, or null for an unnamed ({@code O_TMPFILE}) file
     */
    OpenFile(FxarEntry entry, int fd, int parentFd, byte[] temp, byte[] cname, String where) {
      this.entry = entry;
      this.fd = fd;
      this.parentFd = parentFd;
      this.temp = temp;
      this.cname = cname;
      this.where = where;
    }

    /**
     * Records the first reason this file cannot be restored; a file with a reason never gets its
     * name.
     */
    void fail(String why) {
      if (error == null) {
        error = why == null ? "unknown error" : why;
      }
    }
  }

  /** Where a chunk was first restored. */
  private static final class Located {
    final OpenFile file;
    final long offset;
    final int length;
    final CompletableFuture<Void> written = new CompletableFuture<>();

    Located(OpenFile file, long offset, int length) {
      this.file = file;
      this.offset = offset;
      this.length = length;
    }
  }
}
