// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.merkle.FileSignature;
import io.foxing.merkle.SignatureStore;
import io.foxing.testkit.LoopFilesystems;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A later copy uses the target's signatures: a large file with few changed chunks is updated in
 * place, only those chunks written, and ends byte for byte equal with a fresh signature again.
 */
class DeltaCopyTest {
  private static CopyReport copy(Path src, Path dst, boolean sign, CopyListener listener)
      throws IOException {
    return SmartCopier.to(dst.toString(), CopyOptions.builder().generateSignatures(sign).build())
        .copy(List.of(src + "/"), listener);
  }

  @Test
  void randomEditsAreDeltaCopiedAndTheTargetEqualsTheSource() throws IOException {
    Path src = LoopFilesystems.freshDir(LoopFilesystems.Kind.BTRFS, "a", "delta-src");
    Path dst = LoopFilesystems.get(LoopFilesystems.Kind.XFS, "a").resolve("delta-dst");
    Shell.run("rm", "-rf", dst.toString()).check();
    Random r = new Random(7);
    String[] names = {"inplace", "append", "truncate", "many"};
    for (String n : names) {
      byte[] b = new byte[8 << 20]; // 1,024 chunks of 8 KiB
      r.nextBytes(b);
      Files.write(src.resolve(n), b);
    }
    assertEquals(4, copy(src, dst, true, CopyListener.NONE).signaturesWritten());

    try (RandomAccessFile f = new RandomAccessFile(src.resolve("inplace").toFile(), "rw")) {
      for (int i = 0; i < 5; i++) { // 5 random 4 KiB edits: at most 5 dirty chunks
        f.seek(r.nextInt((8 << 20) - 4096));
        byte[] p = new byte[4096];
        r.nextBytes(p);
        f.write(p);
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("append").toFile(), "rw")) {
      f.seek(f.length());
      f.write(new byte[1000]); // 8 MiB + 1000: same 8 KiB chunks, the tail is dirty
    }
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("truncate").toFile(), "rw")) {
      f.setLength((8 << 20) - 100_000);
    }
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("many").toFile(), "rw")) {
      byte[] p = new byte[5 << 20]; // 5 MiB of 8 rewritten: more than half dirty, so a whole copy
      r.nextBytes(p);
      f.write(p);
    }

    List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    CopyReport again =
        copy(
            src,
            dst,
            false,
            new CopyListener() {
              @Override
              public void changed(io.foxing.api.Change change) {
                changes.add(change.itemizeLine());
              }
            });
    assertEquals(
        4,
        changes.stream().filter(l -> l.startsWith(">f")).count(),
        "one change line per file: " + changes);
    assertEquals(List.of(), again.failures());
    assertEquals(4, again.filesCopied());
    assertEquals(3, again.deltaFiles(), "inplace, append and truncate: " + again.filesByTier());
    assertTrue(
        again.deltaBytesSaved() > 14L << 20,
        "most of two 8 MiB files not rewritten: " + again.deltaBytesSaved());
    for (String n : names) {
      assertEquals(-1, Files.mismatch(src.resolve(n), dst.resolve(n)), n + " differs");
    }
    for (String n : new String[] {"inplace", "append", "truncate"}) {
      assertEquals(
          FileSignature.compute(dst.resolve(n)),
          SignatureStore.readFresh(dst.resolve(n)).orElseThrow(),
          n);
    }
    String diff =
        Shell.run(
                "rsync",
                "-aniHAX",
                "--delete",
                "--filter=-x user.foxing.*",
                "--filter=-x trusted.SGI_ACL_*",
                "--exclude=.foxing_meta/",
                src + "/",
                dst + "/")
            .check()
            .stdout();
    assertEquals("", diff);
  }
}
