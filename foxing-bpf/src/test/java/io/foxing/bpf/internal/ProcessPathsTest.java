// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Path resolution against a scripted /proc: what the events teach wins over /proc, and /proc is
 * asked only when needed.
 */
class ProcessPathsTest {
  private static final int AT_FDCWD = -100;
  private final Map<String, String> proc = new HashMap<>();
  private final ProcessPaths paths = new ProcessPaths(proc::get);

  @Test
  void relativeNamesFollowTheWorkingDirectoryAndDirectoryDescriptors() {
    proc.put("/proc/10/cwd", "/home/u");
    assertEquals("/home/u/a/b", paths.resolve(10, AT_FDCWD, "a/./b"));
    assertEquals("/etc/x", paths.resolve(10, AT_FDCWD, "/etc//x"));
    assertEquals("/home/x", paths.resolve(10, AT_FDCWD, "../x"));
    paths.changedDirectory(10, "/srv");
    assertEquals("/srv/f", paths.resolve(10, AT_FDCWD, "f"));
    paths.openedDirectory(10, 5, "/data/d");
    assertEquals("/data/d/g", paths.resolve(10, 5, "g"));
    assertEquals("/data/d", paths.resolve(10, 5, ""));
    assertEquals("/", ProcessPaths.normalize("/a/../.."));
  }

  @Test
  void unknownProcessesAndDescriptorsAreNullNotGuessed() {
    assertNull(paths.resolve(11, AT_FDCWD, "x"));
    assertNull(paths.fd(11, 3));
    proc.put("/proc/11/fd/1", "pipe:[1234]");
    assertNull(paths.fd(11, 1));
    proc.put("/proc/11/fd/4", "/tmp/gone (deleted)");
    assertNull(paths.fd(11, 4));
  }

  @Test
  void childrenInheritTheWorkingDirectoryAtFork() {
    paths.changedDirectory(1, "/work");
    paths.forked(1, 2);
    assertEquals("/work/f", paths.resolve(2, AT_FDCWD, "f"));
  }

  @Test
  void dupsCarryNamesAndExitReportsWrittenFilesOnly() {
    paths.opened(7, 3, "/t/out");
    paths.duplicated(7, 3, 1);
    paths.closed(7, 3);
    assertEquals("/t/out", paths.written(7, 1));
    paths.openedDirectory(7, 9, "/t");
    assertEquals(List.of("/t/out"), paths.exited(7));
    assertEquals(List.of(), paths.exited(7));
  }

  @Test
  void aReusedDirectoryDescriptorIsNotTakenForTheWrittenFile() {
    paths.openedDirectory(5, 3, "/r/d"); // closedir() is not traced
    proc.put("/proc/5/fd/3", "socket:[99]"); // the number now holds a socket
    assertNull(paths.written(5, 3));
    proc.put("/proc/5/fd/3", "/r/log");
    assertEquals("/r/log", paths.written(5, 3));
  }

  @Test
  void anExchangeSwapsBothNames() {
    paths.openedDirectory(4, 7, "/r/A");
    paths.openedDirectory(4, 8, "/r/B/sub");
    paths.exchanged("/r/A", "/r/B");
    assertEquals("/r/B/x", paths.resolve(4, 7, "x"));
    assertEquals("/r/A/sub/y", paths.resolve(4, 8, "y"));
  }

  @Test
  void renamesMoveOpenFilesAndWorkingDirectories() {
    paths.opened(3, 4, "/a/b/f");
    paths.changedDirectory(3, "/a/b");
    paths.renamed("/a", "/z");
    assertEquals("/z/b/f", paths.fd(3, 4));
    assertEquals("/z/b/g", paths.resolve(3, AT_FDCWD, "g"));
    paths.renamed("/z/b/f", "/z/b/f2");
    assertEquals("/z/b/f2", paths.fd(3, 4));
  }
}
