package io.foxing.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventSources;
import io.foxing.api.events.EventStream;
import io.foxing.api.events.FileEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code foxingd}: the mirror daemon's commands. Today: {@code events}, which prints what the kernel reports. */
public final class Foxingd {
  private Foxingd() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs {@code foxingd ARGS} with the given output streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return Fxcp.execute(new CommandLine(new Top()).addSubcommand(new Events()), "foxingd", args, out, err);
  }

  @Command(name = "foxingd", mixinStandardHelpOptions = true, versionProvider = Fxcp.Version.class,
      description = "Foxing's event-driven mirror daemon.", subcommandsRepeatable = false,
      footerHeading = "%nExit codes:%n", footer = {"  0  stopped normally", "  2  bad arguments, or capture could not start"})
  static final class Top implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCode.NOTHING_DONE;
    }
  }

  @Command(name = "events", mixinStandardHelpOptions = true, versionProvider = Fxcp.Version.class, sortOptions = false,
      description = {
        "Print file events under PATH as they happen, one per line (a debugging tool like fatrace).",
        "The source is chosen automatically (bpf, then fanotify, then inotify) unless --source names one;",
        "the choice and the reason go to standard error, then 'ready' once capture is running.",
        "Stops on Ctrl-C, SIGTERM or after --count events, then prints how many events were seen and lost."
      },
      footerHeading = "%nExit codes:%n", footer = {"  0  stopped normally", "  1  capture stopped by an error (printed)", "  2  bad arguments, or capture could not start"})
  static final class Events implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The directory to watch (everything below it).")
    Path root;

    @Option(names = "--source", paramLabel = "bpf|fanotify|inotify", description = "Use this source; fail if it cannot run.")
    String source;

    @Option(names = "--json", description = "One JSON object per line: seq, time_ns, kind, path, from, pid, detail.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    long count = Long.MAX_VALUE;

    @Option(names = "--include-self", description = "Also report changes made by foxingd itself.")
    boolean includeSelf;

    @Option(names = "--buffer", paramLabel = "BYTES", description = "Kernel ring buffer size for bpf (power of two, default 16 MiB).")
    int buffer = EventOptions.defaults().kernelBufferBytes();

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      EventOptions options;
      try {
        options = EventOptions.builder().excludeSelf(!includeSelf).kernelBufferBytes(buffer).build();
      } catch (IllegalArgumentException e) {
        err.println("foxingd events: --buffer: " + e.getMessage());
        return ExitCode.NOTHING_DONE;
      }
      EventSources.Opened opened = EventSources.open(source, root, options);
      EventStream stream = opened.stream();
      err.println("foxingd: watching " + root + " with " + opened.source().name() + " (" + opened.reason() + ")");
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
