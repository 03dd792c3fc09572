// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foxing.fxar.ArchiveStats;
import io.foxing.fxar.Compression;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarException;
import io.foxing.fxar.FxarFile;
import io.foxing.fxar.FxarOptions;
import io.foxing.fxar.Snapshots;
import io.foxing.posix.Posix;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fxcp snap}: export, import, inspect, restore from and verify FXAR (and tar) archives. */
@Command(
    name = "fxcp snap",
    mixinStandardHelpOptions = true,
    versionProvider = Fxcp.Version.class,
    description = {"Snapshot archives: FXAR v2 (deduplicated, seekable, checked) or tar."},
    subcommands = {
      Snap.Export.class,
      Snap.Import.class,
      Snap.Inspect.class,
      Snap.Restore.class,
      Snap.Verify.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  done",
      "  1  done, but some entries failed or the archive is damaged (each is listed)",
      "  2  nothing done: bad arguments, not an archive, no room, or nothing restorable"
    })
public final class Snap implements Callable<Integer> {
  PrintWriter out;
  PrintWriter err;

  @Option(
      names = "--threads",
      paramLabel = "N",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Worker threads for chunking, hashing and (de)compression (default: one per core).")
  int threads;

  static int run(String[] args, PrintWriter out, PrintWriter err) {
    Snap snap = new Snap();
    snap.out = out;
    snap.err = err;
    return Fxcp.execute(new CommandLine(snap), "fxcp snap", args, out, err);
  }

  @Override
  public Integer call() {
    err.println(
        "fxcp snap: give a command: export, import, inspect, restore or verify (see fxcp snap --help)");
    return ExitCode.NOTHING_DONE;
  }

  FxarOptions options(Compression c) {
    return FxarOptions.builder()
        .threads(threads)
        .compression(c == null ? Compression.DEFAULT : c)
        .build();
  }

  int report(String what, Snapshots.Result r) {
    for (String f : r.failures()) {
      err.println("fxcp snap: " + f);
    }
    err.printf(
        Locale.ROOT,
        "fxcp snap: %s %d entries, %s%s%n",
        what,
        r.entries(),
        Summary.bytes(r.bytes()),
        r.failures().isEmpty() ? "" : "; " + r.failures().size() + " problems");
    return r.failures().isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
  }

  /**
   * On a terminal, a line on standard error redrawn 5 times a second with the archive bytes written
   * or read so far (and the share of the file, when its size is known). Counting the archive stream
   * needs no help from the library and costs nothing per entry.
   */
  static final class Progress implements AutoCloseable {
    final java.util.concurrent.atomic.AtomicLong bytes =
        new java.util.concurrent.atomic.AtomicLong();
    private final Thread ticker;
    private final PrintWriter err;

    Progress(PrintWriter err, String verb, long total) {
      this.err = err;
      long start = System.nanoTime();
      this.ticker =
          !Posix.isTerminal(2) // the ticker draws on stderr
              ? null
              : new Thread(
                  () -> {
                    try {
                      while (true) {
                        Thread.sleep(200);
                        double s = (System.nanoTime() - start) / 1e9;
                        long b = bytes.get();
                        err.printf(
                            Locale.ROOT,
                            "\r%s %s%s, %.1f s, %s/s   ",
                            verb,
                            Summary.bytes(b),
                            total > 0
                                ? String.format(
                                    Locale.ROOT,
                                    " of %s (%d%%)",
                                    Summary.bytes(total),
                                    100 * b / total)
                                : "",
                            s,
                            Summary.bytes((long) (b / s)));
                        err.flush();
                      }
                    } catch (InterruptedException done) {
                      // the command finished
                    }
                  },
                  "progress");
      if (ticker != null) {
        ticker.setDaemon(true);
        ticker.start();
      }
    }

    OutputStream counting(OutputStream out) {
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          bytes.addAndGet(len);
        }
      };
    }

    InputStream counting(InputStream in) {
      return new java.io.FilterInputStream(in) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = in.read(b, off, len);
          bytes.addAndGet(Math.max(0, n));
          return n;
        }
      };
    }

    @Override
    public void close() {
      if (ticker != null) {
        ticker.interrupt();
        try {
          ticker.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        err.print("\r\033[K");
        err.flush();
      }
    }
  }

  static FxarFile open(Path file) throws IOException {
    try {
      return FxarFile.open(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(file + ": no such file");
    } catch (FxarException e) {
      throw new FxarException(file + ": " + e.getMessage(), e);
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.Version.class,
      description = "Write SRC and everything under it to an archive.")
  static final class Export implements Callable<Integer> {
    @ParentCommand Snap snap;

    @Parameters(
        index = "0",
        paramLabel = "SRC",
        description = "Directory to archive; it becomes the archive's root (.).")
    Path source;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description =
            "Archive to write (- or absent: standard output). Written to a temporary name, renamed when complete.")
    String output = "-";

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description = "fxar (default) or tar (pax, with xattrs).")
    String format = "fxar";

    @Option(
        names = "--compress",
        paramLabel = "CODEC[:LEVEL]",
        description = "zstd (default, level 3), lz4, gzip, xz or none.")
    String compress = "zstd:3";

    @Override
    public Integer call() throws IOException {
      Snapshots.Format f =
          switch (format.toLowerCase(Locale.ROOT)) {
            case "fxar" -> Snapshots.Format.FXAR;
            case "tar" -> Snapshots.Format.TAR;
            default ->
                throw new CommandLine.ParameterException(
                    new CommandLine(this), "--format must be fxar or tar, not " + format);
          };
      Compression c;
      try {
        c = Compression.parse(compress);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--compress: " + e.getMessage());
      }
      if (!Files.isDirectory(source)) {
        snap.err.println(
            "fxcp snap: " + source + ": not a directory; give the directory to export");
        return ExitCode.NOTHING_DONE;
      }
      List<String> problems = new ArrayList<>();
      ArchiveStats stats;
      if (output.equals("-")) {
        if (Posix.isTerminal(1)) {
          snap.err.println(
              "fxcp snap: refusing to write an archive to a terminal; use -o FILE or a pipe");
          return ExitCode.NOTHING_DONE;
        }
        OutputStream stdout =
            new BufferedOutputStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), 1 << 20);
        // the importer at the other end of the pipe cannot seek to the index: record the size it
        // needs
        FxarOptions options =
            snap.options(c).toBuilder().sizeHint(Snapshots.contentSize(source)).build();
        try (Progress progress = new Progress(snap.err, "exported", 0)) {
          stats = Snapshots.export(source, progress.counting(stdout), f, options, problems::add);
        }
        stdout.flush();
      } else {
        Path target = Path.of(output).toAbsolutePath();
        if (!Files.isDirectory(target.getParent())) {
          snap.err.println(
              "fxcp snap: "
                  + output
                  + ": cannot write the archive there: "
                  + target.getParent()
                  + " is not an existing directory; create it or choose another -o");
          return ExitCode.NOTHING_DONE;
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".fxcp-partial");
        try (OutputStream o = Files.newOutputStream(temp);
            Progress progress = new Progress(snap.err, "exported", 0)) {
          stats = Snapshots.export(source, progress.counting(o), f, snap.options(c), problems::add);
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(temp);
          throw e;
        }
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      problems.forEach(p -> snap.err.println("fxcp snap: " + p));
      if (f == Snapshots.Format.FXAR) {
        snap.err.printf(
            Locale.ROOT,
            "fxcp snap: exported %d entries, %s of files as %s (dedup %.2fx, compression %.2fx)%n",
            stats.entries(),
            Summary.bytes(stats.contentBytes()),
            Summary.bytes(stats.archiveBytes()),
            stats.dedupRatio(),
            stats.compressionRatio());
      } else {
        snap.err.printf(
            Locale.ROOT,
            "fxcp snap: exported %d entries, %s of files as tar%n",
            stats.entries(),
            Summary.bytes(stats.contentBytes()));
      }
      return problems.isEmpty() ? ExitCode.OK : ExitCode.PARTIAL;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.Version.class,
      description =
          "Restore an archive (FXAR, or tar plain or zstd/gzip/xz/lz4 compressed) into DEST, which must be new or empty.")
  static final class Import implements Callable<Integer> {
    @ParentCommand Snap snap;

    @Parameters(index = "0", paramLabel = "FILE", description = "Archive, or - for standard input.")
    String file;

    @Parameters(
        index = "1",
        paramLabel = "DEST",
        description = "Directory to restore into: created if missing, must be empty.")
    Path dest;

    @Override
    public Integer call() throws IOException {
      InputStream in;
      long total = 0;
      if (file.equals("-")) {
        in = new java.io.FileInputStream(java.io.FileDescriptor.in);
      } else if (!Files.isRegularFile(Path.of(file))) {
        snap.err.println("fxcp snap: " + file + ": no such archive");
        return ExitCode.NOTHING_DONE;
      } else {
        total = Files.size(Path.of(file));
        try (FxarFile archive =
            FxarFile.open(Path.of(file))) { // the index says how much room the files need
          Snapshots.checkSpace(dest, archive.entries().stream().mapToLong(FxarEntry::size).sum());
        } catch (FxarException notFxarOrDamaged) {
          // tar, or an archive whose index is damaged: streaming finds out what it can
        }
        in = Files.newInputStream(Path.of(file));
      }
      try (in;
          Progress progress = new Progress(snap.err, "imported", total)) {
        int code =
            snap.report(
                "imported",
                Snapshots.importArchive(progress.counting(in), dest, snap.options(null)));
        // damage is listed, not thrown: the destination was empty, so "nothing done" only if it
        // still is
        return code == ExitCode.PARTIAL && isEmpty(dest) ? ExitCode.NOTHING_DONE : code;
      } catch (FxarException e) {
        throw new FxarException(file + ": " + e.getMessage(), e);
      }
    }

    private static boolean isEmpty(Path dir) throws IOException {
      try (var list = Files.list(dir)) {
        return list.findAny().isEmpty();
      }
    }
  }

  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.Version.class,
      description =
          "Show what an FXAR archive holds: files, sizes, chunks, dedup and codec figures.")
  static final class Inspect implements Callable<Integer> {
    @ParentCommand Snap snap;

    @Parameters(index = "0", paramLabel = "FILE", description = "FXAR archive.")
    Path file;

    @Option(
        names = "--list",
        description = "List every entry (type, mode, owner, size, mtime, path).")
    boolean list;

    @Option(names = "--json", description = "One JSON document on standard output.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      try (FxarFile a = open(file)) {
        ArchiveStats s = a.stats();
        double indexShare = s.storedBytes() == 0 ? 0 : 100.0 * s.indexBytes() / s.storedBytes();
        if (json) {
          ObjectMapper m = new ObjectMapper();
          ObjectNode o = m.createObjectNode();
          o.put("archive", file.toString())
              .put("created", Instant.ofEpochSecond(0, a.createdNanos()).toString());
          o.put("entries", s.entries())
              .put("files", s.files())
              .put("content_bytes", s.contentBytes());
          o.put("chunk_refs", s.chunkRefs())
              .put("distinct_chunks", s.distinctChunks())
              .put("distinct_bytes", s.distinctBytes());
          o.put("stored_bytes", s.storedBytes())
              .put("index_bytes", s.indexBytes())
              .put("archive_bytes", s.archiveBytes());
          o.put("dedup_ratio", s.dedupRatio())
              .put("compression_ratio", s.compressionRatio())
              .put("index_percent_of_payload", indexShare);
          ObjectNode codecs = o.putObject("chunks_by_codec");
          s.chunksByCodec().forEach((k, v) -> codecs.put(k.label(), v));
          if (list) {
            ArrayNode arr = o.putArray("entries");
            for (FxarEntry e : a.entries()) {
              arr.addObject()
                  .put("path", e.pathString())
                  .put("type", e.type().name().toLowerCase(Locale.ROOT))
                  .put("mode", Integer.toOctalString(e.mode()))
                  .put("uid", e.uid())
                  .put("gid", e.gid())
                  .put("size", e.size())
                  .put("mtime_nanos", e.mtimeNanos());
            }
          }
          snap.out.println(m.writeValueAsString(o));
          return ExitCode.OK;
        }
        if (list) {
          for (FxarEntry e : a.entries()) {
            snap.out.printf(
                Locale.ROOT,
                "%c%04o %5d/%-5d %12d %s %s%s%n",
                typeChar(e.type()),
                e.mode(),
                e.uid(),
                e.gid(),
                e.size(),
                Instant.ofEpochSecond(0, e.mtimeNanos()),
                e.pathString(),
                e.type() == FxarEntry.Type.SYMLINK
                    ? " -> " + new String(e.target(), java.nio.charset.StandardCharsets.UTF_8)
                    : e.type() == FxarEntry.Type.HARDLINK
                        ? " link to "
                            + new String(e.target(), java.nio.charset.StandardCharsets.UTF_8)
                        : "");
          }
          return ExitCode.OK;
        }
        snap.out.printf(
            Locale.ROOT,
            "archive        %s (%s, created %s)%n",
            file,
            Summary.bytes(s.archiveBytes()),
            Instant.ofEpochSecond(0, a.createdNanos()));
        snap.out.printf(Locale.ROOT, "entries        %d (%d files)%n", s.entries(), s.files());
        snap.out.printf(Locale.ROOT, "content        %s%n", Summary.bytes(s.contentBytes()));
        snap.out.printf(
            Locale.ROOT,
            "chunks         %d referenced, %d distinct (%s)%n",
            s.chunkRefs(),
            s.distinctChunks(),
            Summary.bytes(s.distinctBytes()));
        snap.out.printf(Locale.ROOT, "dedup          %.2fx%n", s.dedupRatio());
        snap.out.printf(
            Locale.ROOT,
            "stored         %s (compression %.2fx)%n",
            Summary.bytes(s.storedBytes()),
            s.compressionRatio());
        StringBuilder codecs = new StringBuilder();
        s.chunksByCodec()
            .forEach(
                (k, v) ->
                    codecs
                        .append(codecs.length() == 0 ? "" : ", ")
                        .append(k.label())
                        .append(' ')
                        .append(v));
        snap.out.printf(Locale.ROOT, "codecs         %s%n", codecs.length() == 0 ? "-" : codecs);
        snap.out.printf(
            Locale.ROOT,
            "index          %s (%.3f%% of payload)%n",
            Summary.bytes(s.indexBytes()),
            indexShare);
        return ExitCode.OK;
      }
    }

    private static char typeChar(FxarEntry.Type t) {
      return switch (t) {
        case FILE -> '-';
        case DIRECTORY -> 'd';
        case SYMLINK -> 'l';
        case HARDLINK -> 'h';
        case CHAR_DEVICE -> 'c';
        case BLOCK_DEVICE -> 'b';
        case FIFO -> 'p';
        case SOCKET -> 's';
      };
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.Version.class,
      description =
          "Restore the entries matching GLOB (and everything under a matching directory) from an FXAR archive, reading only their chunks.")
  static final class Restore implements Callable<Integer> {
    @ParentCommand Snap snap;

    @Parameters(index = "0", paramLabel = "FILE", description = "FXAR archive.")
    Path file;

    @Option(
        names = "--file",
        paramLabel = "GLOB",
        required = true,
        description =
            "Archive path glob, relative to the archived root (* stays within a directory, ** crosses them). Repeatable.")
    List<String> globs;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "DIR",
        required = true,
        description = "Directory to restore into (created if missing; nothing is overwritten).")
    Path dest;

    @Override
    public Integer call() throws IOException {
      List<java.util.function.Predicate<String>> matchers = new ArrayList<>();
      for (String g : globs) {
        if (g.chars().noneMatch(c -> "*?[{\\".indexOf(c) >= 0)) {
          matchers.add(g::equals); // a plain path: no need to build a Path per entry
        } else {
          PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + g);
          matchers.add(p -> m.matches(Path.of(p)));
        }
      }
      try (FxarFile a = open(file)) {
        long[] matched = new long[1];
        Snapshots.Result r =
            Snapshots.restore(
                a,
                e -> {
                  String p = e.pathString();
                  boolean hit = matchers.stream().anyMatch(m -> m.test(p));
                  matched[0] += hit ? 1 : 0;
                  return hit;
                },
                dest,
                snap.options(null));
        if (matched[0] == 0) {
          snap.err.println(
              "fxcp snap: "
                  + file
                  + ": no entry matches "
                  + String.join(", ", globs)
                  + " (list them with fxcp snap inspect --list)");
          return ExitCode.NOTHING_DONE;
        }
        return snap.report("restored", r);
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.Version.class,
      description =
          "Check every chunk and entry of an FXAR archive against its BLAKE3 id; name what is damaged and the files it affects.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand Snap snap;

    @Parameters(index = "0", paramLabel = "FILE", description = "FXAR archive.")
    Path file;

    @Option(
        names = "--salvage",
        paramLabel = "DIR",
        description =
            "If the archive is damaged, restore every intact file into DIR (new or empty) by scanning its frames.")
    Path salvage;

    @Override
    public Integer call() throws IOException {
      List<String> problems;
      try (FxarFile a = open(file)) {
        problems = a.verify();
      } catch (FxarException e) {
        if (!(e.getCause() instanceof io.foxing.fxar.DamagedArchiveException)) {
          throw e; // not an FXAR archive, or another version: nothing to salvage
        }
        problems =
            List.of(
                e.getCause().getMessage()); // open() put the file's name first; it is added below
      }
      for (String p : problems) {
        snap.err.println("fxcp snap: " + file + ": " + p);
      }
      if (problems.isEmpty()) {
        snap.err.println("fxcp snap: " + file + ": intact");
        return ExitCode.OK;
      }
      if (salvage != null) {
        snap.report("salvaged", Snapshots.salvage(file, salvage, snap.options(null)));
      }
      return ExitCode.PARTIAL;
    }
  }
}
