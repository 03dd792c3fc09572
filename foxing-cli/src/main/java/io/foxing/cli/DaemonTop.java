// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp;
import org.jline.utils.NonBlockingReader;

/**
 * {@code foxingd top}: the running daemon's targets, redrawn every second from its control socket
 * (the same status {@code foxingd status --json} prints), with rates from one frame to the next.
 * Drawn with JLine's {@link Display}, which rewrites only what changed; {@code q} or Ctrl-C leaves.
 * Not on a terminal (or with {@code --batch}), frames are printed one after another.
 */
final class DaemonTop {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path socket;
  private final Map<String, long[]> before = new HashMap<>(); // target -> events, time (ns)

  DaemonTop(Path socket) {
    this.socket = socket;
  }

  /** Frames to a terminal until q; returns the exit code. */
  int interactive(PrintWriter err, long intervalMs) throws IOException {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      if (Terminal.TYPE_DUMB.equals(terminal.getType())
          || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
        err.println(
            "foxingd top: not a terminal that can be redrawn; use foxingd top --batch, or foxingd status");
        return ExitCode.NOTHING_DONE;
      }
      Attributes saved = terminal.enterRawMode();
      terminal.puts(InfoCmp.Capability.enter_ca_mode);
      terminal.puts(InfoCmp.Capability.cursor_invisible);
      terminal.flush();
      try {
        Display display = new Display(terminal, true);
        NonBlockingReader keys = terminal.reader();
        while (true) {
          Size size = terminal.getSize();
          // a terminal that does not say its size (0 x 0, as a fresh pty) gets the classic 24 x 80
          int rows = size.getRows() > 0 ? size.getRows() : 24;
          int columns = size.getColumns() > 0 ? size.getColumns() : 80;
          display.resize(Size.of(columns, rows));
          List<AttributedString> lines = frame(columns);
          display.update(lines.subList(0, Math.min(lines.size(), rows)), -1);
          terminal.flush();
          int c = keys.read(intervalMs);
          if (c == 'q'
              || c == 'Q'
              || c == 3 /* Ctrl-C in raw mode */
              || c == NonBlockingReader.EOF) {
            return ExitCode.OK;
          }
        }
      } finally {
        terminal.puts(InfoCmp.Capability.cursor_visible);
        terminal.puts(InfoCmp.Capability.exit_ca_mode);
        terminal.setAttributes(saved);
        terminal.flush();
      }
    }
  }

  /** {@code frames} frames as plain text, {@code intervalMs} apart (for scripts, logs, tests). */
  int batch(PrintWriter out, int frames, long intervalMs) throws InterruptedException {
    for (int i = 0; i < frames; i++) {
      if (i > 0) {
        Thread.sleep(intervalMs);
        out.println();
      }
      for (AttributedString line : frame(200)) {
        out.println(line.toString());
      }
      out.flush();
    }
    return ExitCode.OK;
  }

  /** One frame, each line cut to {@code width}. */
  List<AttributedString> frame(int width) {
    List<AttributedString> lines = new ArrayList<>();
    JsonNode o;
    try {
      o = JSON.readTree(ControlSocket.ask(socket, "status"));
    } catch (IOException e) {
      lines.add(
          new AttributedString(
              "foxingd top: "
                  + socket
                  + ": no daemon answers ("
                  + Fxcp.oneLine(e)
                  + "); q to leave",
              AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)));
      return lines;
    }
    JsonNode g = o.path("governor");
    lines.add(
        line(
            width,
            AttributedStyle.BOLD,
            String.format(
                Locale.ROOT,
                "foxingd %d  %s  pressure cpu %.0f%% io %.0f%% mem %.0f%%  %s",
                o.path("pid").asLong(),
                o.path("ready").asBoolean() ? "ready" : "hydrating",
                g.path("cpu").asDouble() * 100,
                g.path("io").asDouble() * 100,
                g.path("memory").asDouble() * 100,
                g.path("stressed").asBoolean()
                    ? "background paced at " + Math.round(g.path("duty").asDouble() * 100) + "%"
                    : "background at full pace")));
    lines.add(new AttributedString(""));
    int tw =
        Math.max(20, Math.min(60, width - 68)); // the target column takes what the numbers leave
    for (JsonNode s : o.path("sources")) {
      lines.add(
          line(
              width,
              AttributedStyle.BOLD,
              s.path("source").asText()
                  + "  ("
                  + s.path("event_source").asText()
                  + ", "
                  + s.path("events_lost").asLong()
                  + " events lost)"));
      lines.add(
          line(
              width,
              AttributedStyle.DEFAULT.inverse(),
              String.format(
                  Locale.ROOT,
                  "  %-" + tw + "s %-11s %9s %9s %7s %7s %8s",
                  "TARGET",
                  "STATE",
                  "EVENTS/S",
                  "LAG",
                  "QUEUED",
                  "RETRY",
                  "JOURNAL")));
      for (JsonNode t : s.path("targets")) {
        String target = t.path("target").asText();
        String state = t.path("state").asText();
        AttributedStyle style =
            switch (state) {
              case "live" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
              case "down", "full" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();
              default -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            };
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.append(String.format(Locale.ROOT, "  %-" + tw + "s ", cut(target, tw)));
        b.styled(style, String.format(Locale.ROOT, "%-11s", state));
        b.append(
            String.format(
                Locale.ROOT,
                " %9s %8.3fs %7d %7d %8d",
                rate(s.path("source").asText() + target, t.path("totals").path("events").asLong()),
                t.path("lag_seconds").asDouble(),
                t.path("queued").asInt(),
                t.path("retrying").asInt(),
                t.path("journaled").asInt()));
        lines.add(b.toAttributedString().columnSubSequence(0, width));
        if (!state.equals("live")) {
          lines.add(line(width, AttributedStyle.DEFAULT, "      " + t.path("reason").asText()));
        }
        if (!t.path("last_error").isNull()) {
          lines.add(
              line(
                  width,
                  AttributedStyle.DEFAULT.faint(),
                  "      last error: " + t.path("last_error").asText()));
        }
      }
      lines.add(new AttributedString(""));
    }
    lines.add(
        line(
            width,
            AttributedStyle.DEFAULT.faint(),
            "q: quit   (foxingd status --json for everything)"));
    return lines;
  }

  /** Events per second since the previous frame (blank on the first). */
  private String rate(String key, long events) {
    long now = System.nanoTime();
    long[] was = before.put(key, new long[] {events, now});
    if (was == null || now == was[1]) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.0f", (events - was[0]) * 1e9 / (now - was[1]));
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }

  private static AttributedString line(int width, AttributedStyle style, String text) {
    return new AttributedString(text, style).columnSubSequence(0, width);
  }
}
