// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fxcp sum prints exactly what b3sum prints, and each checks the other's lists. */
class SumCommandTest {
  @TempDir Path tmp;
  String[] files;

  @BeforeEach
  void files() throws IOException {
    Prerequisites.requireCommand("b3sum");
    Random r = new Random(5);
    String[] names = {"empty", "small", "with space", "back\\slash", "new\nline", "large"};
    int[] sizes = {0, 100, 4097, 10, 1025, 3 << 20};
    files = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      byte[] b = new byte[sizes[i]];
      r.nextBytes(b);
      Path p = tmp.resolve(names[i]);
      Files.write(p, b);
      files[i] = p.toString();
    }
  }

  private String b3sum(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "b3sum";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Shell.run(cmd).check().stdout();
  }

  private static String[] with(String[] head, String... tail) {
    String[] all = new String[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  @Test
  void outputIsByteForByteB3sums() {
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp(with(new String[] {"sum"}, files));
    assertEquals(0, r.exit(), r.err());
    assertEquals(b3sum(files), r.out());
  }

  @Test
  void lengthAndDeriveKeyMatchB3sum() {
    assertEquals(
        b3sum(with(new String[] {"--length", "77"}, files)),
        FxcpCommandTest.fxcp(with(new String[] {"sum", "--length", "77"}, files)).out());
    assertEquals(
        b3sum(with(new String[] {"--derive-key", "foxing 2026 test"}, files)),
        FxcpCommandTest.fxcp(with(new String[] {"sum", "--derive-key", "foxing 2026 test"}, files))
            .out());
  }

  @Test
  void keyedModeMatchesB3sumWhichReadsTheKeyFromStdin() throws IOException {
    Path key = tmp.resolve("key");
    Files.write(key, "0123456789abcdef0123456789abcdef".getBytes());
    String expected =
        Shell.run("bash", "-c", "b3sum --keyed \"$1\" < \"$2\"", "bash", files[1], key.toString())
            .check()
            .stdout();
    assertEquals(expected, FxcpCommandTest.fxcp("sum", "--keyed", key.toString(), files[1]).out());
    Files.write(key, new byte[5]);
    FxcpCommandTest.Run bad = FxcpCommandTest.fxcp("sum", "--keyed", key.toString(), files[1]);
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("exactly 32 raw bytes"), bad.err());
  }

  @Test
  void checkModeReadsB3sumListsAndReportsMismatches() throws IOException {
    Path list = tmp.resolve("list.b3");
    Files.writeString(list, b3sum(files));
    FxcpCommandTest.Run ok = FxcpCommandTest.fxcp("sum", "-c", list.toString());
    assertEquals(0, ok.exit(), ok.err());
    assertEquals(files.length, ok.out().lines().filter(l -> l.endsWith(": OK")).count(), ok.out());
    Files.write(Path.of(files[1]), new byte[] {1, 2, 3});
    FxcpCommandTest.Run bad = FxcpCommandTest.fxcp("sum", "-c", list.toString());
    assertEquals(1, bad.exit());
    assertTrue(bad.out().contains(files[1] + ": FAILED"), bad.out());
    assertTrue(bad.err().contains("1 computed checksum did NOT match"), bad.err());
    // and b3sum checks a list fxcp made
    Path ours = tmp.resolve("ours.b3");
    Files.writeString(ours, FxcpCommandTest.fxcp(with(new String[] {"sum"}, files)).out());
    assertEquals(0, Shell.run("b3sum", "-c", ours.toString()).exitCode());
  }

  @Test
  void pipesFifosAndProcFilesAreHashedByWhatTheyHoldAsB3sumDoes() throws Exception {
    Prerequisites.requireCommand("mkfifo");
    byte[] data = new byte[300_000];
    new Random(9).nextBytes(data);
    Path fifo = tmp.resolve("fifo");
    Shell.run("mkfifo", fifo.toString()).check();
    Thread writer =
        new Thread(
            () -> {
              try {
                Files.write(fifo, data); // blocks until fxcp opens the other end
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    writer.start();
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("sum", "--no-names", fifo.toString());
    writer.join();
    Path plain = tmp.resolve("plain");
    Files.write(plain, data);
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        b3sum("--no-names", plain.toString()),
        r.out(),
        "a FIFO reports size 0; its bytes are hashed");
    for (String proc :
        new String[] {"/proc/version", "/proc/filesystems"}) { // size 0, the same for every reader
      assertEquals(
          b3sum("--no-names", proc), FxcpCommandTest.fxcp("sum", "--no-names", proc).out(), proc);
    }
  }

  @Test
  void aFileTruncatedWhileHashedIsOneLineAndExitOne() throws Exception {
    Path big = tmp.resolve("big");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(2L << 30); // sparse: two GiB of zeros take seconds to hash, nothing to write
    }
    Thread truncator =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
                try (java.io.RandomAccessFile f =
                    new java.io.RandomAccessFile(big.toFile(), "rw")) {
                  f.setLength(4096);
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    truncator.start();
    FxcpCommandTest.Run r = FxcpCommandTest.fxcp("sum", "--threads", "1", big.toString());
    truncator.join();
    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("changed while it was hashed"), r.err());
  }

  @Test
  void aMissingKeyFileIsOneLine() {
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp("sum", "--keyed", tmp.resolve("no-key").toString(), files[1]);
    assertEquals(2, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("no-key: no such key file"), r.err());
  }

  @Test
  void unreadableFilesAreReportedAndTheRestHashed() {
    FxcpCommandTest.Run r =
        FxcpCommandTest.fxcp("sum", tmp.resolve("missing").toString(), files[1]);
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("missing: no such file"), r.err());
    assertEquals(1, r.out().lines().count());
  }
}
