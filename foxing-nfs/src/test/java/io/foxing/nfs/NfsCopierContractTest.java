// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foxing.api.Copier;
import io.foxing.api.Copiers;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.copy.testing.CopierContract;
import io.foxing.nfs.testing.Ganesha;
import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The copier contract for {@code nfs://} targets: the same engine and rules as a local copy,
 * checked on ganesha's export directory. Each test works in its own directory of one export.
 */
class NfsCopierContractTest extends CopierContract {
  private static Ganesha ganesha;
  private static final AtomicInteger TESTS = new AtomicInteger();
  private String area;

  @BeforeAll
  static void startServer() throws Exception {
    Prerequisites.requireRoot("ganesha");
    ganesha = Ganesha.start(Files.createTempDirectory("foxing-nfs-contract"));
  }

  @AfterAll
  static void stopServer() {
    if (ganesha != null) {
      ganesha.close();
    }
  }

  @BeforeEach
  void ownArea() throws Exception {
    area = "t" + TESTS.incrementAndGet();
    try (NfsClient nfs = NfsClient.connect(ganesha.uri(""))) {
      nfs.mkdirs(area);
    }
  }

  @Override
  protected Copier copier(String sub, CopyOptions options) throws Exception {
    return Copiers.open(ganesha.uri(area + "/" + sub).toString(), options);
  }

  @Override
  protected Path onDisk(String sub) {
    return ganesha.exportDir().resolve(area).resolve(sub);
  }

  /**
   * Through the server: ganesha caches directories, so files made behind its back show up only
   * later.
   */
  @Override
  protected void makeOnTarget(String relPath, String contents) throws Exception {
    try (NfsClient nfs = NfsClient.connect(ganesha.uri(area))) {
      int slash = relPath.lastIndexOf('/');
      if (slash > 0) {
        nfs.mkdirs(relPath.substring(0, slash));
      }
      nfs.writeFile(relPath, contents.getBytes(StandardCharsets.UTF_8), NfsMetadata.NONE);
    }
  }

  @Override
  protected void chmodOnTarget(String relPath, int mode) throws Exception {
    try (NfsClient nfs = NfsClient.connect(ganesha.uri(area))) {
      nfs.setMetadata(relPath, NfsMetadata.builder().mode(mode).build());
    }
  }

  /**
   * NFS here carries no xattrs: each one of a copied file is in the report and warned about, never
   * dropped silently.
   */
  @Test
  void extendedAttributesItCannotCarryAreReported() throws Exception {
    Path src = tmp.resolve("x");
    Files.createDirectories(src);
    Files.writeString(src.resolve("f"), "data");
    Shell.run("setfattr", "-n", "user.colour", "-v", "blue", src.resolve("f").toString()).check();
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    CopyReport r =
        copier("dst", CopyOptions.archive())
            .copy(
                List.of(src + "/"),
                new CopyListener() {
                  @Override
                  public void warning(String path, String message) {
                    warnings.add(path + ": " + message);
                  }
                });
    assertEquals(java.util.Map.of("user.colour", 1L), r.xattrsNotPreserved(), r.toString());
    assertEquals(
        List.of("f: xattr user.colour not preserved: the target carries no extended attributes"),
        warnings);
    assertEquals("data", Files.readString(onDisk("dst/f")));
  }

  @Override
  protected List<String> differences(Path src, Path dst) {
    return NfsCopyTest.rsyncDifferences(src, dst);
  }
}
