// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cp's long options, each run by cp and by fxcp on identical inputs and the two results compared
 * (by rsync, or by the one attribute the option is about). cp's -t and -T are rsync's --times and
 * --temp-dir in fxcp, which follows rsync's letters where the two disagree.
 */
class CpHabitsTest {
  @TempDir Path tmp;
  Path src;

  @BeforeEach
  void tree() throws IOException {
    Prerequisites.requireCommand("rsync");
    src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("dir/sub"));
    Files.writeString(src.resolve("dir/sub/f"), "f");
    Files.writeString(src.resolve("x"), "x");
    Files.setPosixFilePermissions(src.resolve("x"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.setLastModifiedTime(src.resolve("x"), FileTime.fromMillis(1_000_000_000_000L));
    Files.createSymbolicLink(src.resolve("link"), Path.of("x"));
  }

  @Test
  void targetDirectoryTakesEveryOperandAsASource() throws IOException {
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));
    Path ours = Files.createDirectories(tmp.resolve("ours"));
    Shell.run("cp", "-a", "-t", theirs.toString(), src + "/dir", src + "/x", src + "/link").check();
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp(
            "-a", "--target-directory", ours.toString(), src + "/dir", src + "/x", src + "/link");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours));

    FxcpCommandTest.Run missing =
        FxcpCommandTest.fxcp("-a", "--target-directory", tmp + "/nope", src + "/x");
    assertEquals(2, missing.exit());
    assertEquals(
        List.of(
            "fxcp: --target-directory "
                + tmp
                + "/nope: not a directory (make it first, or name it as the last operand)"),
        missing.errLines());
    assertFalse(Files.exists(tmp.resolve("nope")), "nothing made");
  }

  @Test
  void noTargetDirectoryMakesDestTheCopy() throws IOException {
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));
    Path ours = Files.createDirectories(tmp.resolve("ours"));
    Shell.run("cp", "-aT", src + "/dir", theirs.toString()).check();
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp("-a", "--no-target-directory", src + "/dir", ours + "/");
    assertEquals(0, r.exit(), r.err());
    assertTrue(Files.exists(ours.resolve("sub/f")), "contents, not dir/ inside");
    assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours));

    // a file onto a directory: cp refuses, and so does fxcp, leaving it alone
    Shell.Result cp = Shell.run("cp", "-aT", src + "/x", theirs.toString());
    assertNotEquals(0, cp.exitCode());
    FxcpCommandTest.Run refused =
        FxcpCommandTest.fxcp("-a", "--no-target-directory", src + "/x", ours.toString());
    assertEquals(2, refused.exit());
    assertEquals(
        List.of(
            "fxcp: "
                + ours
                + ": a directory, which --no-target-directory will not replace with "
                + src
                + "/x (as cp)"),
        refused.errLines());
    assertTrue(Files.isDirectory(ours.resolve("sub")));

    FxcpCommandTest.Run three =
        FxcpCommandTest.fxcp("-a", "--no-target-directory", src + "/x", src + "/dir", ours + "/y");
    assertEquals(2, three.exit());
    assertEquals(
        List.of("fxcp: --no-target-directory takes one source and DEST, got 3 operands"),
        three.errLines());
  }

  @Test
  void preserveAndNoPreserveKeepWhatCpKeeps() throws IOException {
    // a plain copy of a file with mode and times kept (cp --preserve=mode,timestamps)
    Shell.run("cp", "--preserve=mode,timestamps", src + "/x", tmp + "/theirs-x").check();
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp("--preserve=mode,timestamps", src + "/x", tmp + "/ours-x");
    assertEquals(0, r.exit(), r.err());
    assertEquals(modeAndTime(tmp.resolve("theirs-x")), modeAndTime(tmp.resolve("ours-x")));
    assertEquals("rwxr-x---", modeAndTime(tmp.resolve("ours-x")).get(0));

    // --preserve alone: mode, ownership, timestamps
    Shell.run("cp", "--preserve", src + "/x", tmp + "/theirs-y").check();
    assertEquals(0, FxcpCommandTest.fxcp("--preserve", src + "/x", tmp + "/ours-y").exit());
    assertEquals(modeAndTime(tmp.resolve("theirs-y")), modeAndTime(tmp.resolve("ours-y")));

    // -a without timestamps: the copies' times are the time of the copy, as cp's
    Shell.run("cp", "-a", "--no-preserve=timestamps", src + "/x", tmp + "/theirs-z").check();
    FxcpCommandTest.Run z =
        FxcpCommandTest.fxcp("-a", "--no-preserve=timestamps", src + "/x", tmp + "/ours-z");
    assertEquals(0, z.exit(), z.err());
    assertNotEquals(
        Files.getLastModifiedTime(src.resolve("x")),
        Files.getLastModifiedTime(tmp.resolve("ours-z")));
    assertEquals(
        modeAndTime(tmp.resolve("theirs-z")).get(0), modeAndTime(tmp.resolve("ours-z")).get(0));

    for (String bad : List.of("--preserve=colour", "--no-preserve=mode,nope")) {
      FxcpCommandTest.Run b = FxcpCommandTest.fxcp(bad, src + "/x", tmp + "/bad");
      assertEquals(2, b.exit());
      assertEquals(1, b.errLines().size(), b.err());
      assertTrue(
          b.err().contains("is not one of mode, ownership, timestamps, links, xattr, all"),
          b.err());
      assertFalse(Files.exists(tmp.resolve("bad")));
    }
  }

  /**
   * --sparse as cp, beside cp on the same files: always makes a hole for each block of zeros
   * (written or not), never writes holes as zeros, auto keeps the source's holes and no more. The
   * contents are the same in every mode, and each file takes the space cp's copy takes.
   */
  @Test
  void sparseAsCp() throws IOException {
    Path zeros = src.resolve("zeros"); // zeros written around data: no hole in the source
    Shell.run(
            "sh",
            "-c",
            "head -c 1048576 /dev/zero >\"$1\"; printf data >>\"$1\"; head -c 1048576 /dev/zero"
                + " >>\"$1\"",
            "sh",
            zeros.toString())
        .check();
    Path holes = src.resolve("holes"); // holes around data
    Shell.run(
            "sh",
            "-c",
            "truncate -s 1M \"$1\"; printf data >>\"$1\"; truncate -s 3M \"$1\"",
            "sh",
            holes.toString())
        .check();
    for (String when : List.of("auto", "always", "never")) {
      Path theirs = tmp.resolve("cp-" + when);
      Path ours = tmp.resolve("fx-" + when);
      Shell.run("cp", "-a", "--sparse=" + when, src.toString(), theirs.toString()).check();
      FxcpCommandTest.Run r = FxcpCommandTest.fxcp("-a", "--sparse=" + when, src + "/", ours + "");
      assertEquals(0, r.exit(), when + ": " + r.err());
      assertEquals(List.of(), Oracles.rsyncDifferences(theirs, ours), when);
      for (String f : List.of("zeros", "holes")) {
        assertEquals(allocated(theirs.resolve(f)), allocated(ours.resolve(f)), when + ": " + f);
      }
    }
    assertTrue(allocated(tmp.resolve("fx-always/zeros")) < 64 << 10, "holes made for zeros");
    assertTrue(allocated(tmp.resolve("fx-never/holes")) >= 3 << 20, "holes filled");
    FxcpCommandTest.Run bad =
        FxcpCommandTest.fxcp("-a", "--sparse=sometimes", src + "/", tmp + "/t");
    assertEquals(2, bad.exit());
    assertEquals(
        List.of("fxcp: --sparse=sometimes: give auto, always or never (as cp)"), bad.errLines());
    FxcpCommandTest.Run both =
        FxcpCommandTest.fxcp("-a", "--sparse=never", "--reflink=always", src + "/", tmp + "/t");
    assertEquals(2, both.exit());
    assertTrue(both.err().contains("cannot be used with it"), both.err());
    assertFalse(Files.exists(tmp.resolve("t")));
  }

  /** Bytes a file takes on disk. */
  private static long allocated(Path p) {
    return 512
        * Long.parseLong(Shell.run("stat", "-c", "%b", p.toString()).check().stdout().strip());
  }

  /** --reflink as cp: always shares extents, never copies bytes, on a filesystem that can share. */
  @Test
  void reflinkAlwaysSharesAndNeverCopies() throws IOException {
    Prerequisites.requireCommand("filefrag");
    Path fs = LoopFilesystems.freshDir(LoopFilesystems.Kind.BTRFS, "cli-cp", "reflink");
    Path big = fs.resolve("big");
    Shell.run("dd", "if=/dev/urandom", "of=" + big, "bs=1M", "count=4", "status=none").check();
    Shell.run("sync", big.toString()).check();
    Shell.run("cp", "--reflink=always", big.toString(), fs + "/theirs").check();
    assertTrue(Oracles.sharesAllExtents(fs.resolve("theirs")), "cp shares");

    FxcpCommandTest.Run always =
        FxcpCommandTest.fxcp("-a", "--reflink=always", big.toString(), fs + "/always");
    assertEquals(0, always.exit(), always.err());
    Shell.run("sync", fs + "/always").check();
    assertTrue(Oracles.sharesAllExtents(fs.resolve("always")), "--reflink=always shares");

    FxcpCommandTest.Run bare =
        FxcpCommandTest.fxcp("-a", "--reflink", big.toString(), fs + "/bare");
    assertEquals(0, bare.exit(), bare.err());

    FxcpCommandTest.Run never =
        FxcpCommandTest.fxcp("-a", "--reflink=never", big.toString(), fs + "/never");
    assertEquals(0, never.exit(), never.err());
    Shell.run("sync", fs + "/never").check();
    assertFalse(Oracles.sharesAllExtents(fs.resolve("never")), "--reflink=never copies bytes");
    assertEquals(
        0,
        Shell.run("cmp", big.toString(), fs + "/never").exitCode(),
        "the same bytes all the same");

    FxcpCommandTest.Run wrong =
        FxcpCommandTest.fxcp("-a", "--reflink=sometimes", big.toString(), fs + "/w");
    assertEquals(2, wrong.exit());
    assertEquals(
        List.of("fxcp: --reflink=sometimes: use always, auto or never (as cp)"), wrong.errLines());
  }

  private static List<String> modeAndTime(Path p) throws IOException {
    return List.of(
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
        Files.getLastModifiedTime(p).toString());
  }
}
