// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.Change;
import io.foxing.api.Copier;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.FilterRules;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Copier} promises, whatever its target: written once, run against each
 * implementation by subclassing (the local engine in {@code LocalCopierContractTest}, {@code
 * nfs://} against ganesha in {@code NfsCopierContractTest}). The oracle is rsync on the target's
 * directory.
 */
public abstract class CopierContract {
  @TempDir protected Path tmp;

  /**
   * A copier into {@code sub} of the implementation's target area (opened the way an application
   * opens it).
   */
  protected abstract Copier copier(String sub, CopyOptions options) throws Exception;

  /** Where {@code sub} of the target area is on disk, for the oracle. */
  protected abstract Path onDisk(String sub);

  /**
   * Makes a file in the target area as another client of it would (so the target sees it at once).
   */
  protected void makeOnTarget(String relPath, String contents) throws Exception {
    Path p = onDisk(relPath);
    Files.createDirectories(p.getParent());
    Files.writeString(p, contents);
  }

  /** Changes the permissions of an entry in the target area as another client of it would. */
  protected void chmodOnTarget(String relPath, int mode) throws Exception {
    Files.setPosixFilePermissions(
        onDisk(relPath), java.nio.file.attribute.PosixFilePermissions.fromString(perms(mode)));
  }

  private static String perms(int mode) {
    StringBuilder b = new StringBuilder();
    for (int bit = 8; bit >= 0; bit--) {
      b.append((mode & (1 << bit)) == 0 ? '-' : "rwx".charAt(2 - bit % 3));
    }
    return b.toString();
  }

  /**
   * What {@code rsync -aniH --delete src/ dst/} lists (no -A/-X: not every target carries them).
   */
  protected List<String> differences(Path src, Path dst) {
    Prerequisites.requireCommand("rsync");
    return Shell.run("rsync", "-aniH", "--delete", src + "/", dst + "/")
        .check()
        .stdout()
        .lines()
        .filter(l -> !l.isBlank())
        .toList();
  }

  /** A small tree: files of several sizes, a non-ASCII name, a hard link, an empty directory. */
  protected Path tree() {
    Path src = tmp.resolve("src");
    Shell.bash(
            """
        set -e; d="$1"
        mkdir -p "$d/sub/deeper" "$d/empty"
        printf 'alpha\\n' > "$d/a.txt"
        head -c 100000 /dev/urandom > "$d/sub/b.bin"
        : > "$d/sub/deeper/zero"
        printf 'café' > "$d/café-au-lait.txt"
        printf 'plain' > "$d/cafe.txt"
        printf 'naïve' > "$d/sub/naïve-名前"
        ln "$d/a.txt" "$d/sub/a-link"
        touch -d '2001-02-03 04:05:06.123456789' "$d/a.txt"
        touch -d '2010-01-01 00:00:00' "$d/sub"
        """,
            src.toString())
        .check();
    return src;
  }

  private static CopyOptions archive() {
    return CopyOptions.archive();
  }

  @Test
  void contentsOfASourceBecomeAMissingTarget() throws Exception {
    Path src = tree();
    CopyReport r = copier("dst", archive()).copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(CopyReport.Status.SUCCESS, r.status(), r.toString());
    assertEquals(List.of(), differences(src, onDisk("dst")));
    assertEquals(1, r.hardLinks(), r.toString());
  }

  @Test
  void aNamedSourceBecomesAMissingTarget() throws Exception {
    Path src = tree();
    copier("copy", archive()).copy(List.of(src.toString()), CopyListener.NONE);
    assertFalse(Files.exists(onDisk("copy/src")), "cp -a SRC DST makes DST the copy, not DST/SRC");
    assertEquals(List.of(), differences(src, onDisk("copy")));
  }

  @Test
  void aNamedSourceGoesIntoAnExistingDirectory() throws Exception {
    Path src = tree();
    makeOnTarget("into/existing", "x");
    copier("into", archive()).copy(List.of(src.toString()), CopyListener.NONE);
    assertEquals(List.of(), differences(src, onDisk("into/src")));
    assertTrue(Files.exists(onDisk("into/existing")), "without --delete nothing else goes");
  }

  @Test
  void aRerunChangesNothing() throws Exception {
    Path src = tree();
    List<Change> first = new CopyOnWriteArrayList<>();
    copier("dst", archive()).copy(List.of(src + "/"), changes(first));
    assertTrue(first.contains(new Change(">f+++++++++", "a.txt", "")), first.toString());
    assertTrue(first.contains(new Change("cd+++++++++", "sub/", "")), first.toString());
    List<Change> second = new CopyOnWriteArrayList<>();
    CopyReport r = copier("dst", archive()).copy(List.of(src + "/"), changes(second));
    assertEquals(List.of(), second);
    assertEquals(0, r.filesCopied(), r.toString());
  }

  @Test
  void filtersMatchNamesAsBytesWhateverTheTarget() throws Exception {
    Path src = tree();
    CopyOptions o =
        archive().toBuilder().filters(FilterRules.builder().exclude("café*").build()).build();
    CopyReport r = copier("dst", o).copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(CopyReport.Status.SUCCESS, r.status(), r.toString());
    assertFalse(Files.exists(onDisk("dst/café-au-lait.txt")), "excluded by a non-ASCII pattern");
    assertTrue(Files.exists(onDisk("dst/cafe.txt")));
    assertEquals(1, r.excluded(), r.toString());
  }

  @Test
  void deleteRemovesWhatTheSourceLacksButNotWhatIsExcluded() throws Exception {
    Path src = tree();
    copier("dst", archive()).copy(List.of(src + "/"), CopyListener.NONE);
    makeOnTarget("dst/stale.txt", "stale");
    makeOnTarget("dst/sub/keep.log", "excluded, so protected");
    CopyOptions o =
        archive().toBuilder()
            .delete(true)
            .filters(FilterRules.builder().exclude("*.log").build())
            .build();
    List<Change> changes = new CopyOnWriteArrayList<>();
    CopyReport r = copier("dst", o).copy(List.of(src + "/"), changes(changes));
    // (the directories whose times the new files moved are set back too: .d..t...... as rsync
    // shows)
    assertEquals(
        List.of(new Change("*deleting  ", "stale.txt", "")),
        changes.stream().filter(c -> c.code().startsWith("*")).toList());
    assertEquals(1, r.deleted(), r.toString());
    assertTrue(Files.exists(onDisk("dst/sub/keep.log")));
  }

  @Test
  void rsyncsPlanningOptionsFollowTheSameRules() throws Exception {
    Path src = tree();
    copier("dst", archive()).copy(List.of(src + "/"), CopyListener.NONE);
    Shell.bash(
            "set -e; printf 'new contents' > \"$1/a.txt\"; printf 'brand new' > \"$1/new.txt\"",
            src.toString())
        .check();
    // --existing makes nothing new; --ignore-existing touches nothing that is there
    copier("dst", archive().toBuilder().existingOnly(true).build())
        .copy(List.of(src + "/"), CopyListener.NONE);
    assertFalse(Files.exists(onDisk("dst/new.txt")), "--existing");
    assertEquals(
        "new contents", Files.readString(onDisk("dst/a.txt")), "--existing updates what is there");
    Shell.bash("printf 'newer still' > \"$1/a.txt\"", src.toString()).check();
    copier("dst", archive().toBuilder().ignoreExisting(true).build())
        .copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(
        "brand new",
        Files.readString(onDisk("dst/new.txt")),
        "--ignore-existing makes what is missing");
    assertEquals("new contents", Files.readString(onDisk("dst/a.txt")), "--ignore-existing");
    // --max-delete keeps what it stops, and says so
    makeOnTarget("dst/stale1", "x");
    makeOnTarget("dst/stale2", "x");
    CopyReport r =
        copier("dst", archive().toBuilder().delete(true).maxDelete(1).build())
            .copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(1, r.deleted(), r.toString());
    assertEquals(CopyReport.Status.PARTIAL, r.status(), r.toString());
  }

  @Test
  void withoutPermissionsExistingEntriesKeepTheirs() throws Exception {
    Path src = tree();
    copier("dst", archive()).copy(List.of(src + "/"), CopyListener.NONE);
    chmodOnTarget("dst/a.txt", 0600);
    chmodOnTarget("dst/cafe.txt", 0640);
    chmodOnTarget("dst/sub", 0700);
    Shell.bash(
            "set -e; printf 'changed' > \"$1/a.txt\"; touch \"$1/cafe.txt\"; touch \"$1/sub/new\"",
            src.toString())
        .check();
    java.util.Set<io.foxing.api.Preserve> noMode = java.util.EnumSet.copyOf(archive().preserve());
    noMode.remove(io.foxing.api.Preserve.MODE);
    CopyReport r =
        copier("dst", archive().toBuilder().preserve(noMode).build())
            .copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(CopyReport.Status.SUCCESS, r.status(), r.toString());
    assertEquals("changed", Files.readString(onDisk("dst/a.txt")));
    // as rsync and cp without -p: a replaced file keeps the old one's mode, an updated entry its
    // own
    assertEquals("rw-------", perms(onDisk("dst/a.txt")));
    assertEquals("rw-r-----", perms(onDisk("dst/cafe.txt")));
    assertEquals("rwx------", perms(onDisk("dst/sub")));
  }

  private static String perms(Path p) throws IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aListenerThatThrowsChangesNothing() throws Exception {
    Path src = tree();
    CopyListener hostile =
        new CopyListener() {
          @Override
          public void copyStart(List<Path> sources, String target, CopyOptions options) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void fileEnd(String path, long bytes, String tier) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void changed(Change change) {
            throw new IllegalStateException("listener bug");
          }
        };
    CopyReport r = copier("dst", archive()).copy(List.of(src + "/"), hostile);
    assertEquals(CopyReport.Status.SUCCESS, r.status(), r.toString());
    assertEquals(List.of(), differences(src, onDisk("dst")));
  }

  @Test
  void aMissingSourceIsAFailureInTheReport() throws Exception {
    Path src = tree();
    CopyReport r =
        copier("dst", archive())
            .copy(List.of(src + "/", tmp.resolve("missing").toString()), CopyListener.NONE);
    assertEquals(CopyReport.Status.PARTIAL, r.status(), r.toString());
    assertEquals(1, r.failures().size(), r.toString());
    assertTrue(r.failures().get(0).path().endsWith("missing"), r.toString());
  }

  @Test
  void anInterruptedCopyIsCancelledAndLeavesNoDescriptorOpen() throws Exception {
    Path src = tmp.resolve("many");
    Shell.bash(
            "set -e; for i in $(seq 1 40); do mkdir -p \"$1/d$i\"; for j in $(seq 1 50); do echo $i$j > \"$1/d$i/f$j\"; done; done",
            src.toString())
        .check();
    copier("warm", archive())
        .copy(List.of(tree() + "/"), CopyListener.NONE); // classes loaded, pools made
    List<String> before = openDescriptors();
    Thread caller = Thread.currentThread();
    AtomicBoolean interrupted = new AtomicBoolean();
    CopyListener interrupter =
        new CopyListener() {
          @Override
          public void fileEnd(String path, long bytes, String tier) {
            if (interrupted.compareAndSet(false, true)) {
              caller.interrupt();
            }
          }
        };
    CopyReport r = copier("dst", archive()).copy(List.of(src + "/"), interrupter);
    assertTrue(Thread.interrupted(), "the caller's interrupt flag is set again on return");
    assertEquals(CopyReport.Status.CANCELLED, r.status(), r.toString());
    assertTrue(r.filesCopied() < 2000, r.toString());
    assertEquals(before, openDescriptors(), "descriptors open before and after the cancelled copy");
    // a rerun completes it
    CopyReport again = copier("dst", archive()).copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(CopyReport.Status.SUCCESS, again.status(), again.toString());
    assertEquals(List.of(), differences(src, onDisk("dst")));
  }

  /**
   * What each open descriptor of this process points to, sorted (the listing's own descriptor left
   * out).
   */
  private static List<String> openDescriptors() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.map(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                  return null; // the listing's own descriptor, closed by now
                }
              })
          .filter(java.util.Objects::nonNull)
          .sorted()
          .toList();
    }
  }

  private static CopyListener changes(List<Change> into) {
    return new CopyListener() {
      @Override
      public void changed(Change change) {
        into.add(change);
      }
    };
  }
}
