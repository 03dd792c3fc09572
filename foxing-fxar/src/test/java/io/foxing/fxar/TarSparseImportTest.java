// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Oracles;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse files in every layout GNU tar writes ({@code tar -S}: old GNU, and PAX 0.0, 0.1, 1.0) come
 * back byte for byte and still sparse. GNU tar itself writes the archives.
 */
class TarSparseImportTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"gnu", "0.0", "0.1", "1.0"})
  void sparseMembersComeBackExactAndSparse(String layout) throws IOException {
    Prerequisites.requireCommand("tar");
    Path src = Files.createDirectories(tmp.resolve("src"));
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse").toFile(), "rw")) {
      f.setLength(64L << 20); // 64 MiB with three islands of data, one at each end
      for (long at : new long[] {0, 30L << 20, (64L << 20) - 5}) {
        f.seek(at);
        f.write("data!".getBytes());
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(src.resolve("hole-at-end").toFile(), "rw")) {
      f.write("head".getBytes());
      f.setLength(8L << 20);
    }
    Files.writeString(src.resolve("plain"), "plain");
    Path tar = tmp.resolve("a.tar");
    List<String> format =
        layout.equals("gnu")
            ? List.of("--format=gnu")
            : List.of("--format=posix", "--sparse-version=" + layout);
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("tar", "-S", "-cf", tar.toString(), "-C", src.toString()));
    cmd.addAll(format);
    cmd.add(".");
    Shell.run(cmd.toArray(new String[0])).check();
    Path dst = tmp.resolve("dst");
    Snapshots.Result r;
    try (InputStream in = Files.newInputStream(tar)) {
      r = Snapshots.importArchive(in, dst, FxarOptions.defaults());
    }
    assertEquals(List.of(), r.failures(), layout);
    for (String name : new String[] {"sparse", "hole-at-end", "plain"}) {
      assertEquals(-1, Files.mismatch(src.resolve(name), dst.resolve(name)), layout + ": " + name);
    }
    assertTrue(
        Oracles.blocks(dst.resolve("sparse")) < 1024,
        layout + ": holes kept, " + Oracles.blocks(dst.resolve("sparse")) + " blocks");
  }
}
