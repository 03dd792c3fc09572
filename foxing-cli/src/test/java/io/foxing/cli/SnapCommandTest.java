// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Oracles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fxcp snap: the commands, their exit codes and their one-line errors. */
class SnapCommandTest {
  @TempDir Path tmp;
  Path src;

  @BeforeEach
  void tree() throws IOException {
    src = Files.createDirectories(tmp.resolve("src/a/b"));
    Random r = new Random(3);
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[i * 7000];
      r.nextBytes(b);
      Files.write(src.resolve("f" + i), b);
    }
    Files.writeString(tmp.resolve("src/a/notes.txt"), "hello\n".repeat(1000));
    Files.createSymbolicLink(tmp.resolve("src/a/link"), Path.of("notes.txt"));
    src = tmp.resolve("src");
  }

  @Test
  void exportInspectRestoreVerifyImport() throws IOException {
    Path archive = tmp.resolve("a.fxar");
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp(
            "snap", "export", src.toString(), "-o", archive.toString(), "--compress", "zstd:5");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().startsWith("fxcp snap: exported 25 entries,"), r.err());
    assertTrue(Files.exists(archive));
    try (var list = Files.list(tmp)) {
      assertEquals(
          0,
          list.filter(p -> p.getFileName().toString().contains("partial")).count(),
          "no temporary left");
    }

    r = FxcpCommandTest.fxcp("snap", "inspect", archive.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("entries        25 (21 files)"), r.out());
    r = FxcpCommandTest.fxcp("snap", "inspect", archive.toString(), "--list");
    assertTrue(r.out().contains(" a/link -> notes.txt\n"), r.out());
    r = FxcpCommandTest.fxcp("snap", "inspect", archive.toString(), "--json");
    assertTrue(r.out().startsWith("{\"archive\":"), r.out());

    r =
        FxcpCommandTest.fxcp(
            "snap",
            "restore",
            archive.toString(),
            "--file",
            "a/*.txt",
            "-o",
            tmp.resolve("one").toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("hello\n".repeat(1000), Files.readString(tmp.resolve("one/a/notes.txt")));
    assertTrue(Files.notExists(tmp.resolve("one/a/b")));

    // again into the same directory: the directories are there already (fine), the file is not
    // overwritten
    r =
        FxcpCommandTest.fxcp(
            "snap",
            "restore",
            archive.toString(),
            "--file",
            "a/*.txt",
            "-o",
            tmp.resolve("one").toString());
    assertEquals(1, r.exit(), r.err());
    assertEquals(
        "fxcp snap: "
            + tmp.resolve("one/a/notes.txt")
            + ": not restored: exists; not overwritten\n"
            + "fxcp snap: restored 2 entries, 0 B; 1 problems\n",
        r.err());

    r = FxcpCommandTest.fxcp("snap", "verify", archive.toString());
    assertEquals(0, r.exit(), r.err());

    r = FxcpCommandTest.fxcp("snap", "import", archive.toString(), tmp.resolve("dst").toString());
    assertEquals(0, r.exit(), r.err());
    Oracles.assertFaithful(src, tmp.resolve("dst"));
  }

  @Test
  void everyCommandHasHelp() {
    for (String c : new String[] {"export", "import", "inspect", "restore", "verify"}) {
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("snap", c, "--help");
      assertEquals(0, r.exit(), c + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: fxcp snap " + c), r.out());
    }
  }

  @Test
  void errorsAreOneLineWithExitCodeTwo() throws IOException {
    Path archive = tmp.resolve("a.fxar");
    assertError(
        "fxcp snap: --compress: unknown codec 'brotli' (use zstd, lz4, gzip, xz or none, optionally with :LEVEL) (see fxcp snap --help)",
        "snap",
        "export",
        src.toString(),
        "-o",
        archive.toString(),
        "--compress",
        "brotli");
    assertError(
        "fxcp snap: " + tmp.resolve("nope") + ": not a directory; give the directory to export",
        "snap",
        "export",
        tmp.resolve("nope").toString(),
        "-o",
        archive.toString());
    assertError(
        "fxcp snap: " + tmp.resolve("nope.fxar") + ": no such archive",
        "snap",
        "import",
        tmp.resolve("nope.fxar").toString(),
        tmp.resolve("d").toString());
    Files.writeString(tmp.resolve("text.fxar"), "just some text that is not an archive");
    assertError(
        "fxcp snap: "
            + tmp.resolve("text.fxar")
            + ": not an FXAR archive (no FXAR magic at the start)",
        "snap",
        "inspect",
        tmp.resolve("text.fxar").toString());
    assertEquals(
        0, FxcpCommandTest.fxcp("snap", "export", src.toString(), "-o", archive.toString()).exit());
    assertError(
        "fxcp snap: " + src + ": destination is not empty; import into a new or empty directory",
        "snap",
        "import",
        archive.toString(),
        src.toString());
    assertError(
        "fxcp snap: "
            + archive
            + ": no entry matches zzz* (list them with fxcp snap inspect --list)",
        "snap",
        "restore",
        archive.toString(),
        "--file",
        "zzz*",
        "-o",
        tmp.resolve("r").toString());
    Path passwdLike =
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n".repeat(20));
    assertError(
        "fxcp snap: "
            + passwdLike
            + ": not an FXAR archive, nor a tar archive fxcp can read (Corrupted TAR archive.)",
        "snap",
        "import",
        passwdLike.toString(),
        tmp.resolve("p").toString());
    assertError(
        "fxcp snap: /missing/dir/a.fxar: cannot write the archive there: /missing/dir is not an existing directory; "
            + "create it or choose another -o",
        "snap",
        "export",
        src.toString(),
        "-o",
        "/missing/dir/a.fxar");
    assertError(
        "fxcp sum: " + tmp.resolve("no-list") + ": no such checksum list",
        "sum",
        "-c",
        tmp.resolve("no-list").toString());
  }

  @Test
  void damagedArchiveExitsOneAndSalvageRestoresTheRest() throws IOException {
    Path archive = tmp.resolve("a.fxar");
    assertEquals(
        0, FxcpCommandTest.fxcp("snap", "export", src.toString(), "-o", archive.toString()).exit());
    byte[] b = Files.readAllBytes(archive);
    Files.write(archive, java.util.Arrays.copyOf(b, b.length - 10)); // the footer is damaged
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp(
            "snap", "verify", archive.toString(), "--salvage", tmp.resolve("rescued").toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("footer: missing (the archive is truncated"), r.err());
    assertTrue(r.err().contains("fxcp snap: salvaged 25 entries"), r.err());
    assertEquals("hello\n".repeat(1000), Files.readString(tmp.resolve("rescued/a/notes.txt")));
  }

  /**
   * Damage is listed, not fatal: import restores what it can and exits 1; 2 only when nothing at
   * all could be restored.
   */
  @Test
  void importOfADamagedArchiveRestoresTheRestAndExitsOne() throws IOException {
    Path archive = tmp.resolve("a.fxar");
    assertEquals(
        0, FxcpCommandTest.fxcp("snap", "export", src.toString(), "-o", archive.toString()).exit());
    byte[] b = Files.readAllBytes(archive);
    long index =
        java.nio.ByteBuffer.wrap(b, b.length - 16, 8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getLong(); // the footer's index_offset
    byte[] badIndex = b.clone();
    badIndex[(int) index + 68 + 5] ^=
        0x5a; // only the index payload: every file still comes from the stream
    Files.write(archive, badIndex);
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp("snap", "import", archive.toString(), tmp.resolve("dst").toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().startsWith("fxcp snap: index payload: "), r.err());
    assertTrue(
        r.err().contains("fxcp snap: imported 25 entries, ") && r.err().endsWith("; 1 problems\n"),
        r.err());
    Oracles.assertFaithful(src, tmp.resolve("dst"));

    byte[] wiped = b.clone();
    java.util.Arrays.fill(
        wiped, 64, wiped.length, (byte) 0); // the archive header holds, every frame is gone
    Files.write(archive, wiped);
    r = FxcpCommandTest.fxcp("snap", "import", archive.toString(), tmp.resolve("none").toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("fxcp snap: imported 0 entries"), r.err());
  }

  /**
   * Import checks the free space first (the index's figure, or the size a piped export recorded)
   * and writes nothing.
   */
  @Test
  void notEnoughRoomIsSaidBeforeAnythingIsWritten() throws IOException {
    io.foxing.testkit.Prerequisites.requireRoot("mounting a small tmpfs");
    Path small = Files.createDirectories(tmp.resolve("small"));
    io.foxing.testkit.Shell.run(
            "mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString())
        .check();
    try {
      Path archive = tmp.resolve("a.fxar");
      assertEquals(
          0,
          FxcpCommandTest.fxcp("snap", "export", src.toString(), "-o", archive.toString()).exit());
      FxcpCommandTest.Run r =
          FxcpCommandTest.fxcp("snap", "import", archive.toString(), small.resolve("d").toString());
      assertEquals(2, r.exit(), r.err());
      assertTrue(
          r.err()
              .matches(
                  "fxcp snap: "
                      + small.resolve("d")
                      + ": not enough free space: the archive holds \\d+ bytes of files, \\d+ bytes are free; free space or import elsewhere\n"),
          r.err());
      assertTrue(Files.notExists(small.resolve("d")));
      // through a pipe: the size the exporter recorded in the header
      java.io.ByteArrayOutputStream piped = new java.io.ByteArrayOutputStream();
      io.foxing.fxar.Snapshots.export(
          src,
          piped,
          io.foxing.fxar.Snapshots.Format.FXAR,
          io.foxing.fxar.FxarOptions.builder()
              .sizeHint(io.foxing.fxar.Snapshots.contentSize(src))
              .build(),
          p -> {});
      IOException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IOException.class,
              () ->
                  io.foxing.fxar.Snapshots.importArchive(
                      new java.io.ByteArrayInputStream(piped.toByteArray()),
                      small.resolve("p"),
                      io.foxing.fxar.FxarOptions.defaults()));
      assertTrue(e.getMessage().contains("not enough free space"), e.getMessage());
      assertTrue(Files.notExists(small.resolve("p")));
    } finally {
      io.foxing.testkit.Shell.run("umount", "-l", small.toString());
    }
  }

  private static void assertError(String line, String... args) {
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp(args);
    assertEquals(2, r.exit(), r.err());
    assertEquals(line + "\n", r.err());
  }
}
