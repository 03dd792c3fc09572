// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import static org.junit.jupiter.api.Assertions.*;

import io.foxing.nfs.testing.Ganesha;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The high-level client against a real ganesha; every result is checked in the export directory on
 * disk.
 */
class NfsClientTest {
  @TempDir static Path tmp;
  static Ganesha server;
  static NfsClient nfs;

  @BeforeAll
  static void start() throws Exception {
    server = Ganesha.start(tmp.resolve("server"));
    nfs = NfsClient.connect(server.uri(""));
  }

  @AfterAll
  static void stop() {
    if (nfs != null) {
      nfs.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void smallFileInOneRoundTripWithItsMetadata() throws Exception {
    nfs.mkdirs("small/a/b");
    byte[] data = "hello, export\n".getBytes(StandardCharsets.UTF_8);
    long mtime = 1_700_000_000_123_456_789L;
    long before = nfs.roundTrips();
    nfs.writeFile(
        "small/a/b/hello.txt",
        data,
        NfsMetadata.builder().mode(0640).owner(1234, 5678).mtimeNanos(mtime).build());
    assertEquals(1, nfs.roundTrips() - before, "a small file is one compound");

    Path onDisk = server.exportDir().resolve("small/a/b/hello.txt");
    assertArrayEquals(data, Files.readAllBytes(onDisk));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(onDisk)));
    assertEquals(1234, Files.getAttribute(onDisk, "unix:uid"));
    assertEquals(5678, Files.getAttribute(onDisk, "unix:gid"));
    java.time.Instant m = Files.getLastModifiedTime(onDisk).toInstant();
    assertEquals(mtime, m.getEpochSecond() * 1_000_000_000L + m.getNano());
    try (var names = Files.list(onDisk.getParent())) {
      assertEquals(
          List.of("hello.txt"),
          names.map(p -> p.getFileName().toString()).toList(),
          "no temporary name left");
    }

    NfsAttributes a = nfs.stat("small/a/b/hello.txt");
    assertEquals(NfsAttributes.Type.REGULAR, a.type());
    assertEquals(data.length, a.size());
    assertEquals(0640, a.mode());
    assertEquals(1234, a.uid());
    assertEquals(mtime, a.mtimeNanos());
    assertArrayEquals(data, nfs.readFile("small/a/b/hello.txt", 1 << 20));
  }

  @Test
  void largeFileStreamedAndReadBack() throws Exception {
    byte[] data = new byte[5 * 1024 * 1024 + 12345];
    new Random(42).nextBytes(data);
    Path src = tmp.resolve("large.bin");
    Files.write(src, data);
    nfs.mkdirs("large");
    nfs.writeFile("large/file.bin", src, NfsMetadata.builder().mode(0600).build());
    assertArrayEquals(data, Files.readAllBytes(server.exportDir().resolve("large/file.bin")));
    assertArrayEquals(data, nfs.readFile("large/file.bin", data.length));
    // rewriting with a shorter file leaves no tail of the old one
    byte[] shorter = java.util.Arrays.copyOf(data, 3 * 1024 * 1024 + 7);
    Files.write(src, shorter);
    nfs.writeFile("large/file.bin", src, NfsMetadata.NONE);
    assertArrayEquals(shorter, Files.readAllBytes(server.exportDir().resolve("large/file.bin")));
  }

  @Test
  void namespaceOperations() throws Exception {
    nfs.mkdirs("ns/d");
    nfs.writeFile("ns/d/f", new byte[] {1, 2, 3}, NfsMetadata.NONE);
    nfs.symlink("ns/d/link", "f", NfsMetadata.NONE);
    nfs.link("ns/d/f", "ns/d/hard");
    Path d = server.exportDir().resolve("ns/d");
    assertEquals("f", Files.readSymbolicLink(d.resolve("link")).toString());
    assertEquals("f", nfs.readlink("ns/d/link"));
    assertEquals(
        Files.getAttribute(d.resolve("f"), "unix:ino"),
        Files.getAttribute(d.resolve("hard"), "unix:ino"));
    assertEquals(2, nfs.stat("ns/d/f").links());

    List<String> names = nfs.list("ns/d").stream().map(NfsDirEntry::name).sorted().toList();
    assertEquals(List.of("f", "hard", "link"), names);
    assertEquals(
        NfsAttributes.Type.SYMLINK,
        nfs.list("ns/d").stream()
            .filter(e -> e.name().equals("link"))
            .findFirst()
            .orElseThrow()
            .attributes()
            .type());

    nfs.rename("ns/d/f", "ns/d/g");
    assertTrue(Files.exists(d.resolve("g")));
    assertFalse(Files.exists(d.resolve("f")));
    nfs.remove("ns/d/g");
    nfs.remove("ns/d/g"); // gone already: not an error
    assertFalse(nfs.exists("ns/d/g"));
    nfs.removeTree("ns");
    assertFalse(Files.exists(server.exportDir().resolve("ns")));
  }

  @Test
  void copyFileFallsBackToReadAndWriteWhereTheServerHasNoCopy() throws Exception {
    byte[] data = new byte[2 * 1024 * 1024 + 99];
    new Random(5).nextBytes(data);
    nfs.mkdirs("cp");
    nfs.writeFile("cp/src", data, NfsMetadata.builder().mode(0604).build());
    boolean serverSide = nfs.copyFile("cp/src", "cp/dst");
    assertFalse(
        serverSide,
        "ganesha 4.3 answers NOTSUPP to COPY; if it now copies, this test should say so");
    Path dst = server.exportDir().resolve("cp/dst");
    assertArrayEquals(data, Files.readAllBytes(dst));
    assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dst)));
  }

  @Test
  void deepPathsAreLookedUpWithinTheSessionsOperationLimit() throws Exception {
    String deep = String.join("/", java.util.Collections.nCopies(30, "d"));
    nfs.mkdirs(deep);
    nfs.writeFile(deep + "/f", new byte[] {42}, NfsMetadata.NONE);
    try (NfsClient fresh =
        NfsClient.connect(server.uri(""))) { // no cached handles: one long lookup
      assertEquals(1, fresh.stat(deep + "/f").size());
    }
    assertTrue(Files.exists(server.exportDir().resolve(deep + "/f")));
  }

  @Test
  void errorsNameTheStatusAndThePath() {
    NfsException e = assertThrows(NfsException.class, () -> nfs.stat("no/such/file"));
    assertEquals(NfsStatus.NOENT, e.status());
    assertTrue(e.getMessage().contains("NFS4ERR_NOENT"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> nfs.stat("../etc/passwd"));
  }
}
