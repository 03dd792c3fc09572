// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.fxar.internal.Bytes;
import io.foxing.fxar.internal.EntryRecords;
import io.foxing.fxar.internal.In;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Entries that would land outside the destination are refused, whatever the archive says. */
class HostileArchiveTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../evil",
        "/etc/passwd",
        "a/../../evil",
        "a//b",
        "a/./b",
        "a/",
        "",
        "a\0b",
        "..",
        "./a"
      })
  void recordsWithEscapingPathsAreRejected(String path) {
    FxarEntry e =
        new FxarEntry(
            FxarEntry.Type.FILE, new byte[] {'x'}, 0644, 0, 0, 0, 0, 0, 0, null, List.of());
    byte[] record = EntryRecords.encode(e);
    // splice the hostile path in place of "x" (the writer itself refuses to write it)
    Bytes b = new Bytes(record.length + path.length());
    int pathAt = 1 + 4 + 4 + 4 + 8 * 4;
    b.bytes(record, 0, pathAt)
        .u16(path.length())
        .bytes(path.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    b.bytes(record, pathAt + 3, record.length - pathAt - 3);
    byte[] hostile = b.toArray();
    DamagedArchiveException ex =
        assertThrows(
            DamagedArchiveException.class,
            () -> EntryRecords.read(new In(hostile, 0, hostile.length, 0, "entry record")));
    assertTrue(ex.getMessage().contains("refused entry path"), ex.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> {
          try (FxarWriter w = new FxarWriter(new ByteArrayOutputStream(), FxarOptions.defaults())) {
            w.add(
                new FxarEntry(
                    FxarEntry.Type.DIRECTORY,
                    path.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    0755,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    List.of()));
          }
        });
  }

  /**
   * A symlink in the archive pointing out, then a file "through" it: the file is refused, nothing
   * lands outside.
   */
  @Test
  void nothingIsCreatedThroughASymlinkFromTheArchive() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FxarWriter w = new FxarWriter(out, FxarOptions.defaults())) {
      w.add(Archives.link("a", FxarEntry.Type.SYMLINK, outside.toString()));
      w.addFile(
          Archives.file("a/evil", 5),
          java.nio.channels.Channels.newChannel(new ByteArrayInputStream("pwned".getBytes())));
      w.add(Archives.link("b", FxarEntry.Type.HARDLINK, "a/evil"));
      w.addFile(
          Archives.file("good", 2),
          java.nio.channels.Channels.newChannel(new ByteArrayInputStream("ok".getBytes())));
      w.finish();
    }
    Path dest = tmp.resolve("dest");
    Snapshots.Result r =
        Snapshots.importArchive(
            new ByteArrayInputStream(out.toByteArray()), dest, FxarOptions.defaults());
    assertEquals(2, r.failures().size(), r.failures().toString());
    assertTrue(
        r.failures()
            .get(0)
            .endsWith(
                "a/evil: not restored: a parent is a symlink or not a directory (refused: it could lead outside the destination)"),
        r.failures().get(0));
    assertTrue(
        r.failures()
            .get(1)
            .endsWith("b: not restored: hard link to a/evil, which was not restored"),
        r.failures().get(1));
    try (var list = Files.list(outside)) {
      assertEquals(0, list.count());
    }
    assertEquals("ok", Files.readString(dest.resolve("good")));
  }

  @Test
  void tarEntriesThatEscapeAreRefused() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String name : List.of("../outside/dotdot", outside + "/absolute", "ok")) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(2);
        tar.putArchiveEntry(e);
        tar.write("hi".getBytes());
        tar.closeArchiveEntry();
      }
      TarArchiveEntry link = new TarArchiveEntry("passwd", TarConstants.LF_LINK, true);
      link.setLinkName("../../../../etc/passwd");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    Path dest = tmp.resolve("dest");
    Snapshots.Result r =
        Snapshots.importArchive(
            new ByteArrayInputStream(bytes.toByteArray()), dest, FxarOptions.defaults());
    assertEquals(3, r.failures().size(), r.failures().toString());
    assertTrue(
        r.failures().get(0).startsWith("../outside/dotdot: refused"), r.failures().toString());
    assertTrue(
        r.failures().get(2).startsWith("passwd: refused: hard link target outside the archive"),
        r.failures().toString());
    try (var list = Files.list(outside)) {
      assertEquals(0, list.count());
    }
    assertFalse(Files.exists(dest.resolve("passwd")));
    assertEquals("hi", Files.readString(dest.resolve("ok")));
  }

  /**
   * GNU tar extracts {@code .//a//b} as {@code a/b}, and so does import; {@code ..} and names
   * starting with / are still refused.
   */
  @Test
  void tarNamesAreNormalisedAsGnuTarReadsThem() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.putArchiveEntry(new TarArchiveEntry(".//a//", true)); // a directory: the name ends with /
      tar.closeArchiveEntry();
      for (String name :
          List.of(".//a//b", "./a/./c", ".//../outside/dotdot", "/" + outside + "//absolute")) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(2);
        tar.putArchiveEntry(e);
        tar.write("hi".getBytes());
        tar.closeArchiveEntry();
      }
      TarArchiveEntry link = new TarArchiveEntry("./a//hard", TarConstants.LF_LINK, true);
      link.setLinkName(".//a//b");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    Path dest = tmp.resolve("dest");
    Snapshots.Result r =
        Snapshots.importArchive(
            new ByteArrayInputStream(bytes.toByteArray()), dest, FxarOptions.defaults());
    assertEquals(
        List.of(
            ".//../outside/dotdot: refused: '..' path component",
            "/" + outside + "//absolute: refused: absolute path"),
        r.failures());
    assertEquals("hi", Files.readString(dest.resolve("a/b")));
    assertEquals("hi", Files.readString(dest.resolve("a/c")));
    assertTrue(Files.isSameFile(dest.resolve("a/b"), dest.resolve("a/hard")));
    try (var list = Files.list(outside)) {
      assertEquals(0, list.count());
    }
  }

  /**
   * Import never overwrites: a destination that is not empty is refused before anything is written.
   */
  @Test
  void nonEmptyDestinationIsRefused() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Files.writeString(dest.resolve("keep"), "mine");
    byte[] archive = Archives.write(Archives.contents(9), FxarOptions.defaults());
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                Snapshots.importArchive(
                    new ByteArrayInputStream(archive), dest, FxarOptions.defaults()));
    assertEquals(
        dest + ": destination is not empty; import into a new or empty directory", e.getMessage());
    assertEquals("mine", Files.readString(dest.resolve("keep")));
  }
}
