package io.foxing.copy.internal;

import io.foxing.api.ErrnoException;
import io.foxing.merkle.FileSignature;
import io.foxing.merkle.SignatureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes and checks the {@code user.foxing.sig} signature of target files through descriptors
 * (names may be longer than a path can be, or not text). The binary form is foxing-merkle's.
 */
final class Signatures {
  private static final byte[] XATTR = "user.foxing.sig\0".getBytes(StandardCharsets.US_ASCII);

  private Signatures() {}

  /** Signs the contents readable through {@code contentsFd} and stores it on the open target {@code targetFd}. */
  static void store(int contentsFd, int targetFd, String where) throws IOException {
    Stat t = Posix.fstat(targetFd, where);
    FileSignature sig = FileSignature.compute((pos, buf, off, len) -> read(contentsFd, pos, buf, off, len, where),
        t.size(), t.mtimeSec() * 1_000_000_000L + t.mtimeNsec(), t.ino());
    Posix.setXattr(targetFd, null, XATTR, sig.encode(), where);
  }

  /** The target entry's signature if it still describes it, else null. */
  static FileSignature fresh(int dirfd, byte[] cname, Stat target, String where) throws ErrnoException {
    byte[] data = Posix.getXattr(-1, Posix.procPath(dirfd, cname), XATTR, where);
    if (data == null) {
      return null;
    }
    try {
      FileSignature s = FileSignature.decode(data);
      return s.isFreshFor(target.size(), target.mtimeSec() * 1_000_000_000L + target.mtimeNsec(), target.ino()) ? s : null;
    } catch (SignatureException e) {
      return null;
    }
  }

  /** Signs contents readable through a descriptor, for a file in the given state. */
  static FileSignature compute(int fd, long size, String where) throws IOException {
    return FileSignature.compute((pos, buf, off, len) -> read(fd, pos, buf, off, len, where), size, 0, 0);
  }

  /** Stores an already computed signature, stamped with the target's current state. */
  static void store(FileSignature contents, int targetFd, String where) throws IOException {
    Stat t = Posix.fstat(targetFd, where);
    Posix.setXattr(targetFd, null, XATTR, contents.withState(t.mtimeSec() * 1_000_000_000L + t.mtimeNsec(), t.ino()).encode(), where);
  }

  /** Removes the signature before contents change in place: none may claim contents it does not have. */
  static void remove(int targetFd, String where) throws ErrnoException {
    Posix.removeXattr(targetFd, null, XATTR, where);
  }

  /** Whether the target entry already carries a signature that still describes it. */
  static boolean hasFresh(int dirfd, byte[] cname, Stat target, String where) throws ErrnoException {
    return fresh(dirfd, cname, target, where) != null; // damaged or other versions count as absent
  }

  private static int read(int fd, long pos, byte[] buf, int off, int len, String where) throws IOException {
    com.sun.jna.Memory m = Posix.rwBuffer();
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
