// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import io.foxing.api.Copier;
import io.foxing.api.Copiers;
import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.DeleteTiming;
import io.foxing.api.FilterRules;
import io.foxing.api.Preserve;
import io.foxing.api.spi.CopyTier;
import io.foxing.copy.SmartCopier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code fxcp}: copy trees like {@code cp -a} / {@code rsync -aHAX}, faster and without surprises.
 *
 * <p>The picocli model is built by hand rather than from annotations: reading annotations
 * reflectively cost ~45 ms of every start (74 ms against 28 ms, measured), and a copy tool starts
 * often. {@code fxcp sum} is dispatched before any of this is built.
 */
public final class Fxcp implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
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
    "changed ones renamed over the old (temporaries: .fxcp~XXXXXXXX~NAME, marked with",
    "the user.foxing.tmp xattr; only marked ones are ever removed); rerunning an",
    "interrupted copy finishes it. A file onto itself, a directory into itself, and a",
    "non-empty directory replaced by a file (without --delete) are refused."
  };

  private static final String[] FOOTER = {
    "  0  everything was copied",
    "  1  partial: some entries failed, each is listed on stderr (and in --json)",
    "  2  nothing done: bad arguments, unreachable target, or every entry failed",
    "",
    "Examples:",
    "  fxcp -a /data/ /backup/data          mirror contents (like rsync -a /data/ /backup/data)",
    "  fxcp -a --delete -i src/ dst/        and remove extraneous files, itemizing changes",
    "  fxcp -a -e '*.tmp' --include 'keep.tmp' src dst/",
    "",
    "fxcp sum --help: BLAKE3 checksums in b3sum's format.",
    "fxcp snap --help: FXAR/tar snapshot archives (export, import, inspect, restore, verify)."
  };

  private CommandLine.Model.CommandSpec spec;
  boolean archive;
  boolean recursive;

  /**
   * -l -p -t -g -o -D -H -A -X: rsync's letters, each adding what it keeps to what -a or nothing
   * gives.
   */
  private final EnumSet<Preserve> letters = EnumSet.noneOf(Preserve.class);

  boolean quiet;
  boolean delete;
  boolean dryRun;
  boolean itemize;
  boolean checksum;
  boolean inplace;
  boolean partial;
  String copyMethod = "auto";

  /** cp's options by their long names (cp's -t and -T are rsync's --times and --temp-dir). */
  String targetDirectory;

  boolean noTargetDirectory;
  String reflink;
  String sparse;
  final List<String> preserveLists = new ArrayList<>();
  final List<String> noPreserveLists = new ArrayList<>();
  boolean json;
  boolean progress;
  boolean verbose;
  boolean debug;
  boolean generateSigs;
  boolean update;
  boolean ignoreExisting;
  boolean existingOnly;
  boolean sizeOnly;
  boolean ignoreTimes;
  Integer modifyWindow;
  boolean deleteExcluded;

  boolean safeLinks;

  boolean pruneEmptyDirs;

  boolean backup;

  String backupDir;

  String backupSuffix;

  boolean omitDirTimes;

  boolean relative;

  String filesFrom;
  boolean from0;

  /** --compare-dest, --copy-dest, --link-dest as given, and which of them: rsync takes one kind. */
  private final List<String> referenceDirs = new ArrayList<>();

  private final java.util.Set<String> referenceKinds = new java.util.LinkedHashSet<>();

  boolean copyLinks;

  boolean copyUnsafeLinks;

  /** --delete-before/during/after/delay as given: rsync allows one. */
  private final java.util.Set<String> deleteWhen = new java.util.LinkedHashSet<>();

  private DeleteTiming deleteTiming = DeleteTiming.DURING;
  Long maxDelete;
  boolean fsync;
  boolean mkpath;
  String info;
  boolean oneFileSystem;
  boolean removeSourceFiles;
  final List<String> chmodArgs = new ArrayList<>();
  boolean throttle;
  Integer threads;
  String cleanup;
  List<String> paths = new ArrayList<>();

  /** --exclude, --include, --exclude-from, --include-from in the order given: first match wins. */
  private final List<String[]> filterArgs = new ArrayList<>();

  /** -F given so far: the first reads .rsync-filter files, the second also excludes them. */
  private int rsyncFilterFlags;

  /** The command line model, option by option, each bound to its field. */
  private CommandLine.Model.CommandSpec model() {
    CommandLine.Model.CommandSpec s = CommandLine.Model.CommandSpec.wrapWithoutInspection(this);
    s.name("fxcp").versionProvider(new Version());
    s.usageMessage()
        .description(DESCRIPTION)
        .footerHeading("%nExit codes:%n")
        .footer(FOOTER)
        .sortOptions(false)
        .autoWidth(true);
    flag(
        s,
        "Archive mode: recursive, keep everything (cp -a, rsync -aHAX).",
        v -> archive = v,
        "-a",
        "--archive");
    flag(s, "Recurse into directories (implied by -a).", v -> recursive = v, "-r", "--recursive");
    flag(
        s,
        "Keep each source's path below the target (a/b/c goes to DEST/a/b/c; /./ marks where it"
            + " starts).",
        v -> relative = v,
        "-R",
        "--relative",
        "--parents");
    value(
        s,
        "FILE",
        "Copy the paths FILE lists (one per line, below the one SRC), as -R; a listed directory's"
            + " contents only with -r.",
        v -> filesFrom = v,
        "--files-from");
    flag(
        s,
        "Lists read with --files-from, --exclude-from, --include-from and merge rules end each"
            + " entry with a NUL, not a newline (find -print0).",
        v -> from0 = v,
        "-0",
        "--from0");
    letter(
        s, "Copy symlinks as symlinks (else they are skipped).", "-l", "--links", Preserve.LINKS);
    letter(
        s,
        "Keep permissions (else new entries get the source's less the umask, existing ones keep theirs).",
        "-p",
        "--perms",
        Preserve.MODE);
    letter(s, "Keep modification times.", "-t", "--times", Preserve.TIMES);
    letter(s, "Keep the group.", "-g", "--group", Preserve.GROUP);
    letter(s, "Keep the owner (root only).", "-o", "--owner", Preserve.OWNER);
    letter(
        s,
        "Copy devices and special files (FIFOs, sockets).",
        "-D",
        null,
        Preserve.DEVICES,
        Preserve.SPECIALS);
    letter(s, "Keep hard links (in -a).", "-H", "--hard-links", Preserve.HARD_LINKS);
    letter(s, "Keep POSIX ACLs (in -a; implies -p).", "-A", "--acls", Preserve.ACLS, Preserve.MODE);
    letter(s, "Keep extended attributes (in -a).", "-X", "--xattrs", Preserve.XATTRS);
    flag(
        s,
        "Delete target entries the source does not have (excluded ones are kept).",
        v -> delete = v,
        "--delete");
    flag(
        s,
        "Leave out symlinks that point outside the tree (absolute, or climbing above it with ..).",
        v -> safeLinks = v,
        "--safe-links");
    flag(
        s,
        "Do not make new directories that nothing but directories would go into.",
        v -> pruneEmptyDirs = v,
        "-m",
        "--prune-empty-dirs");
    flag(
        s,
        "Keep each file that is replaced or deleted, as NAME~ (see --suffix, --backup-dir).",
        v -> backup = v,
        "-b",
        "--backup");
    value(
        s,
        "DIR",
        "Keep backups under DIR (relative to the target) at their paths; implies --backup.",
        v -> backupDir = v,
        "--backup-dir");
    value(
        s,
        "SUFFIX",
        "Backup suffix (default ~, or none with --backup-dir).",
        v -> backupSuffix = v,
        "--suffix");
    flag(
        s,
        "Do not copy directories' modification times.",
        v -> omitDirTimes = v,
        "-O",
        "--omit-dir-times");
    for (String[] kind :
        new String[][] {
          {"--compare-dest", "Leave out new files that DIR holds unchanged at the same path."},
          {"--copy-dest", "As --compare-dest, but copy them, without listing them."},
          {"--link-dest", "Hard-link new files that DIR holds unchanged (snapshots share them)."},
        }) {
      value(
          s,
          "DIR",
          kind[1] + " Relative to the target; repeatable.",
          v -> {
            referenceKinds.add(kind[0]);
            referenceDirs.add(v);
          },
          kind[0]);
    }
    flag(
        s,
        "Copy what symlinks lead to (a file's contents, a directory's tree), not the links.",
        v -> copyLinks = v,
        "-L",
        "--copy-links",
        "--dereference");
    flag(
        s,
        "Copy what symlinks that point outside the tree lead to; keep the others as links.",
        v -> copyUnsafeLinks = v,
        "--copy-unsafe-links");
    for (String[] when :
        new String[][] {
          {"--delete-before", "BEFORE", "Delete in a pass before the copy (implies --delete)."},
          {"--delete-during", "DURING", "Delete as each directory is reached (the default)."},
          {"--del", "DURING", "--delete-during."},
          {"--delete-delay", "AFTER", "--delete-after (fxcp finds and deletes in one pass)."},
          {"--delete-after", "AFTER", "Delete in a pass after the copy (implies --delete)."},
        }) {
      flag(
          s,
          when[2],
          v -> {
            if (v) {
              deleteWhen.add(when[0]);
              deleteTiming = DeleteTiming.valueOf(when[1]);
            }
          },
          when[0]);
    }
    flag(
        s,
        "Also delete target entries the filters exclude (implies --delete).",
        v -> deleteExcluded = v,
        "--delete-excluded");
    s.addOption(
        CommandLine.Model.OptionSpec.builder("--max-delete")
            .paramLabel("N")
            .type(Long.class)
            .description(
                "Delete at most N entries; the rest are kept and the run ends with exit code 1.")
            .setter(bind(v -> maxDelete = (Long) v))
            .build());
    flag(s, "Show what would change; change nothing.", v -> dryRun = v, "-n", "--dry-run");
    flag(
        s,
        "Print a change summary per entry in rsync's YXcstpoguax format.",
        v -> itemize = v,
        "-i",
        "--itemize-changes");
    flag(
        s,
        "Decide up-to-date by contents, not size and mtime.",
        v -> checksum = v,
        "-c",
        "--checksum");
    flag(
        s, "Write changed files in place instead of temp + rename.", v -> inplace = v, "--inplace");
    flag(
        s,
        "Make large copies resumable: an interrupted file is kept under a marked temporary name"
            + " (never its own) and the next run with --partial continues it where it stopped.",
        v -> partial = v,
        "--partial");
    flag(s, "fsync each file before it appears under its name.", v -> fsync = v, "--fsync");
    flag(s, "Create the target's missing parent directories.", v -> mkpath = v, "--mkpath");
    value(
        s,
        "RULES",
        "Change the copies' permissions as chmod would (rsync's --chmod: D or F before an item limits it"
            + " to directories or files, e.g. Dg+s,ug+w,Fo-w,+X or D2775,F664); repeatable.",
        chmodArgs::add,
        "--chmod");
    flag(
        s,
        "Remove each source file (never a directory) once the target holds it, copied or up to date;"
            + " one that changed since it was read is kept.",
        v -> removeSourceFiles = v,
        "--remove-source-files");
    flag(
        s,
        "Do not walk into other filesystems: their mount points are made, empty.",
        v -> oneFileSystem = v,
        "-x",
        "--one-file-system");
    flag(
        s,
        "Yield to the machine: while others wait for CPU, disk or memory (/proc/pressure), rest between files, "
            + "keeping at least a tenth of the pace.",
        v -> throttle = v,
        "--throttle");
    flag(
        s,
        "Owners and groups by number (always so for local copies; accepted for rsync's --numeric-ids).",
        v -> {},
        "--numeric-ids");
    value(
        s,
        "FLAGS",
        "rsync's --info: progress2 is --progress; other flags are not supported.",
        v -> info = v,
        "--info");
    flag(s, "Skip files that are newer on the target.", v -> update = v, "-u", "--update");
    flag(
        s,
        "Leave existing target entries' contents alone; only make what is missing.",
        v -> ignoreExisting = v,
        "--ignore-existing");
    flag(
        s,
        "Make nothing new; only update what the target already has.",
        v -> existingOnly = v,
        "--existing");
    flag(
        s,
        "A file whose size matches is up to date, whatever its time.",
        v -> sizeOnly = v,
        "--size-only");
    flag(
        s,
        "Copy files even when size and time match.",
        v -> ignoreTimes = v,
        "-I",
        "--ignore-times");
    s.addOption(
        CommandLine.Model.OptionSpec.builder("--modify-window")
            .paramLabel("SECONDS")
            .type(Integer.class)
            .description(
                "Times this many seconds apart count as equal (default 0: to the nanosecond).")
            .setter(bind(v -> modifyWindow = (Integer) v))
            .build());
    value(
        s,
        "METHOD",
        "Force one tier: reflink, cfr (copy_file_range), sendfile, rw (read/write). Default: auto.",
        v -> copyMethod = v,
        "--copy-method");
    value(
        s,
        "DIR",
        "Copy every operand into DIR, which must be a directory (cp's -t).",
        v -> targetDirectory = v,
        "--target-directory");
    flag(
        s,
        "DEST is the copy itself, never a directory to copy into (cp's -T).",
        v -> noTargetDirectory = v,
        "--no-target-directory");
    value(
        s,
        "WHEN",
        "As cp: always (share extents or fail; --reflink alone), auto (the default), never (copy the bytes).",
        v -> reflink = v,
        "--reflink");
    value(
        s,
        "WHEN",
        "As cp: auto keeps the source's holes; always also makes one for each block of zeros;"
            + " never writes holes as zeros.",
        v -> sparse = v,
        "--sparse");
    value(
        s,
        "LIST",
        "Also keep (cp's names, comma-separated): mode, ownership, timestamps, links, xattr, all"
            + " (--preserve alone: mode,ownership,timestamps).",
        preserveLists::add,
        "--preserve");
    value(
        s,
        "LIST",
        "Do not keep these (the same names), even with -a.",
        noPreserveLists::add,
        "--no-preserve");
    value(
        s,
        "PATTERN",
        "Exclude matching paths (rsync rules: first match wins, '/' anchors, '**', trailing '/' = directories).",
        v -> filterArgs.add(new String[] {"exclude", v}),
        "-e",
        "--exclude");
    value(
        s,
        "PATTERN",
        "Include matching paths even if a later rule excludes them.",
        v -> filterArgs.add(new String[] {"include", v}),
        "--include");
    value(
        s,
        "FILE",
        "Read exclude patterns from FILE (one per line, # comments).",
        v -> filterArgs.add(new String[] {"exclude-from", v}),
        "--exclude-from");
    value(
        s,
        "FILE",
        "Read include patterns from FILE.",
        v -> filterArgs.add(new String[] {"include-from", v}),
        "--include-from");
    value(
        s,
        "RULE",
        "An rsync filter rule: +, -, H (hide), S (show), P (protect), R (risk), ! (clear), merge"
            + " FILE, dir-merge NAME, with modifiers !, s, r (and e, n, +, - for merges).",
        v -> filterArgs.add(new String[] {"filter", v}),
        "-f",
        "--filter");
    flag(
        s,
        "-f 'dir-merge /.rsync-filter' (rules from .rsync-filter in each directory); twice, also"
            + " -f '- .rsync-filter'.",
        v -> {
          if (v) {
            filterArgs.add(
                new String[] {
                  "filter", rsyncFilterFlags++ == 0 ? "dir-merge /.rsync-filter" : "- .rsync-filter"
                });
          }
        },
        "-F");
    flag(
        s,
        "Print one JSON report on stdout (with --progress: JSON lines at 1 Hz first).",
        v -> json = v,
        "--json");
    flag(
        s,
        "Show progress: files, bytes, rate and ETA (5 Hz on a terminal).",
        v -> progress = v,
        "--progress");
    flag(
        s,
        "List copied entries, fallbacks and metadata that could not be kept.",
        v -> verbose = v,
        "-v",
        "--verbose");
    flag(
        s,
        "Like -v, plus the tier that served each file and every fallback.",
        v -> debug = v,
        "--debug");
    flag(s, "Print nothing but errors.", v -> quiet = v, "-q", "--quiet");
    flag(
        s,
        "Sizes in human units (always so; accepted for rsync's -h).",
        v -> {},
        "-h",
        "--human-readable");
    flag(
        s,
        "--partial --progress, as rsync's -P.",
        v -> {
          progress |= v;
          partial |= v;
        },
        "-P");
    flag(
        s,
        "Keep BLAKE3 signatures of target files (user.foxing.sig, or .foxing_meta/ beside large ones) and a record on each target directory (user.foxing.dir): later runs update big files by changed chunks and leave unchanged directories' entries unexamined.",
        v -> generateSigs = v,
        "--generate-sigs");
    s.addOption(
        CommandLine.Model.OptionSpec.builder("--threads")
            .paramLabel("N")
            .type(Integer.class)
            .description(
                "Worker threads (default: one per core within a filesystem, two per core across).")
            .setter(bind(v -> threads = (Integer) v))
            .build());
    value(
        s,
        "TARGET",
        "Remove temporaries an interrupted copy left under TARGET, then exit.",
        v -> cleanup = v,
        "--cleanup");
    s.addOption(
        CommandLine.Model.OptionSpec.builder("--help")
            .usageHelp(true)
            .description("Show this help and exit (-h is rsync's --human-readable).")
            .build());
    s.addOption(
        CommandLine.Model.OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print the version and exit.")
            .build());
    s.addPositional(
        CommandLine.Model.PositionalParamSpec.builder()
            .paramLabel("SRC... DEST")
            .hideParamSyntax(true)
            .arity("0..*")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description("Sources, then the target.")
            .setter(
                bind(
                    v -> {
                      @SuppressWarnings("unchecked")
                      List<String> list = (List<String>) v;
                      paths = list == null ? new ArrayList<>() : list;
                    }))
            .build());
    return s;
  }

  private static void flag(
      CommandLine.Model.CommandSpec s,
      String description,
      java.util.function.Consumer<Boolean> set,
      String... names) {
    s.addOption(
        CommandLine.Model.OptionSpec.builder(names)
            .arity("0")
            .type(boolean.class)
            .description(description)
            .setter(bind(v -> set.accept(Boolean.TRUE.equals(v))))
            .build());
  }

  private void letter(
      CommandLine.Model.CommandSpec s,
      String description,
      String letter,
      String name,
      Preserve... kept) {
    String[] names = name == null ? new String[] {letter} : new String[] {letter, name};
    flag(
        s,
        description,
        v -> {
          if (v) {
            letters.addAll(List.of(kept));
          }
        },
        names);
  }

  private static void value(
      CommandLine.Model.CommandSpec s,
      String label,
      String description,
      java.util.function.Consumer<String> set,
      String... names) {
    s.addOption(
        CommandLine.Model.OptionSpec.builder(names)
            .paramLabel(label)
            .type(String.class)
            .description(description)
            .setter(
                bind(
                    v -> {
                      if (v != null) { // picocli may reset an option to its (absent) initial value
                        set.accept((String) v);
                      }
                    }))
            .build());
  }

  /** picocli's setter interface has a generic method, so a lambda needs this adapter. */
  private static CommandLine.Model.ISetter bind(java.util.function.Consumer<Object> set) {
    return new CommandLine.Model.ISetter() {
      @Override
      public <T> T set(T value) {
        set.accept(value);
        return null;
      }
    };
  }

  public static void main(String[] args) {
    Logging.configure(args);
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length > 0 && args[0].equals("sum")) {
      return Sum.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length > 0 && args[0].equals("snap")) {
      return Snap.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (new Version().answered(args, out)) {
      return ExitCode.OK;
    }
    return execute(commandLine(), "fxcp", cpBareOptions(args), out, err);
  }

  /**
   * cp's {@code --preserve} and {@code --reflink} alone, with their implied values: their value is
   * only ever attached ({@code --reflink=never}), so the next word stays an operand.
   */
  static String[] cpBareOptions(String[] args) {
    String[] out = args.clone();
    for (int i = 0; i < out.length && !out[i].equals("--"); i++) {
      if (out[i].equals("--preserve")) {
        out[i] = "--preserve=mode,ownership,timestamps";
      } else if (out[i].equals("--reflink")) {
        out[i] = "--reflink=always";
      }
    }
    return out;
  }

  /** fxcp's command line (without sum and snap, which {@link #run} dispatches first). */
  static CommandLine commandLine() {
    Fxcp fxcp = new Fxcp();
    fxcp.spec = fxcp.model();
    CommandLine cl = new CommandLine(fxcp.spec);
    cl.setOverwrittenOptionsAllowed(true); // repeated --exclude/--include arrive in order
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (cleanup != null) {
      long n =
          SmartCopier.cleanup(
              cleanup,
              p -> {
                if (verbose || debug) {
                  out.println("removed " + p);
                }
              });
      err.println(
          "fxcp: removed " + n + " temporar" + (n == 1 ? "y" : "ies") + " under " + cleanup);
      return ExitCode.OK;
    }
    String operands = cpOperands();
    if (operands != null) {
      err.println("fxcp: " + operands);
      return ExitCode.NOTHING_DONE;
    }
    if (paths.size() < 2) {
      err.println(
          "fxcp: give at least one source and a target, e.g. fxcp -a SRC/ DEST (see fxcp --help)");
      return ExitCode.NOTHING_DONE;
    }
    if (quiet) { // errors only, as rsync -q
      verbose = false;
      debug = false;
      progress = false;
    }
    CopyOptions options = options(err);
    if (options == null) {
      return ExitCode.NOTHING_DONE;
    }
    for (String m : options.filters().malformed()) {
      err.println("fxcp: warning: filter pattern " + m + " (as in rsync)");
    }
    if (debug && throttle) {
      io.foxing.copy.internal.Governor.Reading g = io.foxing.copy.internal.Governor.system().read();
      err.println(
          "fxcp: throttle: "
              + (g.available()
                  ? String.format(
                      java.util.Locale.ROOT,
                      "pressure now cpu %.0f%%, io %.0f%%, memory %.0f%%: %s",
                      g.cpu() * 100,
                      g.io() * 100,
                      g.memory() * 100,
                      g.stressed() ? "pacing at " + Math.round(g.duty() * 100) + "%" : "not pacing")
                  : "no /proc/pressure here (a kernel without PSI, or booted with psi=0): nothing to pace by"));
    }
    if (debug) {
      for (String p : paths) {
        try {
          err.println(
              "fxcp: " + p + ": " + io.foxing.copy.internal.StorageStack.ofTarget(p).describe());
        } catch (IOException | RuntimeException e) {
          err.println("fxcp: " + p + ": storage not known: " + oneLine(e));
        }
      }
      for (CopyTier t : SmartCopier.tiers()) {
        err.println(
            "fxcp: tier "
                + t.name()
                + " (priority "
                + t.priority()
                + "): "
                + (t.isAvailable() ? "available" : "unavailable: " + t.unavailabilityCause()));
      }
    }
    List<String> sources = paths.subList(0, paths.size() - 1);
    String target = paths.get(paths.size() - 1);
    if (filesFrom != null) {
      try {
        sources = listedSources(sources, filesFrom, from0);
      } catch (IllegalArgumentException e) {
        err.println("fxcp: " + e.getMessage());
        return ExitCode.NOTHING_DONE;
      }
    }
    for (String p : paths) {
      if (isRemoteShellPath(p)) {
        err.println(
            "fxcp: "
                + p
                + ": HOST:PATH is a remote shell path, which fxcp does not copy to or from; "
                + "use rsync for that, nfs://HOST/export/path for an NFS server, or ./"
                + p
                + " for a local name with a colon");
        return ExitCode.NOTHING_DONE;
      }
    }
    Copier copier = copierFor(target, options);
    ConsoleListener listener =
        new ConsoleListener(out, err, itemize || dryRun, verbose || debug, debug, progress, json);
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
      err.println(
          "fxcp: failed: "
              + f.reason()
              + (f.reason().startsWith(f.path()) ? "" : " [" + f.path() + "]"));
    }
    if (!report.xattrsNotPreserved().isEmpty() && !json && !quiet) {
      err.println(
          "fxcp: warning: "
              + report.xattrsNotPreserved().values().stream().mapToLong(Long::longValue).sum()
              + " extended attribute(s) could not be set on the target"
              + (verbose || debug ? ": " + report.xattrsNotPreserved() : " (-v names them)"));
    }
    return ExitCode.of(report.status());
  }

  /**
   * cp's --target-directory and --no-target-directory, as the operands fxcp's own rules read the
   * same way: DIR/ at the end, or a directory source's contents into DEST (which then is the copy).
   * Returns why they cannot be, or null.
   */
  private String cpOperands() {
    if (targetDirectory != null) {
      if (noTargetDirectory) {
        return "--target-directory and --no-target-directory contradict each other: choose one";
      }
      if (!Files.isDirectory(Path.of(targetDirectory))) {
        return "--target-directory "
            + targetDirectory
            + ": not a directory (make it first, or name it as the last operand)";
      }
      paths.add(targetDirectory.endsWith("/") ? targetDirectory : targetDirectory + "/");
    }
    if (noTargetDirectory) {
      if (paths.size() != 2) {
        return "--no-target-directory takes one source and DEST, got " + paths.size() + " operands";
      }
      String src = paths.get(0);
      String dst = paths.get(1);
      while (dst.length() > 1 && dst.endsWith("/")) {
        dst = dst.substring(0, dst.length() - 1);
      }
      if (Files.isDirectory(Path.of(src), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        paths.set(0, src.endsWith("/") ? src : src + "/"); // its contents: DEST becomes the copy
      } else if (Files.isDirectory(Path.of(dst), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return dst
            + ": a directory, which --no-target-directory will not replace with "
            + src
            + " (as cp)";
      }
      paths.set(1, dst);
    }
    return null;
  }

  /** cp's attribute names ({@code --preserve=mode,timestamps}) as what fxcp keeps. */
  static EnumSet<Preserve> cpAttributes(String list, String option) {
    EnumSet<Preserve> out = EnumSet.noneOf(Preserve.class);
    for (String name : list.split(",", -1)) {
      switch (name.strip()) {
        case "mode" ->
            out.addAll(List.of(Preserve.MODE, Preserve.ACLS)); // cp copies ACLs with mode
        case "ownership" -> out.addAll(List.of(Preserve.OWNER, Preserve.GROUP));
        case "timestamps" -> out.add(Preserve.TIMES);
        case "links" -> out.add(Preserve.HARD_LINKS);
        case "xattr" -> out.add(Preserve.XATTRS);
        case "all" -> out.addAll(cpAttributes("mode,ownership,timestamps,links,xattr", option));
        case "context" ->
            throw new IllegalArgumentException(
                option + "=context: SELinux contexts are extended attributes to fxcp: use xattr");
        default ->
            throw new IllegalArgumentException(
                option
                    + "="
                    + list
                    + ": '"
                    + name
                    + "' is not one of mode, ownership, timestamps, links, xattr, all");
      }
    }
    return out;
  }

  /**
   * rsync's and scp's {@code HOST:PATH} (a colon before any slash): copying it as a local name
   * would make a directory called {@code host:dst}. {@code ./host:dst} or a path with a slash
   * before the colon is local; {@code scheme://} is a target URI.
   */
  static boolean isRemoteShellPath(String p) {
    int colon = p.indexOf(':');
    int slash = p.indexOf('/');
    return colon > 0
        && (slash < 0 || colon < slash)
        && !p.startsWith(p.substring(0, colon) + "://");
  }

  /** The copier for a local path or a URI ({@code nfs://...}); the same engine either way. */
  private Copier copierFor(String target, CopyOptions options) throws IOException {
    Copier c = Copiers.open(target, options);
    return progress && c instanceof SmartCopier s ? s.withScanAhead() : c;
  }

  private CopyOptions options(PrintWriter err) throws IOException {
    CopyOptions.Builder b = CopyOptions.builder();
    b.delete(delete || !deleteWhen.isEmpty())
        .deleteTiming(deleteTiming)
        .dryRun(dryRun)
        .checksum(checksum)
        .inplace(inplace)
        .partial(partial)
        .generateSignatures(generateSigs)
        .update(update)
        .ignoreExisting(ignoreExisting)
        .existingOnly(existingOnly)
        .sizeOnly(sizeOnly)
        .ignoreTimes(ignoreTimes)
        .deleteExcluded(deleteExcluded)
        .fsync(fsync)
        .mkpath(mkpath)
        .oneFileSystem(oneFileSystem)
        .removeSourceFiles(removeSourceFiles)
        .safeLinks(safeLinks)
        .pruneEmptyDirs(pruneEmptyDirs)
        .backup(backup)
        .backupDir(backupDir)
        .backupSuffix(backupSuffix)
        .omitDirTimes(omitDirTimes)
        .followSymlinks(
            copyLinks
                ? CopyOptions.SymlinkFollowing.ALL
                : copyUnsafeLinks
                    ? CopyOptions.SymlinkFollowing.UNSAFE
                    : CopyOptions.SymlinkFollowing.NONE)
        .throttle(throttle);
    try {
      if (referenceKinds.size() > 1) {
        throw new IllegalArgumentException(
            String.join(", ", referenceKinds)
                + ": give one kind of reference directory (rsync does not mix them either)");
      }
      if (!referenceDirs.isEmpty()) {
        b.referenceDirs(
            switch (referenceKinds.iterator().next()) {
              case "--compare-dest" -> CopyOptions.ReferenceUse.COMPARE;
              case "--copy-dest" -> CopyOptions.ReferenceUse.COPY;
              default -> CopyOptions.ReferenceUse.LINK;
            },
            referenceDirs);
      }
      if (deleteWhen.size() > 1) {
        throw new IllegalArgumentException(
            String.join(" and ", deleteWhen)
                + ": give one of them (rsync allows one --delete-WHEN)");
      }
      EnumSet<Preserve> kept = archive ? EnumSet.copyOf(Preserve.ARCHIVE) : EnumSet.copyOf(letters);
      for (String list : preserveLists) {
        kept.addAll(cpAttributes(list, "--preserve"));
      }
      for (String list : noPreserveLists) {
        kept.removeAll(cpAttributes(list, "--no-preserve"));
      }
      if (!archive || !noPreserveLists.isEmpty()) {
        // without -a, as rsync composes its letters: contents only, plus what each letter keeps;
        // directories only with -r
        b.preserve(kept).recursive(archive || recursive);
      }
      b.relative(
          filesFrom != null && !recursive
              ? CopyOptions.Relative.ENTRIES_ONLY // as rsync: -a does not recurse the list
              : relative || filesFrom != null
                  ? CopyOptions.Relative.WITH_CONTENTS
                  : CopyOptions.Relative.NONE);
      if (reflink != null) {
        copyMethod =
            switch (reflink) {
              case "always" -> "reflink";
              case "auto" -> copyMethod;
              case "never" -> "rw"; // read and write: copy_file_range may share extents too
              default ->
                  throw new IllegalArgumentException(
                      "--reflink=" + reflink + ": use always, auto or never (as cp)");
            };
      }
      io.foxing.api.ModeRules modes = io.foxing.api.ModeRules.NONE;
      for (String rules : chmodArgs) { // each --chmod adds to the list, as rsync's
        modes = modes.then(io.foxing.api.ModeRules.parse(rules, io.foxing.posix.Posix.umask()));
      }
      b.chmod(modes);
      if (sparse != null) {
        b.sparse(
            switch (sparse) {
              case "auto" -> CopyOptions.Sparse.AUTO;
              case "always" -> CopyOptions.Sparse.ALWAYS;
              case "never" -> CopyOptions.Sparse.NEVER;
              default ->
                  throw new IllegalArgumentException(
                      "--sparse=" + sparse + ": give auto, always or never (as cp)");
            });
      }
      if (sizeOnly && ignoreTimes) {
        throw new IllegalArgumentException(
            "--size-only and --ignore-times contradict each other: choose one");
      }
      if (info != null) {
        if (!info.equals("progress2")) {
          throw new IllegalArgumentException(
              "--info=" + info + ": only progress2 is supported (it is --progress)");
        }
        progress = true;
      }
      if (maxDelete != null) {
        if (maxDelete < 0) {
          throw new IllegalArgumentException("--max-delete must be 0 or more, got " + maxDelete);
        }
        b.maxDelete(maxDelete);
      }
      if (modifyWindow != null) {
        if (modifyWindow < 0) {
          throw new IllegalArgumentException(
              "--modify-window must be 0 or more seconds, got " + modifyWindow);
        }
        b.modifyWindow(java.time.Duration.ofSeconds(modifyWindow));
      }
      b.copyMethod(CopyMethod.fromCliName(copyMethod));
      if (threads != null) {
        if (threads < 1) {
          throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        b.threads(threads);
      }
      b.filters(filters());
      return b.build();
    } catch (IllegalArgumentException e) {
      err.println("fxcp: " + e.getMessage());
      return null;
    }
  }

  /**
   * --files-from: each listed path below the one source directory, as {@code SRC/./PATH} (-R keeps
   * the path from there). Blank lines are skipped; {@code -} reads standard input.
   *
   * @param nul entries end with a NUL (-0), so they may hold newlines
   */
  static List<String> listedSources(List<String> sources, String list, boolean nul) {
    if (sources.size() != 1) {
      throw new IllegalArgumentException(
          "--files-from takes one source directory, which the listed paths are below; got "
              + sources.size());
    }
    List<String> lines;
    try {
      String text =
          new String(
              list.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(list)),
              StandardCharsets.UTF_8);
      lines = nul ? List.of(text.split("\0")) : text.lines().toList();
    } catch (IOException | java.io.UncheckedIOException | java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(
          list + ": --files-from list cannot be read (" + e.getMessage() + "); check the path");
    }
    String base = sources.get(0).replaceAll("/+$", "");
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (!line.isEmpty()) {
        out.add((base.isEmpty() ? "" : base) + "/./" + line.replaceAll("^/+", ""));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(list + ": --files-from list names nothing to copy");
    }
    return out;
  }

  /** A {@code merge} rule's file, or null if there is none (the rule then says so). */
  private Reader ruleFile(String path) {
    try {
      return rules(Path.of(path));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(
          "filter rule merge file " + path + " cannot be read (" + e.getMessage() + "); check it");
    }
  }

  /**
   * A file of rules, one per line; with -0 one per NUL-terminated entry (given to the parser as
   * lines, so a pattern cannot hold a newline).
   */
  private Reader rules(Path file) throws IOException {
    if (!from0) {
      return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return new java.io.StringReader(text.replace('\0', '\n'));
  }

  private FilterRules filters() throws IOException {
    FilterRules.Builder fb = FilterRules.builder();
    for (String[] f : filterArgs) {
      switch (f[0]) {
        case "exclude" -> fb.exclude(f[1]);
        case "include" -> fb.include(f[1]);
        case "filter" -> fb.filter(f[1], this::ruleFile);
        default -> {
          try (Reader r = rules(Path.of(f[1]))) {
            fb.addFrom(r, f[0].equals("include-from"));
          } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                f[1] + ": --" + f[0] + " file does not exist; check the path");
          }
        }
      }
    }
    return fb.build();
  }

  /**
   * Runs a picocli command with the given streams; bad arguments and failures are one line on
   * {@code err} starting with {@code name}, exit code 2.
   */
  static int execute(CommandLine cl, String name, String[] args, PrintWriter out, PrintWriter err) {
    cl.setOut(out);
    cl.setErr(err);
    // --help wraps to the terminal; piped, at 100 columns, which the descriptions' lines fit
    cl.setUsageHelpWidth(100);
    cl.setUsageHelpAutoWidth(true);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
          return ExitCode.NOTHING_DONE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, r) -> {
          err.println(name + ": " + oneLine(ex));
          return ExitCode.NOTHING_DONE;
        });
    return cl.execute(args);
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  /** The version line; reads the jar manifest so it needs no native code (no warnings, fast). */
  static class Version implements CommandLine.IVersionProvider {
    /**
     * Prints the version if the whole command line asks for it ({@code --version} or {@code -V}):
     * what scripts ask most, answered without building the option model (~70 ms of a start).
     */
    boolean answered(String[] args, PrintWriter out) {
      if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
        return false;
      }
      out.println(getVersion()[0]);
      return true;
    }

    /** The command the line names. */
    String tool() {
      return "fxcp";
    }

    @Override
    public String[] getVersion() {
      String v = Fxcp.class.getPackage().getImplementationVersion();
      return new String[] {
        tool()
            + " "
            + (v == null ? "0.1.0-SNAPSHOT" : v)
            + " (Foxing for the JVM; Java "
            + Runtime.version()
            + ")"
      };
    }
  }

  /** {@code foxingd --version} names foxingd. */
  static final class DaemonVersion extends Version {
    @Override
    String tool() {
      return "foxingd";
    }
  }
}
