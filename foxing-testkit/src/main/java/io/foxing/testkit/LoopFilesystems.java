// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real filesystems for tests: loop-mounted btrfs and XFS images (real reflink) and a tmpfs (no
 * reflink, another device), made once per test JVM under {@code $FOXING_TEST_WORKDIR} (the module's
 * {@code target/it}) and unmounted when the JVM exits.
 */
public final class LoopFilesystems {
  /** A filesystem kind the tests can ask for. */
  public enum Kind {
    BTRFS("mkfs.btrfs"),
    XFS("mkfs.xfs"),
    TMPFS(null),
    /**
     * No extended attributes at all: the case where metadata cannot be kept and must be reported.
     */
    RAMFS(null);

    final String mkfs;

    Kind(String mkfs) {
      this.mkfs = mkfs;
    }
  }

  private static final Map<String, Path> MOUNTS = new LinkedHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(LoopFilesystems::unmountAll, "unmount-test-filesystems"));
  }

  private LoopFilesystems() {}

  private static Path workdir() {
    String w = System.getenv("FOXING_TEST_WORKDIR");
    return Path.of(w != null ? w : System.getProperty("java.io.tmpdir") + "/foxing-it")
        .toAbsolutePath();
  }

  /**
   * The mount point of filesystem {@code name} of {@code kind}, creating and mounting it on first
   * use. Skips (or fails under CI) without root or the mkfs tool.
   */
  public static synchronized Path get(Kind kind, String name) {
    String key = kind + "/" + name;
    Path existing = MOUNTS.get(key);
    if (existing != null) {
      return existing;
    }
    Prerequisites.requireRoot("mounting " + kind + " test filesystems");
    if (kind.mkfs != null) {
      Prerequisites.requireCommand(kind.mkfs);
    }
    try {
      Path dir = workdir().resolve("mnt-" + kind.name().toLowerCase() + "-" + name);
      Files.createDirectories(dir);
      Shell.run(
          "umount", "-l", dir.toString()); // a previous run that died may have left it mounted
      if (kind == Kind.TMPFS) {
        Shell.run("mount", "-t", "tmpfs", "-o", "size=768m", "tmpfs", dir.toString()).check();
      } else if (kind == Kind.RAMFS) {
        Shell.run("mount", "-t", "ramfs", "ramfs", dir.toString()).check();
      } else {
        Path img = workdir().resolve(kind.name().toLowerCase() + "-" + name + ".img");
        Files.deleteIfExists(img);
        Shell.run("truncate", "-s", "1536M", img.toString()).check();
        Shell.run(kind.mkfs, "-q", "-f", img.toString()).check();
        Shell.Result m = Shell.run("mount", "-o", "loop", img.toString(), dir.toString());
        Prerequisites.require(
            m.exitCode() == 0, "cannot loop-mount " + kind + ": " + m.stderr().strip());
      }
      MOUNTS.put(key, dir);
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A fresh, empty directory on filesystem {@code name} of {@code kind}. */
  public static Path freshDir(Kind kind, String name, String dir) {
    Path d = get(kind, name).resolve(dir);
    Shell.run("rm", "-rf", d.toString()).check();
    try {
      Files.createDirectories(d);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return d;
  }

  private static synchronized void unmountAll() {
    for (Path p : MOUNTS.values()) {
      Shell.run("umount", "-l", p.toString());
    }
    MOUNTS.clear();
  }
}
