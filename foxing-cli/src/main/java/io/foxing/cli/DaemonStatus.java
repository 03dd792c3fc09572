// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foxing.copy.internal.Governor;
import io.foxing.copy.internal.StorageStack;
import io.foxing.copy.mirror.Mirror;
import io.foxing.copy.mirror.TargetState;
import io.foxing.copy.mirror.TargetStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * What {@code foxingd status} shows: the daemon writes it as one JSON document (stable snake_case
 * keys, documented in the mirror guide), the client prints it as is ({@code --json}) or as text.
 */
final class DaemonStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DaemonStatus() {}

  static String json(List<Mirror> mirrors, boolean ready) {
    ObjectNode o = JSON.createObjectNode();
    o.put("pid", ProcessHandle.current().pid());
    o.put("ready", ready);
    Governor.Reading g = Governor.system().read();
    o.putObject("governor")
        .put("available", g.available())
        .put("stressed", g.stressed())
        .put("duty", g.duty())
        .put("cpu", g.cpu())
        .put("io", g.io())
        .put("memory", g.memory())
        .put("paused_seconds", Governor.system().pausedNanos() / 1e9);
    ArrayNode sources = o.putArray("sources");
    for (Mirror m : mirrors) {
      ObjectNode s = sources.addObject();
      s.put("source", m.source().toString());
      s.put("event_source", m.eventSource());
      s.put("events_lost", m.eventsLost());
      ArrayNode targets = s.putArray("targets");
      for (TargetStatus t : m.status()) {
        ObjectNode n = targets.addObject();
        n.put("target", t.target());
        n.put("state", t.state().name().toLowerCase(Locale.ROOT));
        n.put("reason", t.reason());
        n.put("since", t.since().toString());
        n.put("lag_seconds", t.lag().toNanos() / 1e9);
        n.put("queued", t.queued());
        n.put("retrying", t.retrying());
        n.put("running", t.running());
        n.put("journaled", t.journaled());
        n.put("journal_bytes", t.journalBytes());
        n.put("last_error", t.lastError());
        n.put("last_applied", t.lastApplied() == null ? null : t.lastApplied().toString());
        try {
          StorageStack stack = StorageStack.ofTarget(t.target());
          n.put("storage", stack.describe());
          n.put("profile", stack.profile().name());
        } catch (java.io.IOException | RuntimeException e) {
          n.put("storage", "not known: " + Fxcp.oneLine(e));
          n.putNull("profile");
        }
        TargetStatus.Totals c = t.totals();
        n.putObject("totals")
            .put("events", c.events())
            .put("batches", c.batches())
            .put("rescans", c.rescans())
            .put("retries_queued", c.retriesQueued())
            .put("retries_completed", c.retriesCompleted())
            .put("hung_runs", c.hungRuns())
            .put("directories_pruned", c.directoriesPruned())
            .put("delta_files", c.deltaFiles())
            .put("delta_bytes_saved", c.deltaBytesSaved());
      }
    }
    return o.toString() + "\n";
  }

  /** One line for systemd's STATUS=: how many targets are live, and what the others are doing. */
  static String summary(List<Mirror> mirrors) {
    int live = 0;
    int all = 0;
    StringBuilder others = new StringBuilder();
    for (Mirror m : mirrors) {
      for (TargetStatus t : m.status()) {
        all++;
        if (t.state() == TargetState.LIVE) {
          live++;
        } else {
          others
              .append(others.length() == 0 ? "; " : ", ")
              .append(t.target())
              .append(' ')
              .append(t.state().name().toLowerCase(Locale.ROOT));
        }
      }
    }
    return live + " of " + all + " target(s) live" + others;
  }

  /**
   * Prints a status document as text, one block per source, one line per target.
   *
   * @return {@link ExitCode#OK} when every target is live, else {@link ExitCode#PARTIAL}
   */
  static int print(String json, PrintWriter out) throws java.io.IOException {
    JsonNode o = JSON.readTree(json);
    boolean allLive = o.path("ready").asBoolean();
    out.println(
        "foxingd "
            + o.path("pid").asLong()
            + (o.path("ready").asBoolean() ? ", ready" : ", hydrating"));
    JsonNode g = o.path("governor");
    if (g.path("available").asBoolean()) {
      out.printf(
          Locale.ROOT,
          "pressure: cpu %.0f%%, io %.0f%%, memory %.0f%%; background work %s%n",
          g.path("cpu").asDouble() * 100,
          g.path("io").asDouble() * 100,
          g.path("memory").asDouble() * 100,
          g.path("stressed").asBoolean()
              ? "paced at " + Math.round(g.path("duty").asDouble() * 100) + "%"
              : "at full pace");
    }
    for (JsonNode s : o.path("sources")) {
      out.println(
          s.path("source").asText()
              + "  ("
              + s.path("event_source").asText()
              + ", "
              + s.path("events_lost").asLong()
              + " events lost)");
      for (JsonNode t : s.path("targets")) {
        String state = t.path("state").asText();
        allLive &= state.equals("live");
        out.printf(
            Locale.ROOT,
            "  %-40s %-11s lag %.3f s, queued %d, retrying %d, journaled %d, since %s%n",
            t.path("target").asText(),
            state,
            t.path("lag_seconds").asDouble(),
            t.path("queued").asInt(),
            t.path("retrying").asInt(),
            t.path("journaled").asInt(),
            t.path("since").asText());
        if (!state.equals("live")) {
          out.println("    why: " + t.path("reason").asText());
        }
        out.println("    storage: " + t.path("storage").asText());
        if (!t.path("last_error").isNull()) {
          out.println("    last error: " + t.path("last_error").asText());
        }
      }
    }
    return allLive ? ExitCode.OK : ExitCode.PARTIAL;
  }
}
