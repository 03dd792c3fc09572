// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk every whole-tree pass but the copy shares: depth without recursion, symlinks as entries,
 * descriptors given back.
 */
class TreeWalkerTest {

  private static int openDescriptors() {
    return new File("/proc/self/fd").list().length;
  }

  private static int open(Path dir) throws Exception {
    return Posix.openPath(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY, dir.toString());
  }

  @Test
  void walksInByteOrderWithoutFollowingSymlinks(@TempDir Path dir) throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "not ours");
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("b/c"));
    Files.writeString(root.resolve("b/c/f"), "x");
    Files.writeString(root.resolve("a"), "y");
    Files.createSymbolicLink(root.resolve("b/out"), outside);
    Files.writeString(root.resolve("Z"), "upper case sorts first, as bytes do");

    List<String> seen = new ArrayList<>();
    int fd = open(root);
    try {
      TreeWalker.walk(
          fd,
          root.toString(),
          true,
          e -> {
            seen.add(
                new String(e.path(), StandardCharsets.UTF_8)
                    + (e.stat().isDirectory() ? "/" : "")
                    + ":"
                    + e.depth());
            return true;
          });
    } finally {
      Posix.close(fd);
    }
    assertEquals(
        List.of("Z:1", "a:1", "b/:1", "b/c/:2", "b/c/f:3", "b/out:2"),
        seen,
        "the symlink is an entry, never walked into");
  }

  @Test
  void anyDepthInConstantStackAndEveryDescriptorGivenBack(@TempDir Path dir) throws Exception {
    // deeper than a recursive walk survives on a small thread stack; one descriptor per level
    int levels = 3000;
    byte[] d = Posix.cstr(new byte[] {'d'});
    int fd = open(dir);
    for (int i = 0; i < levels; i++) { // by descriptors: a shell's cd grows quadratic this deep
      Posix.mkdirat(fd, d, 0755, "level " + i);
      int next = Posix.openat(fd, d, LibC.O_RDONLY | LibC.O_DIRECTORY, 0, "level " + i);
      Posix.close(fd);
      fd = next;
    }
    Posix.close(fd);
    int before = openDescriptors();
    long[] count = {0};
    int[] maxDepth = {0};
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                int root = open(dir);
                try {
                  TreeWalker.walk(
                      root,
                      dir.toString(),
                      false,
                      e -> {
                        count[0]++;
                        maxDepth[0] = Math.max(maxDepth[0], e.depth());
                        return true;
                      });
                } finally {
                  Posix.close(root);
                }
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            },
            "small-stack",
            256 * 1024);
    t.start();
    t.join();
    assertEquals(levels, count[0]);
    assertEquals(levels, maxDepth[0]);
    assertEquals(before, openDescriptors(), "every directory descriptor closed");
    new ProcessBuilder("rm", "-rf", dir.resolve("d").toString()).start().waitFor();
  }

  @Test
  void aDirectoryPassedOverIsNotWalkedAndAFailureCanBeLetGo(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("skip/inner"));
    Files.createDirectories(dir.resolve("keep"));
    Files.writeString(dir.resolve("keep/f"), "x");
    Files.writeString(dir.resolve("keep/g"), "y");
    List<String> seen = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    // the error's class is loaded before counting: its jar, opened on first use, stays open
    assertEquals("EACCES", Posix.error("read", "x", Posix.EACCES).errnoName());
    int before = openDescriptors();
    int fd = open(dir);
    try {
      TreeWalker.walk(
          fd,
          dir.toString(),
          true,
          new TreeWalker.Visitor() {
            @Override
            public boolean visit(TreeWalker.Entry e) throws java.io.IOException {
              String path = new String(e.path(), StandardCharsets.UTF_8);
              if (path.equals("keep/f")) {
                throw Posix.error("read", e.where(), Posix.EACCES);
              }
              seen.add(path);
              return !path.equals("skip");
            }

            @Override
            public void failed(String where, io.foxing.api.ErrnoException e) {
              failed.add(where.substring(dir.toString().length()) + " " + e.errnoName());
            }
          });
    } finally {
      Posix.close(fd);
    }
    assertEquals(List.of("keep", "keep/g", "skip"), seen);
    assertEquals(List.of("/keep/f EACCES"), failed, "reported with its path, and the walk went on");
    assertEquals(before, openDescriptors());
  }
}
