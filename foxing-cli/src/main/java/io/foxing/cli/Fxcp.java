package io.foxing.cli;

import io.foxing.api.Copier;
import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.FilterRules;
import io.foxing.api.Preserve;
import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.TargetProvider;
import io.foxing.copy.SmartCopier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fxcp}: copy trees like {@code cp -a} / {@code rsync -aHAX}, faster and without surprises. */
@Command(
    name = "fxcp",
    mixinStandardHelpOptions = true,
    versionProvider = Fxcp.Version.class,
    subcommands = {Sum.class},
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Copy files and trees faithfully and fast: reflink where the filesystem can share extents,",
      "in-kernel copies elsewhere, every bit of metadata kept (owner, mode, ns times, xattrs, ACLs,",
      "hard links, symlinks, devices, FIFOs, sockets, sparse holes).",
      "",
      "Sources and target, as with cp and rsync:",
      "  SRC/   (trailing slash) copies the directory's contents into DEST.",
      "  SRC    goes into DEST under its own name if DEST is a directory, ends with '/',",
      "         or several sources are given (DEST is created); otherwise DEST becomes",
      "         the copy of SRC, as with cp -a SRC DEST.",
      "  A source that is a symlink is copied as a symlink; SRC/ follows it.",
      "",
      "Files whose size and modification time match on the target are skipped (--checksum",
      "compares contents). Files appear only when complete: new ones are linked into place,",
      "changed ones renamed over the old (temporaries: .fxcp~XXXXXXXX~NAME); rerunning an",
      "interrupted copy finishes it."
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  everything was copied",
      "  1  partial: some entries failed, each is listed on stderr (and in --json)",
      "  2  nothing done: bad arguments, unreachable target, or every entry failed",
      "",
      "Examples:",
      "  fxcp -a /data/ /backup/data          mirror contents (like rsync -a /data/ /backup/data)",
      "  fxcp -a --delete -i src/ dst/        and remove extraneous files, itemizing changes",
      "  fxcp -a -e '*.tmp' --include 'keep.tmp' src dst/"
    })
public final class Fxcp implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-a", "--archive"}, description = "Archive mode: recursive, keep everything (cp -a, rsync -aHAX).")
  boolean archive;

  @Option(names = {"-r", "--recursive"}, description = "Recurse into directories (implied by -a).")
  boolean recursive;

  @Option(names = "--delete", description = "Delete target entries the source does not have (excluded ones are kept).")
  boolean delete;

  @Option(names = {"-n", "--dry-run"}, description = "Show what would change; change nothing.")
  boolean dryRun;

  @Option(names = {"-i", "--itemize-changes"}, description = "Print a change summary per entry in rsync's YXcstpoguax format.")
  boolean itemize;

  @Option(names = {"-c", "--checksum"}, description = "Decide up-to-date by contents, not size and mtime.")
  boolean checksum;

  @Option(names = "--inplace", description = "Write changed files in place instead of temp + rename.")
  boolean inplace;

  @Option(names = "--copy-method", paramLabel = "METHOD",
      description = "Force one tier: reflink, cfr (copy_file_range), sendfile, rw (read/write). Default: auto.")
  String copyMethod = "auto";

  private final List<String[]> filterArgs = new ArrayList<>();

  @Option(names = {"-e", "--exclude"}, paramLabel = "PATTERN",
      description = "Exclude matching paths (rsync rules: first match wins, '/' anchors, '**', trailing '/' = directories).")
  void exclude(String pattern) {
    filterArgs.add(new String[] {"exclude", pattern});
  }

  @Option(names = "--include", paramLabel = "PATTERN", description = "Include matching paths even if a later rule excludes them.")
  void include(String pattern) {
    filterArgs.add(new String[] {"include", pattern});
  }

  @Option(names = "--exclude-from", paramLabel = "FILE", description = "Read exclude patterns from FILE (one per line, # comments).")
  void excludeFrom(String file) {
    filterArgs.add(new String[] {"exclude-from", file});
  }

  @Option(names = "--include-from", paramLabel = "FILE", description = "Read include patterns from FILE.")
  void includeFrom(String file) {
    filterArgs.add(new String[] {"include-from", file});
  }

  @Option(names = "--json", description = "Print one JSON report on stdout (with --progress: JSON lines at 1 Hz first).")
  boolean json;

  @Option(names = "--progress", description = "Show progress: files, bytes, rate and ETA (5 Hz on a terminal).")
  boolean progress;

  @Option(names = {"-v", "--verbose"}, description = "List copied entries, fallbacks and metadata that could not be kept.")
  boolean verbose;

  @Option(names = "--debug", description = "Like -v, plus the tier that served each file and every fallback.")
  boolean debug;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core within a filesystem, two per core across).")
  Integer threads;

  @Option(names = "--cleanup", paramLabel = "TARGET", description = "Remove temporaries an interrupted copy left under TARGET, then exit.")
  String cleanup;

  @Parameters(paramLabel = "SRC... DEST", description = "Sources, then the target.")
  List<String> paths = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Fxcp());
    cl.setOut(out);
    cl.setErr(err);
    cl.setOverwrittenOptionsAllowed(true); // repeated --exclude/--include arrive in order
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("fxcp: " + ex.getMessage() + " (see fxcp --help)");
      return ExitCode.NOTHING_DONE;
    });
    cl.setExecutionExceptionHandler((ex, c, r) -> {
      err.println("fxcp: " + oneLine(ex));
      return ExitCode.NOTHING_DONE;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (cleanup != null) {
      long n = SmartCopier.cleanup(cleanup, p -> {
        if (verbose || debug) {
          out.println("removed " + p);
        }
      });
      err.println("fxcp: removed " + n + " temporar" + (n == 1 ? "y" : "ies") + " under " + cleanup);
      return ExitCode.OK;
    }
    if (paths.size() < 2) {
      err.println("fxcp: give at least one source and a target, e.g. fxcp -a SRC/ DEST (see fxcp --help)");
      return ExitCode.NOTHING_DONE;
    }
    CopyOptions options = options(err);
    if (options == null) {
      return ExitCode.NOTHING_DONE;
    }
    if (debug) {
      for (CopyTier t : SmartCopier.tiers()) {
        err.println("fxcp: tier " + t.name() + " (priority " + t.priority() + "): "
            + (t.isAvailable() ? "available" : "unavailable: " + t.unavailabilityCause().getMessage()));
      }
    }
    List<String> sources = paths.subList(0, paths.size() - 1);
    String target = paths.get(paths.size() - 1);
    Copier copier = copierFor(target, options);
    ConsoleListener listener = new ConsoleListener(out, err, itemize || dryRun, verbose || debug, debug, progress, json);
    CopyReport report;
    try {
      report = copier.copy(sources, listener);
    } finally {
      listener.close();
    }
    if (json) {
      out.println(JsonReport.toJson(report, sources, target));
    } else if (verbose || debug || dryRun) {
      err.println("fxcp: " + Summary.of(report));
    }
    for (CopyReport.Failure f : report.failures()) {
      err.println("fxcp: failed: " + f.reason() + (f.reason().startsWith(f.path()) ? "" : " [" + f.path() + "]"));
    }
    if (!report.xattrsNotPreserved().isEmpty() && !json) {
      err.println("fxcp: warning: " + report.xattrsNotPreserved().values().stream().mapToLong(Long::longValue).sum()
          + " extended attribute(s) could not be set on the target" + (verbose || debug ? ": " + report.xattrsNotPreserved() : " (-v names them)"));
    }
    return report.status().exitCode();
  }

  /**
   * A local path goes to {@link SmartCopier}; a URI ({@code scheme://...}) to the
   * {@link TargetProvider} for its scheme, found on the class path (foxing-nfs adds {@code nfs}).
   */
  private Copier copierFor(String target, CopyOptions options) throws IOException {
    int colon = target.indexOf("://");
    if (colon <= 0 || target.substring(0, colon).contains("/")) {
      SmartCopier local = SmartCopier.to(target, options);
      return progress ? local.withScanAhead() : local;
    }
    String scheme = target.substring(0, colon);
    for (TargetProvider p : ServiceLoader.load(TargetProvider.class)) {
      if (p.scheme().equalsIgnoreCase(scheme)) {
        return p.open(URI.create(target), options);
      }
    }
    throw new IllegalArgumentException(target + ": no provider for " + scheme
        + ":// targets in this build; give a local path (or put the module that serves " + scheme + ":// on the class path)");
  }

  private CopyOptions options(PrintWriter err) throws IOException {
    CopyOptions.Builder b = CopyOptions.builder();
    if (!archive) {
      // without -a, like cp: contents and permission bits only, directories only with -r
      b.preserve(EnumSet.of(Preserve.MODE, Preserve.LINKS)).recursive(recursive);
    }
    b.delete(delete).dryRun(dryRun).checksum(checksum).inplace(inplace);
    try {
      b.copyMethod(CopyMethod.fromCliName(copyMethod));
      if (threads != null) {
        if (threads < 1) {
          throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        b.threads(threads);
      }
      b.filters(filters());
    } catch (IllegalArgumentException e) {
      err.println("fxcp: " + e.getMessage());
      return null;
    }
    return b.build();
  }

  private FilterRules filters() throws IOException {
    FilterRules.Builder fb = FilterRules.builder();
    for (String[] f : filterArgs) {
      switch (f[0]) {
        case "exclude" -> fb.exclude(f[1]);
        case "include" -> fb.include(f[1]);
        default -> {
          try (Reader r = Files.newBufferedReader(Path.of(f[1]), StandardCharsets.UTF_8)) {
            fb.addFrom(r, f[0].equals("include-from"));
          } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(f[1] + ": --" + f[0] + " file does not exist; check the path");
          }
        }
      }
    }
    return fb.build();
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  /** The version line; reads the jar manifest so it needs no native code (no warnings, fast). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Fxcp.class.getPackage().getImplementationVersion();
      return new String[] {
        "fxcp " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Foxing for the JVM; Java " + Runtime.version() + ")"
      };
    }
  }
}
