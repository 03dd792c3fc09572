// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.TierNames;
import io.foxing.posix.Temporaries;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --partial}: a large file whose copy is cut off stays under its marked temporary name
 * (never its own), with a record of what of it is on disk; the next run with the option continues
 * it from there when the source is unchanged, and starts again when it is not. The progress record
 * is written every 64 MiB, so the files here are a little larger than two steps.
 */
class ResumableCopyTest {
  private static final long MIB = 1 << 20;
  private static final long STEP = 64 * MIB;
  private static final CopyOptions PARTIAL =
      CopyOptions.archive().toBuilder().partial(true).build();
  private static final String TEMP = Temporaries.PARTIAL_PREFIX + "big";

  @TempDir Path tmp;
  private Path src;

  @BeforeEach
  void bigFile() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
    write(src.resolve("big"), 200 * MIB, 7);
    Files.writeString(src.resolve("small"), "small\n");
  }

  @Test
  void aCopyCutOffByAFullDiskIsContinuedWhereItStopped() throws IOException {
    Prerequisites.requireRoot("mounting a small tmpfs to fill up");
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Shell.run("mount", "-t", "tmpfs", "-o", "size=150m", "tmpfs", dst.toString()).check();
    try {
      CopyReport first = copy(dst, PARTIAL);
      assertEquals(1, first.failures().size(), first.failures().toString());
      assertTrue(first.failures().get(0).toString().contains("No space left"), first.toString());
      assertFalse(Files.exists(dst.resolve("big")), "never under its own name while incomplete");
      Temporaries.Resume left = record(dst.resolve(TEMP));
      assertNotNull(left, "the temporary carries its record");
      assertEquals(2 * STEP, left.done(), "two steps fit in 150 MiB, and were recorded");
      assertEquals(
          -1,
          mismatch(src.resolve("big"), dst.resolve(TEMP), left.done()),
          "the recorded part holds the source's bytes");

      Shell.run("mount", "-o", "remount,size=400m", dst.toString()).check();
      CopyReport second = copy(dst, PARTIAL);
      assertEquals(List.of(), second.failures());
      assertEquals(Map.of(TierNames.RESUMED, 1L), second.filesByTier());
      assertEquals(200 * MIB - 2 * STEP, second.bytesCopied(), "only the rest moved");
      Oracles.assertFaithful(src, dst);
      assertFalse(Files.exists(dst.resolve(TEMP)));
    } finally {
      Shell.run("umount", "-l", dst.toString());
    }
  }

  @Test
  void aTemporaryOfTheUnchangedSourceIsContinued() throws IOException {
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    plant(dst, STEP, recordFor(src.resolve("big"), STEP));
    CopyReport r = copy(dst, PARTIAL);
    assertEquals(List.of(), r.failures());
    assertEquals(1L, r.filesByTier().get(TierNames.RESUMED));
    assertEquals(200 * MIB - STEP + 6, r.bytesCopied(), "the rest of big, and small");
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void aTemporaryOfAnotherVersionIsDroppedAndTheFileCopiedWhole() throws IOException {
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    plant(dst, STEP, recordFor(src.resolve("big"), STEP));
    Files.setLastModifiedTime(src.resolve("big"), FileTime.fromMillis(1_000_000_000_000L));
    CopyReport r = copy(dst, PARTIAL);
    assertEquals(List.of(), r.failures());
    assertEquals(null, r.filesByTier().get(TierNames.RESUMED));
    assertEquals(200 * MIB + 6, r.bytesCopied());
    Oracles.assertFaithful(src, dst);
    assertFalse(Files.exists(dst.resolve(TEMP)));
  }

  @Test
  void aRecordClaimingMoreThanTheTemporaryHoldsIsNotBelieved() throws IOException {
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    plant(dst, STEP, recordFor(src.resolve("big"), 3 * STEP)); // a torn or forged record
    CopyReport r = copy(dst, PARTIAL);
    assertEquals(List.of(), r.failures());
    assertEquals(null, r.filesByTier().get(TierNames.RESUMED));
    Oracles.assertFaithful(src, dst);
  }

  @Test
  void aRunWithoutPartialRemovesTheTemporary() throws IOException {
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    plant(dst, STEP, recordFor(src.resolve("big"), STEP));
    CopyReport r = copy(dst, CopyOptions.archive());
    assertEquals(List.of(), r.failures());
    assertEquals(200 * MIB + 6, r.bytesCopied(), "copied whole");
    Oracles.assertFaithful(src, dst);
    assertFalse(Files.exists(dst.resolve(TEMP)));
  }

  @Test
  void aUserFileWithTheTemporarysNameIsLeftAlone() throws IOException {
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(dst.resolve(TEMP), "mine\n"); // no mark: the user's, whatever its name
    CopyReport r = copy(dst, PARTIAL);
    assertEquals(List.of(), r.failures());
    assertEquals("mine\n", Files.readString(dst.resolve(TEMP)));
    assertEquals(-1, Files.mismatch(src.resolve("big"), dst.resolve("big")));
  }

  private CopyReport copy(Path dst, CopyOptions options) throws IOException {
    return SmartCopier.to(dst.toString(), options).copy(List.of(src + "/"), CopyListener.NONE);
  }

  /** A temporary as an interrupted run leaves it: the source's first bytes, and a mark. */
  private void plant(Path dst, long length, Temporaries.Resume record) throws IOException {
    Path t = dst.resolve(TEMP);
    try (var in = Files.newInputStream(src.resolve("big"));
        OutputStream out = Files.newOutputStream(t)) {
      out.write(in.readNBytes((int) length));
    }
    Files.getFileAttributeView(t, UserDefinedFileAttributeView.class)
        .write("foxing.tmp", ByteBuffer.wrap(record.encode()));
  }

  private static Temporaries.Resume recordFor(Path file, long done) throws IOException {
    FileTime m = Files.getLastModifiedTime(file);
    long nanos = m.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    return new Temporaries.Resume(
        Files.size(file), nanos, ((Number) Files.getAttribute(file, "unix:ino")).longValue(), done);
  }

  private static Temporaries.Resume record(Path temp) throws IOException {
    UserDefinedFileAttributeView v =
        Files.getFileAttributeView(temp, UserDefinedFileAttributeView.class);
    ByteBuffer b = ByteBuffer.allocate(v.size("foxing.tmp"));
    v.read("foxing.tmp", b);
    return Temporaries.Resume.decode(b.array());
  }

  /** Where the first {@code length} bytes of two files differ, or -1. */
  private static long mismatch(Path a, Path b, long length) throws IOException {
    try (var x = Files.newInputStream(a);
        var y = Files.newInputStream(b)) {
      for (long off = 0; off < length; off += MIB) {
        byte[] p = x.readNBytes((int) MIB);
        byte[] q = y.readNBytes((int) MIB);
        int m = java.util.Arrays.mismatch(p, q);
        if (m >= 0) {
          return off + m;
        }
      }
    }
    return -1;
  }

  private static void write(Path file, long size, long seed) throws IOException {
    Random rnd = new Random(seed);
    byte[] block = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < size; done += block.length) {
        rnd.nextBytes(block);
        out.write(block);
      }
    }
  }
}
