// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * Keeps a file's signature beside it: in the extended attribute {@code user.foxing.sig} when it is
 * at most {@link #XATTR_MAX} bytes (small enough for ext4's single xattr block), otherwise, and
 * where the filesystem has no user xattrs, in {@code .foxing_meta/NAME.fxsig} in the file's
 * directory (written atomically). {@link #readFresh} returns a signature only while it still
 * describes the file (size, nanosecond mtime and inode unchanged), so a stale one is never trusted.
 * Thread-safe (stateless).
 */
public final class SignatureStore {
  /** The extended attribute name, without the {@code user.} namespace NIO adds. */
  public static final String XATTR = "foxing.sig";

  public static final String SIDECAR_DIR = ".foxing_meta";

  /** Largest signature kept in the extended attribute. */
  public static final int XATTR_MAX = 2048 + 128;

  private static final String SIDECAR_SUFFIX = ".fxsig";

  private SignatureStore() {}

  /** Where a signature was stored. */
  public enum Location {
    XATTR,
    SIDECAR
  }

  /** Stores the signature of {@code file}; returns where it went. */
  public static Location write(Path file, FileSignature sig) throws IOException {
    byte[] data = sig.encode();
    try {
      if (data.length > XATTR_MAX) {
        throw new FileSystemException(file.toString(), null, "too large for an extended attribute");
      }
      view(file).write(XATTR, ByteBuffer.wrap(data));
      deleteSidecar(file); // one place per file: an older sidecar must not outlive it
      return Location.XATTR;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof NoSuchFileException) {
        throw (NoSuchFileException) e;
      }
      remove(file); // a stale attribute must not outlive the new sidecar either
      Path dir = sidecar(file).getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".sig", ".tmp");
      try {
        Files.write(tmp, data);
        Files.move(
            tmp,
            sidecar(file),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return Location.SIDECAR;
    }
  }

  /** The stored signature if there is one and it still describes the file as it is now. */
  public static Optional<FileSignature> readFresh(Path file) throws IOException {
    Optional<FileSignature> sig = read(file);
    if (sig.isEmpty()) {
      return sig;
    }
    BasicFileAttributes a =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    long inode =
        ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    java.time.Instant m = a.lastModifiedTime().toInstant();
    long mtime = m.getEpochSecond() * 1_000_000_000L + m.getNano();
    return sig.get().isFreshFor(a.size(), mtime, inode) ? sig : Optional.empty();
  }

  /**
   * The stored signature, fresh or not.
   *
   * @throws SignatureException if one is stored but cannot be read (damaged, unknown version)
   */
  public static Optional<FileSignature> read(Path file) throws IOException {
    try {
      UserDefinedFileAttributeView v = view(file);
      if (v.list().contains(XATTR)) {
        ByteBuffer b = ByteBuffer.allocate(v.size(XATTR));
        v.read(XATTR, b);
        return Optional.of(FileSignature.decode(java.util.Arrays.copyOf(b.array(), b.position())));
      }
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof NoSuchFileException) {
        throw (NoSuchFileException) e;
      }
      // no user xattrs here: look for a sidecar
    }
    Path side = sidecar(file);
    if (!Files.isRegularFile(side, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    if (Files.size(side) > 1 << 20) { // 16,384 hashes of 16 bytes plus the header is 256 KiB
      throw new SignatureException(side + ": too large to be a signature; delete it");
    }
    return Optional.of(FileSignature.decode(Files.readAllBytes(side)));
  }

  /**
   * Removes the stored signature (before a file is changed in place, so none claims old contents).
   */
  public static void remove(Path file) throws IOException {
    try {
      UserDefinedFileAttributeView v = view(file);
      if (v.list().contains(XATTR)) {
        v.delete(XATTR);
      }
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (e instanceof NoSuchFileException) {
        throw (NoSuchFileException) e;
      }
    }
    deleteSidecar(file);
  }

  private static void deleteSidecar(Path file) throws IOException {
    Files.deleteIfExists(sidecar(file));
  }

  private static UserDefinedFileAttributeView view(Path file) {
    UserDefinedFileAttributeView v =
        Files.getFileAttributeView(
            file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (v == null) {
      throw new UnsupportedOperationException("no user-defined attributes on this file system");
    }
    return v;
  }

  static Path sidecar(Path file) {
    Path abs = file.toAbsolutePath();
    return abs.resolveSibling(SIDECAR_DIR).resolve(abs.getFileName() + SIDECAR_SUFFIX);
  }
}
