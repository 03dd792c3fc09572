// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import io.foxing.merkle.Blake3;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fxcp sum}: BLAKE3 checksums with b3sum's output, so the two can check each other's lists.
 */
@Command(
    name = "fxcp sum",
    mixinStandardHelpOptions = true,
    versionProvider = Fxcp.Version.class,
    sortOptions = false,
    description = {
      "Print or check BLAKE3 checksums, in b3sum's format: HEX, two spaces, the path.",
      "A path with a newline or a backslash is escaped and its line starts with '\\', as b3sum does.",
      "With no FILE, or FILE -, reads standard input. Large files are hashed as a tree on several cores."
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  all hashed (with -c: all matched)",
      "  1  a file could not be read (with -c: or did not match)",
      "  2  bad arguments"
    })
public final class Sum implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Cores to hash one large file on (default: all).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--keyed",
      paramLabel = "KEYFILE",
      description =
          "Keyed mode; the key is the 32 raw bytes of KEYFILE (b3sum reads them from stdin).")
  Path keyFile;

  @Option(
      names = "--derive-key",
      paramLabel = "CONTEXT",
      description = "Key derivation mode with this context string.")
  String context;

  @Option(
      names = {"-l", "--length"},
      paramLabel = "N",
      description = "Output bytes (default 32).")
  int length = Blake3.OUT_LEN;

  @Option(names = "--no-names", description = "Print only the hashes.")
  boolean noNames;

  @Option(
      names = {"-c", "--check"},
      description = "Read HEX  PATH lines from the FILEs and check them.")
  boolean check;

  @Parameters(paramLabel = "FILE", description = "Files to hash (or, with -c, checksum lists).")
  List<String> files = new ArrayList<>();

  /** Runs {@code fxcp sum ARGS} with the given output streams; returns the exit code. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    return Fxcp.execute(commandLine(), "fxcp sum", args, out, err);
  }

  static picocli.CommandLine commandLine() {
    return new picocli.CommandLine(new Sum());
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (length < 1) {
      err.println("fxcp sum: --length must be at least 1, got " + length);
      return ExitCode.NOTHING_DONE;
    }
    if (keyFile != null && context != null) {
      err.println("fxcp sum: choose one of --keyed and --derive-key");
      return ExitCode.NOTHING_DONE;
    }
    byte[] key = null;
    if (keyFile != null) {
      try {
        key = Files.readAllBytes(keyFile);
      } catch (NoSuchFileException e) {
        err.println(
            "fxcp sum: " + keyFile + ": no such key file; give a file of exactly 32 raw bytes");
        return ExitCode.NOTHING_DONE;
      } catch (IOException e) {
        err.println("fxcp sum: " + keyFile + ": cannot read the key file (" + e.getMessage() + ")");
        return ExitCode.NOTHING_DONE;
      }
      if (key.length != Blake3.KEY_LEN) {
        err.println(
            "fxcp sum: "
                + keyFile
                + ": a key file holds exactly 32 raw bytes, this one "
                + key.length);
        return ExitCode.NOTHING_DONE;
      }
    }
    List<String> inputs = files.isEmpty() ? List.of("-") : files;
    return check ? check(inputs, key, out, err) : print(inputs, key, out, err);
  }

  private Blake3 hasher(byte[] key) {
    if (key != null) {
      return Blake3.newKeyedHasher(key);
    }
    return context != null ? Blake3.newKeyDerivationHasher(context) : Blake3.newHasher();
  }

  private byte[] hash(String file, byte[] key, int len) throws IOException {
    if (file.equals("-")) {
      Blake3 h = hasher(key);
      InputStream in = System.in;
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        h.update(buf, 0, n);
      }
      return h.finalizeBytes(len);
    }
    Path p = Path.of(file);
    if (Files.isDirectory(p)) {
      throw new IOException(file + ": is a directory");
    }
    try {
      return hasher(key).hashFile(p, threads, len);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file", e);
    }
  }

  private int print(List<String> inputs, byte[] key, PrintWriter out, PrintWriter err) {
    int exit = ExitCode.OK;
    for (String f : inputs) {
      try {
        String hex = HexFormat.of().formatHex(hash(f, key, length));
        if (noNames) {
          out.println(hex);
        } else {
          boolean escape = f.indexOf('\n') >= 0 || f.indexOf('\\') >= 0;
          out.println(
              (escape ? "\\" : "")
                  + hex
                  + "  "
                  + (escape ? f.replace("\\", "\\\\").replace("\n", "\\n") : f));
        }
      } catch (IOException e) {
        err.println("fxcp sum: " + e.getMessage());
        exit = ExitCode.PARTIAL;
      }
    }
    out.flush();
    return exit;
  }

  private int check(List<String> lists, byte[] key, PrintWriter out, PrintWriter err)
      throws IOException {
    int failed = 0;
    int unreadable = 0;
    for (String list : lists) {
      List<String> lines;
      if (list.equals("-")) {
        lines =
            new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                .lines()
                .toList();
      } else {
        try {
          lines = Files.readAllLines(Path.of(list), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          err.println("fxcp sum: " + list + ": no such checksum list");
          return ExitCode.NOTHING_DONE;
        } catch (java.nio.charset.MalformedInputException e) {
          err.println("fxcp sum: " + list + ": not a checksum list (not UTF-8 text)");
          return ExitCode.NOTHING_DONE;
        }
      }
      int lineNo = 0;
      for (String line : lines) {
        lineNo++;
        ChecksumLine c;
        try {
          c = ChecksumLine.parse(line);
        } catch (IllegalArgumentException e) {
          err.println("fxcp sum: " + list + ":" + lineNo + ": " + e.getMessage());
          return ExitCode.NOTHING_DONE;
        }
        String hex = c.hex();
        String path = c.path();
        try {
          boolean ok = HexFormat.of().formatHex(hash(path, key, hex.length() / 2)).equals(hex);
          out.println(path + ": " + (ok ? "OK" : "FAILED"));
          failed += ok ? 0 : 1;
        } catch (IOException e) {
          err.println("fxcp sum: " + e.getMessage());
          out.println(path + ": FAILED");
          unreadable++;
        }
      }
    }
    if (failed > 0) {
      err.println(
          "fxcp sum: WARNING: "
              + failed
              + " computed checksum"
              + (failed == 1 ? "" : "s")
              + " did NOT match");
    }
    return failed + unreadable == 0 ? ExitCode.OK : ExitCode.PARTIAL;
  }

  /**
   * One line of a checksum list, as b3sum writes it: {@code HEX PATH}, or {@code \HEX PATH} with
   * {@code \\} and {@code \n} escapes in the path.
   */
  record ChecksumLine(String hex, String path) {
    /**
     * @throws IllegalArgumentException saying what is wrong with the line
     */
    static ChecksumLine parse(String line) {
      boolean escaped = line.startsWith("\\");
      String l = escaped ? line.substring(1) : line;
      int sep = l.indexOf("  ");
      if (sep <= 0
          || sep % 2 != 0
          || !l.substring(0, sep)
              .chars()
              .allMatch(ch -> ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f')) {
        throw new IllegalArgumentException(
            "not a checksum line (expected HEX, two spaces, a path)");
      }
      String path = l.substring(sep + 2);
      if (path.isEmpty()) {
        throw new IllegalArgumentException("checksum line without a path");
      }
      return new ChecksumLine(l.substring(0, sep), escaped ? unescape(path) : path);
    }

    private static String unescape(String s) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length()) {
          char n = s.charAt(++i);
          b.append(n == 'n' ? '\n' : n);
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }
  }
}
