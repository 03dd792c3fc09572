// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many small files, each a copy of one a little earlier: the streaming importer reads every
 * duplicate back from the file it restored first, while that file may be completing on another
 * thread. This is the race that once left files full of zeros (a read from a channel closed under
 * it, whose exception had no message and so counted as success).
 */
class DuplicateImportTest {
  @TempDir Path tmp;

  /**
   * Chunks of zeros are not written: they come back as holes, and references to them still read
   * zeros.
   */
  @org.junit.jupiter.api.Test
  void zeroChunksComeBackAsHoles() throws IOException {
    byte[] tail = Archives.random(new Random(5), 100_000);
    byte[] mixed = new byte[(8 << 20) + tail.length]; // 8 MiB of zeros, then data
    System.arraycopy(tail, 0, mixed, 8 << 20, tail.length);
    byte[][] contents = {new byte[6 << 20], new byte[6 << 20], mixed};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FxarWriter w = new FxarWriter(out, FxarOptions.defaults())) {
      w.add(Archives.dir("."));
      for (int i = 0; i < contents.length; i++) {
        w.addFile(
            Archives.file("z" + i, contents[i].length),
            Channels.newChannel(new ByteArrayInputStream(contents[i])));
      }
      w.finish();
    }
    Snapshots.Result result =
        Snapshots.importArchive(
            new ByteArrayInputStream(out.toByteArray()), tmp.resolve("d"), FxarOptions.defaults());
    assertEquals(List.of(), result.failures());
    for (int i = 0; i < contents.length; i++) {
      Path p = tmp.resolve("d/z" + i);
      assertArrayEquals(contents[i], Files.readAllBytes(p), p.toString());
      long allocated =
          Long.parseLong(
                  io.foxing.testkit.Shell.run("stat", "-c", "%b", p.toString())
                      .check()
                      .stdout()
                      .strip())
              * 512;
      assertTrue(allocated < (1 << 20), p + " has " + allocated + " bytes allocated");
    }
  }

  @RepeatedTest(3)
  void everyDuplicateComesBackWhole() throws IOException {
    Random r = new Random(11);
    int n = 3000;
    byte[][] contents = new byte[n][];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (FxarWriter w = new FxarWriter(out, FxarOptions.defaults())) {
      w.add(Archives.dir("."));
      for (int i = 0; i < n; i++) {
        contents[i] =
            i % 2 == 1 && r.nextBoolean()
                ? contents[i - 1 - r.nextInt(Math.min(i, 5))]
                : Archives.random(r, 50 + r.nextInt(3000));
        w.addFile(
            Archives.file("f" + i, contents[i].length),
            Channels.newChannel(new ByteArrayInputStream(contents[i])));
      }
      w.finish();
    }
    Snapshots.Result result =
        Snapshots.importArchive(
            new ByteArrayInputStream(out.toByteArray()), tmp.resolve("d"), FxarOptions.defaults());
    assertEquals(List.of(), result.failures());
    for (int i = 0; i < n; i++) {
      assertArrayEquals(contents[i], Files.readAllBytes(tmp.resolve("d/f" + i)), "f" + i);
    }
  }
}
