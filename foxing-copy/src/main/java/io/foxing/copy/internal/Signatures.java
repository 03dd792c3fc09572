// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import com.sun.jna.Memory;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import io.foxing.merkle.FileSignature;
import io.foxing.merkle.SignatureException;
import io.foxing.merkle.SignatureStore;
import io.foxing.posix.LibC;
import io.foxing.posix.Metadata;
import io.foxing.posix.Posix;
import io.foxing.posix.Temporaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads and writes the signatures of target files through descriptors (names may be longer than a
 * path can be, or not text), in the places foxing-merkle's {@link SignatureStore} uses: the {@code
 * user.foxing.sig} xattr for small ones, else {@code .foxing_meta/NAME.fxsig} beside the file. The
 * sidecar directory is opened with {@code O_NOFOLLOW}: a planted symlink cannot make us trust a
 * signature from elsewhere.
 */
final class Signatures {
  static final byte[] XATTR =
      Metadata.SIGNATURE_XATTR; // "user." + SignatureStore.XATTR, as OwnXattrsTest checks
  static final byte[] SIDECAR_DIR =
      Posix.cstr(SignatureStore.SIDECAR_DIR.getBytes(StandardCharsets.US_ASCII));
  private static final byte[] SUFFIX = ".fxsig".getBytes(StandardCharsets.US_ASCII);

  private Signatures() {}

  /** Signs the contents readable through {@code contentsFd} and stores it for the open target. */
  static void store(int contentsFd, int targetFd, int dirfd, byte[] cname, String where)
      throws IOException {
    store(
        compute(contentsFd, Posix.fstat(targetFd, where).size(), where),
        targetFd,
        dirfd,
        cname,
        where);
  }

  /**
   * Signs contents readable through a descriptor (the staleness fields are set by {@link #store}).
   */
  static FileSignature compute(int fd, long size, String where) throws IOException {
    return FileSignature.compute(
        (pos, buf, off, len) -> read(fd, pos, buf, off, len, where), size, 0, 0);
  }

  /** Stores a signature of the target's contents, stamped with the target's current state. */
  static void store(FileSignature contents, int targetFd, int dirfd, byte[] cname, String where)
      throws IOException {
    FileStat t = Posix.fstat(targetFd, where);
    byte[] data =
        contents.withState(t.mtimeSec() * 1_000_000_000L + t.mtimeNsec(), t.ino()).encode();
    if (data.length <= SignatureStore.XATTR_MAX) {
      try {
        Posix.setXattr(targetFd, null, XATTR, data, where);
        removeSidecar(dirfd, cname, where);
        return;
      } catch (ErrnoException e) {
        if (e.errno() != Posix.EOPNOTSUPP
            && e.errno() != Posix.ENOSPC
            && e.errno() != 7 /* E2BIG */) {
          throw e;
        }
      }
    }
    Posix.removeXattr(targetFd, null, XATTR, where); // no stale attribute beside the new sidecar
    writeSidecar(dirfd, cname, data, where);
  }

  /** The target entry's signature if it still describes it, else null (absent, stale, damaged). */
  static FileSignature fresh(int dirfd, byte[] cname, FileStat target, String where)
      throws ErrnoException {
    byte[] data = Posix.getXattr(-1, Posix.procPath(dirfd, cname), XATTR, where);
    if (data == null) {
      data = readSidecar(dirfd, cname, where);
    }
    if (data == null) {
      return null;
    }
    try {
      FileSignature s = FileSignature.decode(data);
      return s.isFreshFor(
              target.size(), target.mtimeSec() * 1_000_000_000L + target.mtimeNsec(), target.ino())
          ? s
          : null;
    } catch (SignatureException e) {
      return null; // damaged or another version: replaced by a new one
    }
  }

  /**
   * Removes the signature before contents change in place: none may claim contents it does not
   * have.
   */
  static void remove(int targetFd, int dirfd, byte[] cname, String where) throws ErrnoException {
    Posix.removeXattr(targetFd, null, XATTR, where);
    removeSidecar(dirfd, cname, where);
  }

  private static byte[] sidecarName(byte[] cname) {
    byte[] name = Metadata.trimNul(cname);
    if (name.length + SUFFIX.length > 255) {
      return null; // no room for the suffix: such files keep no sidecar signature
    }
    byte[] out = Arrays.copyOf(name, name.length + SUFFIX.length + 1);
    System.arraycopy(SUFFIX, 0, out, name.length, SUFFIX.length);
    return out;
  }

  private static int openSidecarDir(int dirfd, boolean create, String where) throws ErrnoException {
    if (create
        && LibC.mkdirat(dirfd, SIDECAR_DIR, 0700) != 0
        && Posix.lastError() != Posix.EEXIST) {
      throw Posix.error("create " + SignatureStore.SIDECAR_DIR, where, Posix.lastError());
    }
    int fd =
        LibC.openat(
            dirfd,
            SIDECAR_DIR,
            LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC,
            0);
    if (fd < 0 && Posix.lastError() != Posix.ENOENT) {
      throw Posix.error("open " + SignatureStore.SIDECAR_DIR, where, Posix.lastError());
    }
    return fd;
  }

  private static void writeSidecar(int dirfd, byte[] cname, byte[] data, String where)
      throws IOException {
    byte[] name = sidecarName(cname);
    if (name == null) {
      throw new IOException(where + ": name too long to keep a signature beside it");
    }
    int md = openSidecarDir(dirfd, true, where);
    byte[] tmp = Temporaries.nameFor(Metadata.trimNul(name));
    int fd =
        Posix.openat(
            md, tmp, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW, 0600, where);
    boolean marked = Temporaries.mark(fd);
    boolean placed = false;
    try {
      Memory m = new Memory(Math.max(1, data.length));
      m.write(0, data, 0, data.length);
      for (long done = 0; done < data.length; ) {
        long n = LibC.pwrite(fd, m.share(done), data.length - done, done);
        if (n < 0) {
          throw Posix.error("write signature", where, Posix.lastError());
        }
        done += n;
      }
      if (marked) {
        Temporaries.unmark(fd, where);
      }
      Posix.renameat(md, tmp, md, name, where);
      placed = true;
    } finally {
      Posix.close(fd);
      if (!placed) {
        LibC.unlinkat(md, tmp, 0);
      }
      Posix.close(md);
    }
  }

  private static byte[] readSidecar(int dirfd, byte[] cname, String where) throws ErrnoException {
    byte[] name = sidecarName(cname);
    int md = name == null ? -1 : openSidecarDir(dirfd, false, where);
    if (md < 0) {
      return null;
    }
    try {
      // a FIFO, a symlink or anything large planted under a sidecar's name is not ours: no
      // signature
      return Posix.readSmallFile(md, name, 1 << 20, where);
    } catch (ErrnoException e) {
      return null;
    } finally {
      Posix.close(md);
    }
  }

  private static void removeSidecar(int dirfd, byte[] cname, String where) throws ErrnoException {
    byte[] name = sidecarName(cname);
    int md = name == null ? -1 : openSidecarDir(dirfd, false, where);
    if (md >= 0) {
      try {
        if (LibC.unlinkat(md, name, 0) != 0 && Posix.lastError() != Posix.ENOENT) {
          throw Posix.error("remove signature", where, Posix.lastError());
        }
      } finally {
        Posix.close(md);
      }
    }
  }

  /**
   * Removes the sidecar signatures in {@code dirfd}'s {@code .foxing_meta} whose file is gone
   * ({@code exists} says no). Returns how many were removed.
   */
  static int removeOrphans(int dirfd, java.util.function.Predicate<byte[]> exists, String where)
      throws ErrnoException {
    int md = openSidecarDir(dirfd, false, where);
    if (md < 0) {
      return 0;
    }
    int removed = 0;
    try {
      for (Posix.Dirent de : Posix.readdir(md, where)) {
        byte[] n = de.name();
        int base = n.length - SUFFIX.length;
        if (base > 0
            && Arrays.equals(n, base, n.length, SUFFIX, 0, SUFFIX.length)
            && !Temporaries.looksLike(n)
            && !exists.test(Arrays.copyOf(n, base))) {
          if (LibC.unlinkat(md, Posix.cstr(n), 0) != 0 && Posix.lastError() != Posix.ENOENT) {
            throw Posix.error("remove signature", where, Posix.lastError());
          }
          removed++;
        }
      }
    } finally {
      Posix.close(md);
    }
    return removed;
  }

  private static final ThreadLocal<Memory> OTHER =
      ThreadLocal.withInitial(() -> new Memory(Posix.RW_BUFFER));

  /**
   * Marks in {@code dirty} the chunks among the first {@code comparable} whose bytes differ between
   * two descriptors, reading both in 1 MiB windows; stops and returns false once more than {@code
   * limit} differ (a whole copy is then cheaper).
   */
  static boolean differingChunks(
      int a,
      int b,
      long size,
      int shift,
      int comparable,
      int limit,
      java.util.BitSet dirty,
      String where)
      throws IOException {
    Memory ma = Posix.rwBuffer();
    Memory mb = OTHER.get();
    long end = Math.min(size, (long) comparable << shift);
    int chunk = 1 << shift;
    for (long pos = 0; pos < end; ) {
      int want = (int) Math.min(end - pos, Posix.RW_BUFFER);
      int gotA = fill(a, ma, pos, want, where);
      int gotB = fill(b, mb, pos, want, where);
      java.nio.ByteBuffer x = ma.getByteBuffer(0, want);
      java.nio.ByteBuffer y = mb.getByteBuffer(0, want);
      for (int at = 0; at < want; at += chunk) {
        int len = Math.min(chunk, want - at);
        int i = (int) ((pos + at) >>> shift);
        if (at + len > Math.min(gotA, gotB) || x.slice(at, len).mismatch(y.slice(at, len)) >= 0) {
          dirty.set(i);
          if (dirty.cardinality() > limit) {
            return false;
          }
        }
      }
      pos += want;
    }
    return true;
  }

  /**
   * Reads up to {@code want} bytes at {@code pos}; returns how many (fewer only at the end of the
   * file).
   */
  private static int fill(int fd, Memory m, long pos, int want, String where) throws IOException {
    int got = 0;
    while (got < want) {
      long n = LibC.pread(fd, m.share(got), want - got, pos + got);
      if (n < 0) {
        if (Posix.lastError() == Posix.EINTR) {
          continue;
        }
        throw Posix.error("read", where, Posix.lastError());
      }
      if (n == 0) {
        break;
      }
      got += (int) n;
    }
    return got;
  }

  /** The signature's hash of one chunk of a descriptor's contents. */
  static byte[] chunkHash(int fd, long off, long len, String where) throws IOException {
    io.foxing.merkle.Blake3 h = io.foxing.merkle.Blake3.newHasher();
    byte[] buf = new byte[64 * 1024];
    long done = 0;
    while (done < len) {
      int n = read(fd, off + done, buf, 0, (int) Math.min(buf.length, len - done), where);
      if (n < 0) {
        throw new IOException(
            where
                + ": ended at "
                + (off + done)
                + " while being signed (changed while copied?); run again");
      }
      h.update(buf, 0, n);
      done += n;
    }
    byte[] out = new byte[FileSignature.CHUNK_HASH_LEN];
    h.finalizeTo(0, out, 0, out.length);
    return out;
  }

  private static int read(int fd, long pos, byte[] buf, int off, int len, String where)
      throws IOException {
    Memory m = Posix.rwBuffer();
    long n = LibC.pread(fd, m, Math.min(len, Posix.RW_BUFFER), pos);
    if (n < 0) {
      throw Posix.error("read", where, Posix.lastError());
    }
    if (n == 0) {
      return -1;
    }
    m.read(0, buf, off, (int) n);
    return (int) n;
  }
}
