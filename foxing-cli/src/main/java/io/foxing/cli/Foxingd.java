// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.foxing.api.Change;
import io.foxing.api.Copiers;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.FilterRules;
import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventSources;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import io.foxing.copy.internal.StorageStack;
import io.foxing.copy.mirror.Mirror;
import io.foxing.copy.mirror.MirrorListener;
import io.foxing.copy.mirror.MirrorOptions;
import io.foxing.copy.mirror.TargetState;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code foxingd}: the mirror daemon's commands: {@code sync} (mirror a directory, once or
 * continuously) and {@code events} (print what the kernel reports).
 */
public final class Foxingd {
  private Foxingd() {}

  public static void main(String[] args) {
    Logging.configure(args);
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs {@code foxingd ARGS} with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (new Fxcp.DaemonVersion().answered(args, out)) {
      return ExitCode.OK;
    }
    return Fxcp.execute(commandLine(), "foxingd", args, out, err);
  }

  static CommandLine commandLine() {
    return new CommandLine(new Top())
        .addSubcommand(new Sync())
        .addSubcommand(new Daemon())
        .addSubcommand(new Status())
        .addSubcommand(new TopView())
        .addSubcommand(new Metrics())
        .addSubcommand(new Check())
        .addSubcommand(new Explain())
        .addSubcommand(new Events());
  }

  @Command(
      name = "foxingd",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      description = "Foxing's event-driven mirror daemon.",
      subcommandsRepeatable = false,
      footerHeading = "%nExit codes:%n",
      footer = {"  0  stopped normally", "  2  bad arguments, or capture could not start"})
  static final class Top implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCode.NOTHING_DONE;
    }
  }

  @Command(
      name = "sync",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      sortOptions = false,
      description = {
        "Make each DST equal to SRC, as fxcp -a --delete SRC/ DST would (DST: a local path or nfs://HOST/export/dir).",
        "With --watch, keep them equal: capture file events first, compare everything once, print 'ready' on",
        "standard error, then apply changes as they happen until SIGTERM or Ctrl-C, which finishes the batch",
        "in flight and exits 0. Events that are lost (a full queue) make it compare everything again."
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  the targets are equal to the source (or --watch stopped normally)",
        "  1  some entries failed (each is listed)",
        "  2  bad arguments, or nothing could start"
      })
  static final class Sync implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The directory to mirror.")
    Path source;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "DST",
        description = "Where its mirror is kept (one or more).")
    List<String> targets;

    @Option(
        names = {"-a", "--archive"},
        description = "Keep everything (the default; as fxcp -a).")
    boolean archive = true;

    @Option(names = "--watch", description = "Keep mirroring changes until stopped.")
    boolean watch;

    @Option(
        names = "--exclude",
        paramLabel = "PATTERN",
        description = "Leave out entries matching PATTERN (rsync's rules; repeatable).")
    List<String> excludes = new ArrayList<>();

    @Option(
        names = "--include",
        paramLabel = "PATTERN",
        description =
            "Do not leave out entries matching PATTERN (before the excludes it precedes).")
    List<String> includes = new ArrayList<>();

    @Option(
        names = "--source",
        paramLabel = "bpf|fanotify|inotify",
        description = "With --watch: the event source; fail if it cannot run.")
    String eventSource;

    @Option(
        names = "--settle",
        paramLabel = "MS",
        description =
            "With --watch: after a change, wait this long for more before applying them (default 2).")
    long settleMs = 2;

    @Option(
        names = "--profile",
        paramLabel = "KIND",
        description = {
          "The targets' kind of storage: NVMe, SSD, HDD, Network, NFS, SdCard,",
          "or Auto (the default: detected, shown by --debug of fxcp and foxingd status; workers stay the default).",
          "HDD: 2 workers, SdCard: 1, NFS and Network: 4 per core (at least 8)."
        })
    String profile = "Auto";

    @Option(
        names = "--journal-dir",
        paramLabel = "DIR",
        description = {
          "With --watch: where each target's outage journal is kept",
          "(default: $STATE_DIRECTORY, else /var/lib/foxingd as root, ~/.local/state/foxingd otherwise)."
        })
    Path journalDir;

    @Option(
        names = "--metrics",
        paramLabel = "HOST:PORT",
        description = "With --watch: serve Prometheus metrics at http://HOST:PORT/metrics.")
    String metrics;

    @Option(
        names = "--control-socket",
        paramLabel = "PATH",
        description = "With --watch: answer foxingd status and foxingd metrics on this socket.")
    Path controlSocket;

    @Option(names = "-i", description = "Print each change applied, with rsync's itemize code.")
    boolean itemize;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (metrics != null) {
        try {
          DaemonConfig.metricsAddress(metrics);
        } catch (IllegalArgumentException e) {
          err.println("foxingd sync: --metrics " + e.getMessage());
          return ExitCode.NOTHING_DONE;
        }
      }
      StorageStack.Profile kind;
      try {
        kind = StorageStack.Profile.parse(profile);
      } catch (IllegalArgumentException e) {
        err.println("foxingd sync: --profile " + e.getMessage());
        return ExitCode.NOTHING_DONE;
      }
      FilterRules.Builder f = FilterRules.builder();
      includes.forEach(f::include);
      excludes.forEach(f::exclude);
      MirrorOptions options =
          MirrorOptions.builder()
              .copy(
                  CopyOptions.archive().toBuilder()
                      .filters(f.build())
                      .threads(kind.workers(Runtime.getRuntime().availableProcessors()))
                      .build())
              .settle(java.time.Duration.ofMillis(settleMs))
              .journalDirectory(journalDir != null ? journalDir : DaemonConfig.defaultJournalDir())
              .build();
      if (!watch) {
        int worst = ExitCode.OK;
        for (String t : targets) {
          CopyReport r =
              Copiers.open(t, options.copy())
                  .copy(List.of(source + "/"), itemize ? printer(out, t) : CopyListener.NONE);
          r.failures().forEach(x -> err.println("foxingd: " + x.path() + ": " + x.reason()));
          worst = Math.max(worst, ExitCode.of(r.status()));
        }
        return worst;
      }
      return watch(
          List.of(new Plan(source, targets, options, eventSource, EventOptions.defaults())),
          new Services(metrics, controlSocket),
          itemize,
          out,
          err);
    }

    private static CopyListener printer(PrintWriter out, String target) {
      return new CopyListener() {
        @Override
        public void changed(Change c) {
          out.println(c.code() + " " + c.path());
        }
      };
    }
  }

  /** One source to mirror, with its targets and options. */
  record Plan(
      Path source,
      List<String> targets,
      MirrorOptions options,
      String eventSource,
      EventOptions events) {}

  /**
   * Where a watching daemon answers: its metrics' HOST:PORT and its control socket (either null:
   * none).
   */
  record Services(String metrics, Path controlSocket) {}

  /**
   * Mirrors every plan until SIGTERM or Ctrl-C (exit 0), or until one stops on an error (exit 1).
   * Each source's events are captured before it is hydrated; 'ready' is printed (and told to
   * systemd) once all are live. Metrics and the control socket answer from the start, hydration
   * included.
   */
  static int watch(
      List<Plan> plans, Services services, boolean itemize, PrintWriter out, PrintWriter err)
      throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    // SIGTERM and Ctrl-C end the watch normally: the batches in flight finish, then exit 0
    Signals.on(stop::countDown, "TERM", "INT");
    List<Mirror> mirrors =
        new CopyOnWriteArrayList<>(); // read by scrapes and status while sources start
    DaemonMetrics metrics = new DaemonMetrics(mirrors);
    SystemdNotify systemd = SystemdNotify.fromEnvironment();
    AtomicBoolean ready = new AtomicBoolean();
    List<AutoCloseable> served = new ArrayList<>();
    try {
      if (services.metrics() != null) {
        InetSocketAddress at = DaemonConfig.metricsAddress(services.metrics());
        try {
          HTTPServer http =
              HTTPServer.builder()
                  .hostname(at.getHostString())
                  .port(at.getPort())
                  .registry(metrics.registry())
                  .buildAndStart();
          served.add(http);
          err.println(
              "foxingd: metrics at http://"
                  + at.getHostString()
                  + ":"
                  + http.getPort()
                  + "/metrics");
        } catch (IOException e) {
          throw new IOException(
              "metrics "
                  + services.metrics()
                  + ": cannot listen ("
                  + Fxcp.oneLine(e)
                  + "); give another HOST:PORT, or \"off\"",
              e);
        }
      }
      if (services.controlSocket() != null) {
        served.add(
            ControlSocket.listen(
                services.controlSocket(),
                command ->
                    switch (command) {
                      case "status" -> DaemonStatus.json(mirrors, ready.get());
                      case "metrics" -> metrics.text();
                      default ->
                          "error: unknown command '" + command + "'; known: status, metrics\n";
                    }));
      }
      for (Plan p : plans) {
        EventSources.Opened opened = EventSources.open(p.eventSource(), p.source(), p.events());
        MirrorListener listener =
            new MirrorListener() {
              @Override
              public void changed(String target, Change c) {
                if (itemize) {
                  out.println(
                      c.code()
                          + " "
                          + c.path()
                          + (plans.size() > 1 || p.targets().size() > 1
                              ? "  [" + target + "]"
                              : ""));
                }
              }

              @Override
              public void rescan(String why) {
                err.println("foxingd: " + p.source() + ": comparing everything again: " + why);
              }

              @Override
              public void failed(String target, String path, String reason) {
                err.println("foxingd: " + target + ": " + reason);
              }

              @Override
              public void state(String target, TargetState state, String why) {
                err.println(
                    "foxingd: "
                        + target
                        + ": "
                        + state.name().toLowerCase(java.util.Locale.ROOT)
                        + ": "
                        + why);
                systemd.status(DaemonStatus.summary(mirrors));
              }

              @Override
              public void applied(
                  String target, long events, CopyReport report, java.time.Duration lag) {
                metrics.applied(target, lag);
              }
            };
        try {
          mirrors.add(
              Mirror.start(p.source(), p.targets(), opened.stream(), p.options(), listener));
        } catch (IOException | RuntimeException e) {
          opened.stream().close();
          throw e;
        }
        err.println(
            "foxingd: watching "
                + p.source()
                + " with "
                + opened.source().name()
                + " ("
                + opened.reason()
                + ")");
      }
      systemd.status("hydrating: " + DaemonStatus.summary(mirrors));
      for (Mirror m : mirrors) {
        // hydration may take long: a SIGTERM meanwhile stops it too, and systemd's watchdog hears
        // from us
        while (!m.awaitReady(java.time.Duration.ofMillis(200))) {
          systemd.watchdogIfDue();
          if (stop.getCount() == 0) {
            err.println("foxingd: stopped before the targets were hydrated");
            return ExitCode.PARTIAL;
          }
        }
      }
      ready.set(true);
      err.println("ready");
      err.flush();
      systemd.ready(DaemonStatus.summary(mirrors));
      // once a second (or as often as systemd's watchdog needs): enough to notice a mirror that
      // died, rare enough to leave an idle daemon asleep
      long check = systemd.checkIntervalMillis(1000);
      while (!stop.await(check, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        // the watchdog is fed from the loop that would notice a dead mirror: a stuck daemon stops
        // feeding it
        systemd.watchdogIfDue();
        for (Mirror m : mirrors) {
          if (m.failure() != null) {
            err.println("foxingd: " + Fxcp.oneLine(m.failure()));
            return ExitCode.PARTIAL;
          }
        }
      }
      err.println("foxingd: stopped");
      return ExitCode.OK;
    } finally {
      systemd.stopping();
      for (Mirror m : mirrors) {
        m.close();
      }
      for (AutoCloseable c : served) {
        c.close();
      }
    }
  }

  @Command(
      name = "daemon",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      description = {
        "Mirror every source of a TOML configuration file to its targets until SIGTERM (see foxingd explain)."
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  stopped normally",
        "  1  a mirror stopped on an error (printed)",
        "  2  the configuration has problems (each printed with its line), or nothing could start"
      })
  static final class Daemon implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "The configuration (TOML).")
    Path config;

    @Option(names = "-i", description = "Print each change applied, with rsync's itemize code.")
    boolean itemize;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      DaemonConfig c;
      try {
        c = DaemonConfig.load(config);
      } catch (DaemonConfig.Invalid e) {
        e.problems.forEach(err::println);
        return ExitCode.NOTHING_DONE;
      }
      List<Plan> plans = new ArrayList<>();
      for (DaemonConfig.Source s : c.sources()) {
        FilterRules.Builder f = FilterRules.builder();
        s.include().forEach(f::include);
        s.exclude().forEach(f::exclude);
        CopyOptions.Builder copy = CopyOptions.archive().toBuilder().filters(f.build());
        if (c.workerCount() > 0) {
          copy.threads(c.workerCount());
        } else {
          copy.threads(s.profile().workers(Runtime.getRuntime().availableProcessors()));
        }
        MirrorOptions options =
            MirrorOptions.builder()
                .copy(copy.build())
                .settle(java.time.Duration.ofMillis(c.settleMs()))
                .journalDirectory(c.journalDir())
                .probeInterval(java.time.Duration.ofMillis(c.probeIntervalMs()))
                .probeTimeout(java.time.Duration.ofMillis(c.probeTimeoutMs()))
                .paceBackground(c.governor())
                .build();
        plans.add(
            new Plan(
                s.path(),
                s.targets(),
                options,
                c.eventSource(),
                EventOptions.builder().queueCapacity(c.queueMax()).build()));
      }
      return watch(
          plans,
          new Services(c.metrics(), c.controlSocket()),
          itemize,
          spec.commandLine().getOut(),
          err);
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      description = {
        "Ask the running daemon how each target stands: its state, lag, queues, journal and last error."
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  every target is live",
        "  1  some target is not live (hydrating, down, full or catching up)",
        "  2  no daemon answers on the control socket"
      })
  static final class Status implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin RunningDaemon daemon;

    @Option(
        names = "--json",
        description = "Print the daemon's answer as one JSON object (keys in the mirror guide).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      String answer = daemon.ask(spec, "status");
      if (answer == null) {
        return ExitCode.NOTHING_DONE;
      }
      if (json) {
        spec.commandLine().getOut().print(answer);
        spec.commandLine().getOut().flush();
        return DaemonStatus.print(answer, new PrintWriter(java.io.Writer.nullWriter()));
      }
      return DaemonStatus.print(answer, spec.commandLine().getOut());
    }
  }

  @Command(
      name = "top",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      sortOptions = false,
      description = {
        "A live view of the running daemon: each target's state, events per second, lag, queues and journal,",
        "and the machine's pressure, redrawn every second; q leaves. Not on a terminal, use --batch."
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  left with q (or the frames were printed)",
        "  2  not a terminal (without --batch)"
      })
  static final class TopView implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin RunningDaemon daemon;

    @Option(
        names = "--batch",
        description =
            "Print frames as plain text, one after another, instead of redrawing (as top -b).")
    boolean batch;

    @Option(
        names = {"-n", "--frames"},
        paramLabel = "N",
        description = "With --batch: how many frames (default 1).")
    int frames = 1;

    @Option(
        names = {"-d", "--delay"},
        paramLabel = "MS",
        description = "Between frames (default 1000).")
    long delayMs = 1000;

    @Override
    public Integer call() throws Exception {
      if (frames < 1 || delayMs < 1) {
        spec.commandLine().getErr().println("foxingd top: --frames and --delay must be at least 1");
        return ExitCode.NOTHING_DONE;
      }
      DaemonTop top = new DaemonTop(daemon.socket);
      return batch
          ? top.batch(spec.commandLine().getOut(), frames, delayMs)
          : top.interactive(spec.commandLine().getErr(), delayMs);
    }
  }

  @Command(
      name = "metrics",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      description = {
        "Print the running daemon's metrics in Prometheus' text format (what its endpoint serves)."
      },
      footerHeading = "%nExit codes:%n",
      footer = {"  0  printed", "  2  no daemon answers on the control socket"})
  static final class Metrics implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin RunningDaemon daemon;

    @Override
    public Integer call() {
      String answer = daemon.ask(spec, "metrics");
      if (answer == null) {
        return ExitCode.NOTHING_DONE;
      }
      spec.commandLine().getOut().print(answer);
      spec.commandLine().getOut().flush();
      return ExitCode.OK;
    }
  }

  /**
   * {@code --control-socket}, for the commands that ask the running daemon (status, top, metrics).
   */
  static final class RunningDaemon {
    @Option(
        names = "--control-socket",
        paramLabel = "PATH",
        description = "The daemon's control socket (default: its default, or control_socket).")
    Path socket = ControlSocket.defaultPath();

    /**
     * The daemon's answer to {@code command}, or null (and one line on standard error) when none
     * answers.
     */
    String ask(CommandLine.Model.CommandSpec spec, String command) {
      try {
        return ControlSocket.ask(socket, command);
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println(
                "foxingd "
                    + command
                    + ": "
                    + socket
                    + ": no daemon answers ("
                    + Fxcp.oneLine(e)
                    + "); is foxingd running? give its --control-socket (control_socket in its configuration)");
        return null;
      }
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      description = {
        "Check a daemon configuration: one line per problem, with its line number; nothing is started."
      },
      footerHeading = "%nExit codes:%n",
      footer = {"  0  no problem", "  2  problems (each printed)"})
  static final class Check implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "The configuration (TOML).")
    Path config;

    @Override
    public Integer call() throws Exception {
      try {
        DaemonConfig c = DaemonConfig.load(config);
        spec.commandLine()
            .getOut()
            .println(
                config
                    + ": ok, "
                    + c.sources().size()
                    + " source(s), "
                    + c.sources().stream().mapToInt(s -> s.targets().size()).sum()
                    + " target(s)");
        return ExitCode.OK;
      } catch (DaemonConfig.Invalid e) {
        e.problems.forEach(spec.commandLine().getErr()::println);
        return ExitCode.NOTHING_DONE;
      }
    }
  }

  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      description = {
        "Print every key of the daemon's configuration file, its default and what it means."
      })
  static final class Explain implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      String table = null;
      for (String[] k : DaemonConfig.KEYS) {
        if (!k[0].equals(table)) {
          table = k[0];
          out.println(table.isEmpty() ? "# top level" : "\n[[" + table + "]]");
        }
        out.println(k[1] + "  (default: " + k[2] + ")");
        out.println("    " + k[3]);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "events",
      mixinStandardHelpOptions = true,
      versionProvider = Fxcp.DaemonVersion.class,
      sortOptions = false,
      description = {
        "Print file events under PATH as they happen, one per line (a debugging tool like fatrace).",
        "The source is chosen automatically (bpf, then fanotify, then inotify) unless --source names one;",
        "the choice and the reason go to standard error, then 'ready' once capture is running.",
        "Stops on Ctrl-C, SIGTERM or after --count events, then prints how many events were seen and lost."
      },
      footerHeading = "%nExit codes:%n",
      footer = {
        "  0  stopped normally",
        "  1  capture stopped by an error (printed)",
        "  2  bad arguments, or capture could not start"
      })
  static final class Events implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The directory to watch (everything below it).")
    Path root;

    @Option(
        names = "--source",
        paramLabel = "bpf|fanotify|inotify",
        description = "Use this source; fail if it cannot run.")
    String source;

    @Option(
        names = "--json",
        description = "One JSON object per line: seq, time_ns, kind, path, from, pid, detail.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    long count = Long.MAX_VALUE;

    @Option(names = "--include-self", description = "Also report changes made by foxingd itself.")
    boolean includeSelf;

    @Option(
        names = "--buffer",
        paramLabel = "BYTES",
        description = "Kernel ring buffer size for bpf (power of two, default 16 MiB).")
    int buffer = EventOptions.defaults().kernelBufferBytes();

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      EventOptions options;
      try {
        options =
            EventOptions.builder().excludeSelf(!includeSelf).kernelBufferBytes(buffer).build();
      } catch (IllegalArgumentException e) {
        err.println("foxingd events: --buffer: " + e.getMessage());
        return ExitCode.NOTHING_DONE;
      }
      EventSources.Opened opened = EventSources.open(source, root, options);
      EventStream stream = opened.stream();
      err.println(
          "foxingd: watching "
              + root
              + " with "
              + opened.source().name()
              + " ("
              + opened.reason()
              + ")");
      err.println("ready");
      err.flush();
      long seen = 0;
      Thread stopper = new Thread(stream::close, "foxingd-stop");
      Runtime.getRuntime().addShutdownHook(stopper);
      try (stream) {
        for (FileEvent e; seen < count && (e = stream.take()) != null; ) {
          out.println(json ? json(e) : text(e));
          seen++;
        }
      }
      out.flush();
      err.println("foxingd: " + seen + " events, " + stream.lost() + " lost");
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // the hook is what stopped us
      }
      if (stream.failure() != null) {
        err.println("foxingd: " + stream.failure());
        return ExitCode.PARTIAL;
      }
      return ExitCode.OK;
    }

    static String text(FileEvent e) {
      StringBuilder b = new StringBuilder(96);
      b.append(e.kind()).append(' ').append(e.path());
      if (e.from() != null) {
        b.append(" <- ").append(e.from());
      }
      if (e.pid() != 0) {
        b.append(" pid=").append(e.pid());
      }
      if (e.detail() != null) {
        b.append(" (").append(e.detail()).append(')');
      }
      return b.toString();
    }

    private static final JsonFactory JSON = new JsonFactory();

    static String json(FileEvent e) throws IOException {
      StringWriter w = new StringWriter(128);
      try (JsonGenerator g = JSON.createGenerator(w)) {
        g.writeStartObject();
        g.writeNumberField("seq", e.sequence());
        g.writeNumberField("time_ns", e.timestampNanos());
        g.writeStringField("kind", e.kind().name());
        g.writeStringField("path", e.path().toString());
        if (e.from() != null) {
          g.writeStringField("from", e.from().toString());
        }
        if (e.pid() != 0) {
          g.writeNumberField("pid", e.pid());
        }
        if (e.detail() != null) {
          g.writeStringField("detail", e.detail());
        }
        g.writeEndObject();
      }
      return w.toString();
    }
  }
}
