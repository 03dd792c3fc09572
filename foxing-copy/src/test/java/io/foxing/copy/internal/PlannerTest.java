// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyOptions;
import io.foxing.api.Preserve;
import io.foxing.api.spi.FileStat;
import io.foxing.copy.internal.Planner.Action;
import io.foxing.copy.internal.Planner.MakeWay;
import io.foxing.copy.internal.Planner.Step;
import io.foxing.posix.LibC;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The copy rules, entry by entry, from stats alone: no filesystem, no root, milliseconds. */
class PlannerTest {
  private static final Planner ARCHIVE = new Planner(CopyOptions.archive());

  private static final java.util.concurrent.atomic.AtomicLong INODES =
      new java.util.concurrent.atomic.AtomicLong(100);

  /** A stat of a file of its own (a fresh inode number). */
  private static FileStat stat(int type, long size, long mtime, int nlink) {
    return new FileStat(
        type | 0644,
        1000,
        1000,
        nlink,
        INODES.incrementAndGet(),
        7,
        0,
        size,
        size / 512,
        mtime,
        0,
        mtime,
        0,
        mtime,
        0);
  }

  private static FileStat file(long size, long mtime) {
    return stat(LibC.S_IFREG, size, mtime, 1);
  }

  private static final FileStat DIR = stat(LibC.S_IFDIR, 4096, 1, 2);
  private static final FileStat LINK = stat(LibC.S_IFLNK, 3, 1, 1);
  private static final FileStat FIFO = stat(LibC.S_IFIFO, 0, 1, 1);

  @Test
  void aNewFileIsCopiedAndItemizedAsCreated() {
    Action a = ARCHIVE.plan(file(10, 1), null, "f");
    assertEquals(Step.COPY, a.step());
    assertEquals(">f+++++++++", a.itemize());
    assertEquals(MakeWay.NONE, a.makeWay());
  }

  @Test
  void sameSizeAndMtimeIsTheQuickCheck() {
    assertEquals(Step.MAYBE_UP_TO_DATE, ARCHIVE.plan(file(10, 1), file(10, 1), "f").step());
  }

  @Test
  void aChangedFileSaysWhatChangedAsRsyncDoes() {
    assertEquals(">f.st......", ARCHIVE.plan(file(11, 2), file(10, 1), "f").itemize());
    assertEquals(">f..t......", ARCHIVE.plan(file(10, 2), file(10, 1), "f").itemize());
    assertEquals(">f.s.......", ARCHIVE.plan(file(11, 1), file(10, 1), "f").itemize());
  }

  @Test
  void checksumComparesContentsOfSameSizedFilesWhateverTheirTimes() {
    Planner checksum = new Planner(CopyOptions.builder().checksum(true).build());
    assertEquals(Step.MAYBE_UP_TO_DATE, checksum.plan(file(10, 2), file(10, 1), "f").step());
    Action bigger = checksum.plan(file(11, 2), file(10, 1), "f");
    assertEquals(Step.COPY, bigger.step());
    assertEquals(">fcst......", bigger.itemize());
  }

  @Test
  void aNonEmptyDirectoryGivesWayToAFileOnlyUnderDelete() {
    assertEquals(MakeWay.REMOVE_IF_EMPTY, ARCHIVE.plan(file(1, 1), DIR, "x").makeWay());
    Planner delete = new Planner(CopyOptions.builder().delete(true).build());
    assertEquals(MakeWay.REMOVE, delete.plan(file(1, 1), DIR, "x").makeWay());
    Action overFile = ARCHIVE.plan(DIR, file(1, 1), "x");
    assertEquals(
        MakeWay.REMOVE, overFile.makeWay(), "a file gives way to a directory, as in rsync");
    assertEquals("cd+++++++++", overFile.itemize(), "planned as new once the file is gone");
  }

  @Test
  void aDirectoryWithoutRecursionIsRefusedNamingIt() {
    Planner flat = new Planner(CopyOptions.builder().recursive(false).build());
    Action a = flat.plan(DIR, null, "photos");
    assertEquals(Step.REFUSE, a.step());
    assertTrue(a.reason().startsWith("photos: is a directory"), a.reason());
  }

  @Test
  void kindsTheOptionsLeaveOutAreSkippedWithAWarning() {
    Planner contentsOnly =
        new Planner(CopyOptions.builder().preserve(EnumSet.noneOf(Preserve.class)).build());
    assertEquals(Step.SKIP, contentsOnly.plan(LINK, null, "l").step());
    assertEquals(
        "skipping non-regular file (symlink)", contentsOnly.plan(LINK, null, "l").reason());
    assertEquals(Step.SKIP, contentsOnly.plan(FIFO, null, "p").step());
    assertEquals(Step.SYMLINK, ARCHIVE.plan(LINK, null, "l").step());
    assertEquals("cL+++++++++", ARCHIVE.plan(LINK, null, "l").itemize());
    assertEquals("cS+++++++++", ARCHIVE.plan(FIFO, null, "p").itemize());
    assertNull(
        ARCHIVE.plan(LINK, LINK, "l").itemize(),
        "an existing symlink's change is known only after readlink");
  }

  @Test
  void updateLeavesFilesThatAreNewerOnTheTarget() {
    Planner update = new Planner(CopyOptions.builder().update(true).build());
    assertEquals(
        Step.LEAVE, update.plan(file(10, 1), file(20, 2), "f").step(), "newer on the target");
    assertEquals(
        Step.COPY, update.plan(file(10, 3), file(20, 2), "f").step(), "older on the target");
    assertEquals(
        Step.COPY,
        update.plan(file(10, 2), file(20, 2), "f").step(),
        "same time, other size: copied, as rsync -u");
  }

  @Test
  void existingAndIgnoreExistingChooseWhatIsMade() {
    Planner existing = new Planner(CopyOptions.builder().existingOnly(true).build());
    assertEquals(Step.LEAVE, existing.plan(file(10, 1), null, "new").step());
    assertEquals(Step.LEAVE, existing.plan(DIR, null, "newdir").step(), "not made, not walked");
    assertEquals(Step.COPY, existing.plan(file(10, 2), file(10, 1), "old").step());
    Planner ignoreExisting = new Planner(CopyOptions.builder().ignoreExisting(true).build());
    assertEquals(Step.LEAVE, ignoreExisting.plan(file(10, 2), file(10, 1), "old").step());
    assertEquals(Step.COPY, ignoreExisting.plan(file(10, 2), null, "new").step());
    assertEquals(
        Step.DIRECTORY,
        ignoreExisting.plan(DIR, DIR, "d").step(),
        "existing directories are still walked");
  }

  @Test
  void sizeOnlyIgnoreTimesAndTheModifyWindowDecideWhatIsUpToDate() {
    Planner sizeOnly = new Planner(CopyOptions.builder().sizeOnly(true).build());
    assertEquals(Step.MAYBE_UP_TO_DATE, sizeOnly.plan(file(10, 5), file(10, 1), "f").step());
    assertEquals(Step.COPY, sizeOnly.plan(file(11, 1), file(10, 1), "f").step());
    Planner ignoreTimes = new Planner(CopyOptions.builder().ignoreTimes(true).build());
    assertEquals(Step.COPY, ignoreTimes.plan(file(10, 1), file(10, 1), "f").step());
    assertEquals(
        ">f.........",
        ignoreTimes.plan(file(10, 1), file(10, 1), "f").itemize(),
        "rsync -I shows no reason letter");
    Planner window =
        new Planner(CopyOptions.builder().modifyWindow(java.time.Duration.ofSeconds(2)).build());
    assertEquals(Step.MAYBE_UP_TO_DATE, window.plan(file(10, 3), file(10, 1), "f").step());
    assertEquals(Step.COPY, window.plan(file(10, 4), file(10, 1), "f").step());
  }

  @Test
  void aTargetThatIsTheSourceFileIsUpToDateWhateverTheOptions() {
    FileStat f = file(10, 1);
    Planner ignoreTimes =
        new Planner(CopyOptions.builder().ignoreTimes(true).inplace(true).build());
    assertEquals(
        Step.MAYBE_UP_TO_DATE,
        ignoreTimes.plan(f, f, "f").step(),
        "a hard link or bind mount of the source");
  }

  @Test
  void aDeltaUpdateNeverWritesIntoAFileWithOtherLinks() {
    FileStat big = file(8 << 20, 2);
    assertTrue(ARCHIVE.deltaCandidate(big, file(8 << 20, 1)));
    FileStat linked = stat(LibC.S_IFREG, 8 << 20, 1, 2);
    assertFalse(ARCHIVE.deltaCandidate(big, linked), "a cp -al snapshot shares it");
    assertTrue(
        new Planner(CopyOptions.builder().inplace(true).build()).deltaCandidate(big, linked),
        "unless --inplace");
    assertFalse(
        ARCHIVE.deltaCandidate(file(1000, 2), file(1000, 1)), "small files are copied whole");
  }

  /** rsync 3.5.0's answers, read from what rsync --safe-links copied of these very links. */
  @Test
  void symlinksOutsideTheTreeAreUnsafeAsRsyncDecides() {
    String[][] cases = {
      {"x", "l1", "safe"},
      {"x", "d/l2", "safe"},
      {"x", "d/e/l3", "safe"},
      {"../x", "l4", "unsafe"},
      {"../x", "d/l5", "safe"},
      {"../x", "d/e/l6", "safe"},
      {"../../x", "l7", "unsafe"},
      {"../../x", "d/l8", "unsafe"},
      {"../../x", "d/e/l9", "safe"},
      {"a/../x", "l10", "unsafe"},
      {"a/../x", "d/l11", "unsafe"},
      {"a/../x", "d/e/l12", "unsafe"},
      {"a/../../x", "l13", "unsafe"},
      {"a/../../x", "d/l14", "unsafe"},
      {"a/../../x", "d/e/l15", "unsafe"},
      {"./x", "l16", "safe"},
      {"./x", "d/l17", "safe"},
      {"./x", "d/e/l18", "safe"},
      {"./../x", "l19", "unsafe"},
      {"./../x", "d/l20", "unsafe"},
      {"./../x", "d/e/l21", "unsafe"},
      {"x/..", "l22", "unsafe"},
      {"x/..", "d/l23", "unsafe"},
      {"x/..", "d/e/l24", "unsafe"},
      {"x/../..", "l25", "unsafe"},
      {"x/../..", "d/l26", "unsafe"},
      {"x/../..", "d/e/l27", "unsafe"},
      {"a/b/../../x", "l28", "unsafe"},
      {"a/b/../../x", "d/l29", "unsafe"},
      {"a/b/../../x", "d/e/l30", "unsafe"},
      {"..", "l31", "unsafe"},
      {"..", "d/l32", "safe"},
      {"..", "d/e/l33", "safe"},
      {"../..", "l34", "unsafe"},
      {"../..", "d/l35", "unsafe"},
      {"../..", "d/e/l36", "unsafe"},
      {"d/../x", "l37", "unsafe"},
      {"d/../x", "d/l38", "unsafe"},
      {"d/../x", "d/e/l39", "unsafe"},
      {"..//x", "l40", "unsafe"},
      {"..//x", "d/l41", "safe"},
      {"..//x", "d/e/l42", "safe"},
      {"a/./../x", "l43", "unsafe"},
      {"a/./../x", "d/l44", "unsafe"},
      {"a/./../x", "d/e/l45", "unsafe"},
      {"a/..", "l46", "unsafe"},
      {"a/..", "d/l47", "unsafe"},
      {"a/..", "d/e/l48", "unsafe"},
      {"a/..", "l49", "unsafe"},
      {"a/..", "d/l50", "unsafe"},
      {"a/..", "d/e/l51", "unsafe"},
      {"../a/..", "l52", "unsafe"},
      {"../a/..", "d/l53", "unsafe"},
      {"../a/..", "d/e/l54", "unsafe"},
      {"x//..//x", "l55", "unsafe"},
      {"x//..//x", "d/l56", "unsafe"},
      {"x//..//x", "d/e/l57", "unsafe"},
    };
    for (String[] c : cases) {
      assertEquals(
          c[2].equals("unsafe"),
          Planner.unsafeSymlink(c[0].getBytes(java.nio.charset.StandardCharsets.UTF_8), c[1]),
          c[1] + " -> " + c[0]);
    }
    assertTrue(Planner.unsafeSymlink("/etc/passwd".getBytes(), "link"));
    assertTrue(Planner.unsafeSymlink(new byte[0], "link"));
  }
}
