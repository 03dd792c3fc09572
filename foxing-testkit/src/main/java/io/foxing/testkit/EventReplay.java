// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import io.foxing.api.events.FileEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replays events onto a mirror of a source tree, touching only the paths events name: what a mirror
 * daemon does, and the test of a source (any change it fails to report leaves the mirror
 * different). Content events for a path that no longer exists are skipped (a later rename or delete
 * says where it went); a renamed directory is moved and then compared as a subtree (a change inside
 * it may have been reported under the old name); RESCAN, OVERFLOW and a rename into the root
 * compare the subtree they name. Hard links are rebuilt from inode numbers.
 */
public final class EventReplay {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path src;
  private final Path dst;
  private final Map<Object, Path> inodes = new HashMap<>();
  private final Map<FileEvent.Kind, Integer> kinds = new HashMap<>();

  public EventReplay(Path src, Path dst) throws IOException {
    this.src = src.toRealPath();
    this.dst = dst;
    Files.createDirectories(dst);
  }

  /** How many events of each kind were applied. */
  public Map<FileEvent.Kind, Integer> kinds() {
    return kinds;
  }

  public void apply(FileEvent e) throws IOException {
    kinds.merge(e.kind(), 1, Integer::sum);
    if (!e.path().startsWith(src)) {
      throw new IllegalStateException("event outside the root " + src + ": " + e);
    }
    Path rel = src.relativize(e.path());
    switch (e.kind()) {
      case DELETED, DIRECTORY_REMOVED, RENAMED_FROM -> {
        if (exists(src.resolve(rel))) {
          syncTree(rel); // something new took the name since
        } else {
          delete(dst.resolve(rel));
        }
      }
      case RENAMED -> {
        Path from = src.relativize(e.from());
        Path was = dst.resolve(from);
        if (exists(was) && !exists(src.resolve(from))) {
          delete(dst.resolve(rel));
          Files.createDirectories(dst.resolve(rel).getParent());
          Files.move(was, dst.resolve(rel));
        }
        if (Files.isDirectory(src.resolve(rel), NOFOLLOW)) {
          syncTree(rel);
        } else {
          sync(rel);
        }
      }
      case RENAMED_TO, RESCAN, OVERFLOW -> syncTree(rel);
      default -> sync(rel);
    }
  }

  /** Makes {@code dst/rel} match {@code src/rel} (not below it); nothing if the source is gone. */
  private void sync(Path rel) throws IOException {
    Path s = src.resolve(rel);
    Path d = dst.resolve(rel);
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(s, PosixFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (!rel.toString().isEmpty()) {
      Files.createDirectories(d.getParent());
    }
    if (a.isSymbolicLink()) {
      delete(d);
      Files.createSymbolicLink(d, Files.readSymbolicLink(s));
    } else if (a.isDirectory()) {
      if (exists(d) && !Files.isDirectory(d, NOFOLLOW)) {
        delete(d);
      }
      Files.createDirectories(d);
    } else if (a.isRegularFile()) {
      if (Files.isDirectory(d, NOFOLLOW) || Files.isSymbolicLink(d)) {
        delete(d);
      }
      link(rel, s, d, a);
      byte[] content;
      try {
        content = Files.readAllBytes(s);
      } catch (NoSuchFileException gone) {
        return;
      }
      // in place, so hard links in the mirror stay links
      try (OutputStream out =
          Files.newOutputStream(
              d,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING,
              LinkOption.NOFOLLOW_LINKS)) {
        out.write(content);
      }
    } else {
      return; // the workload makes no devices, FIFOs or sockets
    }
    Files.setAttribute(d, "unix:uid", Files.getAttribute(s, "unix:uid", NOFOLLOW), NOFOLLOW);
    Files.setAttribute(d, "unix:gid", Files.getAttribute(s, "unix:gid", NOFOLLOW), NOFOLLOW);
    if (!a.isSymbolicLink()) {
      Files.setPosixFilePermissions(d, a.permissions());
      copyXattrs(s, d);
    }
  }

  /** A file with other names already mirrored becomes a hard link to them. */
  private void link(Path rel, Path s, Path d, PosixFileAttributes a) throws IOException {
    int nlink = (Integer) Files.getAttribute(s, "unix:nlink", NOFOLLOW);
    Object key = a.fileKey();
    if (nlink < 2) {
      return;
    }
    Path other = inodes.get(key);
    inodes.put(key, rel);
    if (other == null || other.equals(rel)) {
      return;
    }
    Path otherSrc = src.resolve(other);
    Path otherDst = dst.resolve(other);
    if (!exists(otherSrc) || !exists(otherDst) || !Files.isSameFile(otherSrc, s)) {
      return;
    }
    if (exists(d) && Files.isSameFile(d, otherDst)) {
      return;
    }
    delete(d);
    Files.createLink(d, otherDst);
  }

  private static void copyXattrs(Path s, Path d) throws IOException {
    UserDefinedFileAttributeView from =
        Files.getFileAttributeView(s, UserDefinedFileAttributeView.class, NOFOLLOW);
    UserDefinedFileAttributeView to =
        Files.getFileAttributeView(d, UserDefinedFileAttributeView.class, NOFOLLOW);
    Set<String> names = new HashSet<>(from.list());
    for (String n : to.list()) {
      if (!names.contains(n)) {
        to.delete(n);
      }
    }
    for (String n : names) {
      ByteBuffer b = ByteBuffer.allocate(from.size(n));
      from.read(n, b);
      b.flip();
      to.write(n, b);
    }
  }

  /** Makes the whole subtree {@code dst/rel} match {@code src/rel}. */
  private void syncTree(Path rel) throws IOException {
    Path s = src.resolve(rel);
    if (!exists(s)) {
      delete(dst.resolve(rel));
      return;
    }
    sync(rel);
    if (!Files.isDirectory(s, NOFOLLOW)) {
      return;
    }
    Set<Path> names = new HashSet<>();
    try (Stream<Path> children = Files.list(s)) {
      for (Path c : children.toList()) {
        names.add(c.getFileName());
        syncTree(rel.resolve(c.getFileName()));
      }
    }
    try (Stream<Path> children = Files.list(dst.resolve(rel))) {
      for (Path c : children.toList()) {
        if (!names.contains(c.getFileName())) {
          delete(c);
        }
      }
    }
  }

  private static boolean exists(Path p) {
    return Files.exists(p, NOFOLLOW);
  }

  static void delete(Path p) throws IOException {
    if (!exists(p)) {
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The events of a list, applied in order. */
  public void applyAll(List<FileEvent> events) throws IOException {
    for (FileEvent e : events) {
      apply(e);
    }
  }
}
