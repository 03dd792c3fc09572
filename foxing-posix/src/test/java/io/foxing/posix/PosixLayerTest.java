// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.ErrnoException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one native layer: its boundary, its availability check, typed errors, privileges and
 * temporaries.
 */
class PosixLayerTest {

  @Test
  void exportedToTheSiblingModulesOnly() throws Exception {
    Path classes = Path.of(LibC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertEquals("io.foxing.posix", d.name());
    assertEquals(1, d.exports().size());
    ModuleDescriptor.Exports e = d.exports().iterator().next();
    assertEquals("io.foxing.posix", e.source());
    assertEquals(
        Set.of("io.foxing.copy", "io.foxing.fxar", "io.foxing.bpf", "io.foxing.cli"), e.targets());
    Set<String> requires = new TreeSet<>();
    d.requires().forEach(r -> requires.add(r.name()));
    assertEquals(Set.of("java.base", "io.foxing.api", "com.sun.jna"), requires);
  }

  @Test
  void nativeLayerIsAvailableHere() throws Exception {
    assertTrue(NativeSupport.isAvailable(), () -> "libc unreachable: " + NativeSupport.problem());
    assertNull(NativeSupport.problem());
    NativeSupport.ensureAvailable();
  }

  @Test
  void failedCallsAreTypedAndNameThePathAndTheErrno(@TempDir Path dir) {
    String missing = dir.resolve("missing").toString();
    ErrnoException e =
        assertThrows(
            ErrnoException.NotFound.class,
            () ->
                Posix.check(
                    LibC.open(Posix.cpath(missing), LibC.O_RDONLY | LibC.O_CLOEXEC, 0),
                    "open",
                    missing));
    assertEquals("ENOENT", e.errnoName());
    assertEquals(missing, e.path());
    assertTrue(e.getMessage().startsWith(missing + ": open failed: "), e.getMessage());
    ErrnoException bad = assertThrows(ErrnoException.class, () -> Posix.epollOn("a test", -1));
    assertEquals("EBADF", bad.errnoName());
  }

  @Test
  void anEventfdWakesItsEpoll() throws Exception {
    int wake =
        (int) Posix.check(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.O_NONBLOCK), "eventfd", "a test");
    int ep = Posix.epollOn("a test", wake);
    try {
      byte[] events = new byte[16];
      assertEquals(0, LibC.epoll_wait(ep, events, 1, 0), "nothing signalled yet");
      Posix.signal(wake);
      assertEquals(1, LibC.epoll_wait(ep, events, 1, 1000));
    } finally {
      Posix.close(ep);
      Posix.close(wake);
    }
  }

  @Test
  void onlyRootThatKeptCapChownGivesFilesAway(@TempDir Path dir) throws Exception {
    long capEff = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")) {
        capEff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
      }
    }
    assertEquals(
        LibC.geteuid() == 0 && (capEff & 1) != 0,
        Privileges.canChown(),
        "root, and CAP_CHOWN (bit 0 of CapEff)");
    // and the kernel agrees: giving a file to another owner works exactly when we say it may
    Path f = Files.writeString(dir.resolve("f"), "x");
    int fd = Posix.openPath(f.toString(), LibC.O_RDONLY, f.toString());
    try {
      boolean gave;
      try {
        Posix.fchown(fd, 54321, 54321, f.toString());
        gave = Posix.fstat(fd, f.toString()).uid() == 54321;
      } catch (ErrnoException e) {
        gave = false;
      }
      assertEquals(Privileges.canChown(), gave);
    } finally {
      Posix.close(fd);
    }
  }

  @Test
  void temporariesAreKnownByNameAndMark(@TempDir Path dir) throws Exception {
    byte[] name = "report.txt".getBytes(StandardCharsets.UTF_8);
    byte[] tmp = Temporaries.nameFor(name);
    assertEquals(0, tmp[tmp.length - 1], "NUL-terminated for C");
    byte[] bare = Arrays.copyOf(tmp, tmp.length - 1);
    assertTrue(Temporaries.looksLike(bare));
    assertFalse(Temporaries.looksLike(name));
    assertTrue(new String(bare, StandardCharsets.UTF_8).endsWith("~report.txt"));

    int dirfd = Posix.openPath(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, dir.toString());
    try {
      Files.writeString(
          dir.resolve(new String(bare, StandardCharsets.UTF_8)),
          "a user's file with our kind of name");
      assertFalse(Temporaries.isOurs(dirfd, bare, dir.toString()), "a name alone proves nothing");
      byte[] marked = Arrays.copyOf(Temporaries.nameFor(name), tmp.length - 1);
      int fd =
          Posix.openat(
              dirfd,
              Posix.cstr(marked),
              LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL,
              0600,
              dir.toString());
      boolean canMark = Temporaries.mark(fd);
      Posix.close(fd);
      assertEquals(
          canMark, Temporaries.isOurs(dirfd, marked, dir.toString()), "the name and the mark");
    } finally {
      Posix.close(dirfd);
    }
  }

  @Test
  void ourOwnXattrsAreNeverCopiedAndOthersAre() {
    for (byte[] own :
        new byte[][] {Metadata.SIGNATURE_XATTR, Metadata.DIR_RECORD_XATTR, Temporaries.MARK}) {
      assertTrue(Metadata.isOwn(own));
      assertFalse(Metadata.isCopied(own));
    }
    assertTrue(
        Metadata.isCopied("user.foxing.test\0".getBytes(StandardCharsets.US_ASCII)),
        "a user's user.foxing.* is data");
    assertArrayEquals(
        "user.foxing.sig\0".getBytes(StandardCharsets.US_ASCII), Metadata.SIGNATURE_XATTR);
  }

  @Test
  void aTerminalIsToldFromAFileByItsDescriptor(@TempDir Path dir) throws Exception {
    int pty =
        Posix.openPath(
            "/dev/ptmx", LibC.O_RDWR | LibC.O_NOCTTY, "/dev/ptmx"); // a terminal's master side
    int file =
        Posix.openPath(Files.writeString(dir.resolve("f"), "x").toString(), LibC.O_RDONLY, "f");
    try {
      assertTrue(Posix.isTerminal(pty));
      assertFalse(Posix.isTerminal(file));
    } finally {
      Posix.close(pty);
      Posix.close(file);
    }
  }
}
