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

  /** Whether the target entry already carries a signature that still describes it. */
  static boolean hasFresh(int dirfd, byte[] cname, Stat target, String where) throws ErrnoException {
    byte[] data = Posix.getXattr(-1, Posix.procPath(dirfd, cname), XATTR, where);
    if (data == null) {
      return false;
    }
    try {
      return FileSignature.decode(data).isFreshFor(target.size(), target.mtimeSec() * 1_000_000_000L + target.mtimeNsec(), target.ino());
    } catch (SignatureException e) {
      return false; // damaged or from another version: replaced by a new one
    }
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
