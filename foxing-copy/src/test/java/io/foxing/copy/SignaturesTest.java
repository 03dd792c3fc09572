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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * --generate-sigs: every target file carries a fresh signature of its contents, kept fresh by later
 * runs.
 */
class SignaturesTest {
  private static CopyReport copy(Path src, Path dst) throws IOException {
    return SmartCopier.to(dst.toString(), CopyOptions.builder().generateSignatures(true).build())
        .copy(List.of(src + "/"), CopyListener.NONE);
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      // big-link: a sidecar signature belongs to the name it was written for (an xattr to the
      // inode)
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/.foxing_meta/"))
          .filter(p -> !p.getFileName().toString().equals("big-link"))
          .sorted()
          .toList();
    }
  }

  @Test
  void targetsCarryFreshSignaturesAcrossRuns() throws IOException {
    Path src = LoopFilesystems.freshDir(LoopFilesystems.Kind.BTRFS, "a", "sig-src");
    Path dst = LoopFilesystems.get(LoopFilesystems.Kind.XFS, "a").resolve("sig-dst");
    Shell.run("rm", "-rf", dst.toString()).check();
    Shell.bash(
            "cd \"$1\" && mkdir d && : > d/empty && echo small > d/small && head -c 3000000 /dev/urandom > big && ln big big-link",
            src.toString())
        .check();

    CopyReport first = copy(src, dst);
    assertEquals(List.of(), first.failures());
    assertEquals(
        3, first.signaturesWritten(), "empty, small, big; the hard link shares big's inode");
    for (Path f : files(dst)) {
      FileSignature stored =
          SignatureStore.readFresh(f)
              .orElseThrow(() -> new AssertionError("no fresh signature on " + f));
      assertEquals(FileSignature.compute(f), stored, f.toString());
    }
    // the signature xattr is ours: rsync -X must find nothing else different
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

    assertEquals(
        0, copy(src, dst).signaturesWritten(), "unchanged: the signatures are still fresh");

    Shell.bash("cd \"$1\" && echo grown >> d/small", src.toString()).check();
    CopyReport third = copy(src, dst);
    assertEquals(1, third.filesCopied());
    assertEquals(1, third.signaturesWritten());
    assertTrue(SignatureStore.readFresh(dst.resolve("d/small")).isPresent());
    assertEquals(
        FileSignature.compute(dst.resolve("d/small")),
        SignatureStore.readFresh(dst.resolve("d/small")).get());

    // a file deleted at the source goes from the target with --delete, and so does its sidecar
    // signature
    assertTrue(Files.exists(dst.resolve(".foxing_meta/big.fxsig")), "big's signature is a sidecar");
    Shell.bash("cd \"$1\" && rm big big-link", src.toString()).check();
    CopyReport fourth =
        SmartCopier.to(
                dst.toString(), CopyOptions.builder().generateSignatures(true).delete(true).build())
            .copy(List.of(src + "/"), CopyListener.NONE);
    assertEquals(List.of(), fourth.failures());
    assertTrue(Files.notExists(dst.resolve("big")));
    assertTrue(Files.notExists(dst.resolve(".foxing_meta/big.fxsig")), "no orphan signature left");
  }
}
