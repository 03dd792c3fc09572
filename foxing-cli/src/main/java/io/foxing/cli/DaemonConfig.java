// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.foxing.copy.internal.StorageStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code foxingd daemon --config FILE.toml}: what to mirror where. Parsed by Jackson's TOML format,
 * then checked key by key: an unknown key, a wrong type or a missing path is one line naming the
 * file, the line and what to do. {@link #KEYS} is what {@code foxingd explain} prints.
 *
 * <pre>
 * worker_count = 2
 * [[sources]]
 * path = "/srv/data"
 * exclude = ["*.tmp"]
 *   [[sources.targets]]
 *   path = "/backup/data"
 *   [[sources.targets]]
 *   path = "nfs://filer/export/data"
 * </pre>
 */
record DaemonConfig(
    int workerCount,
    int queueMax,
    long settleMs,
    String eventSource,
    Path journalDir,
    long probeIntervalMs,
    long probeTimeoutMs,
    String metrics,
    Path controlSocket,
    boolean governor,
    List<Source> sources) {
  /** Where the metrics are served unless {@code metrics} says otherwise: this machine only. */
  static final String DEFAULT_METRICS = "127.0.0.1:9100";

  /** One mirrored directory and where its mirrors are. */
  record Source(
      Path path,
      List<String> exclude,
      List<String> include,
      List<String> targets,
      StorageStack.Profile profile) {}

  /**
   * A configuration with problems: each is one line, {@code FILE:LINE: what is wrong; what to do}.
   */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final List<String> problems;

    Invalid(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }
  }

  /**
   * Every key: where it goes, its default, what it means (for {@code foxingd explain} and the
   * checks).
   */
  static final List<String[]> KEYS =
      List.of(
          new String[] {
            "",
            "worker_count",
            "the number of cores (at least 2)",
            "Workers that apply changes, per daemon."
          },
          new String[] {
            "",
            "queue_max",
            "65536",
            "Events held between the kernel and the mirror; past it, a full comparison."
          },
          new String[] {
            "",
            "settle_ms",
            "2",
            "After a change, how long to wait for more before applying them (milliseconds)."
          },
          new String[] {
            "",
            "event_source",
            "the best available (bpf, fanotify, inotify)",
            "Which event source to use; an unavailable one is an error."
          },
          new String[] {
            "",
            "journal_dir",
            "$STATE_DIRECTORY, else /var/lib/foxingd (root) or ~/.local/state/foxingd",
            "Where each target's outage journal is kept (its filesystem's identity, and changes made while it is away)."
          },
          new String[] {
            "",
            "probe_interval_ms",
            "2000",
            "How often a target that is away (or full) is tried again (milliseconds)."
          },
          new String[] {
            "",
            "probe_timeout_ms",
            "10000",
            "How long a target's probe (a small write, flushed) may take before it counts as away."
          },
          new String[] {
            "",
            "governor",
            "true",
            "Pace hydration, rescans and catching up by the machine's pressure (/proc/pressure); live changes never are."
          },
          new String[] {
            "",
            "metrics",
            DEFAULT_METRICS,
            "Where Prometheus metrics are served (http://HOST:PORT/metrics), or \"off\"."
          },
          new String[] {
            "",
            "control_socket",
            "$RUNTIME_DIRECTORY/control.sock, else /run/foxingd/control.sock (root)",
            "The Unix socket foxingd status and foxingd metrics ask (mode 0600), or \"off\"."
          },
          new String[] {
            "", "sources", "(required, one or more [[sources]])", "Each directory to mirror."
          },
          new String[] {"sources", "path", "(required)", "The directory to mirror."},
          new String[] {
            "sources", "exclude", "[]", "rsync filter patterns of entries to leave out."
          },
          new String[] {
            "sources",
            "include",
            "[]",
            "rsync filter patterns kept even when an exclude matches (checked first)."
          },
          new String[] {
            "sources",
            "profile",
            "Auto",
            "The kind of storage of its targets: NVMe, SSD, HDD, Network, NFS, SdCard, or Auto"
                + " (detected and shown by foxingd status; the workers stay the default). Sets the workers unless worker_count does."
          },
          new String[] {
            "sources",
            "targets",
            "(required, one or more [[sources.targets]])",
            "Where the directory's mirrors are."
          },
          new String[] {
            "sources.targets",
            "path",
            "(required)",
            "A local directory or nfs://HOST[:PORT]/export/dir."
          });

  private static final Set<String> SOURCES = Set.of("bpf", "fanotify", "inotify");

  static DaemonConfig load(Path file) throws IOException, Invalid {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new Invalid(
          List.of(file + ": no such file; give the path of the daemon's TOML configuration"));
    }
    return parse(text, file);
  }

  /** Parses and checks {@code text}, the contents of {@code file} (named in the problems). */
  static DaemonConfig parse(String text, Path file) throws Invalid {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new Invalid(
          List.of(
              file
                  + ":"
                  + line
                  + ": not valid TOML: "
                  + String.valueOf(e.getOriginalMessage()).replace('\n', ' ')));
    } catch (
        RuntimeException e) { // the parser's own failures on odd input (the fuzz test finds them)
      throw new Invalid(
          List.of(file + ": not valid TOML: " + String.valueOf(e.getMessage()).replace('\n', ' ')));
    }
    if (root == null || root.isMissingNode()) {
      throw new Invalid(
          List.of(
              file + ":1: empty; add at least one [[sources]] (foxingd explain lists every key)"));
    }
    Lines lines = new Lines(text);
    List<String> problems = new ArrayList<>();
    Checker c = new Checker(file, lines, problems);
    c.keys(root, "");
    int workers = c.integer(root, "", "worker_count", 0, 1);
    int queue = c.integer(root, "", "queue_max", 65_536, 16);
    int settle = c.integer(root, "", "settle_ms", 2, 0);
    String source = c.text(root, "", "event_source", null);
    String journal = c.text(root, "", "journal_dir", null);
    int probeInterval = c.integer(root, "", "probe_interval_ms", 2000, 10);
    int probeTimeout = c.integer(root, "", "probe_timeout_ms", 10_000, 10);
    String metrics = c.text(root, "", "metrics", DEFAULT_METRICS);
    if (!metrics.equals("off")) {
      try {
        metricsAddress(metrics);
      } catch (IllegalArgumentException e) {
        problems.add(c.at("", "metrics") + "metrics " + e.getMessage());
      }
    }
    String control = c.text(root, "", "control_socket", null);
    boolean governor = c.bool(root, "", "governor", true);
    if (source != null && !SOURCES.contains(source)) {
      problems.add(
          c.at("", "event_source")
              + "event_source = \""
              + source
              + "\" is not one of bpf, fanotify, inotify");
    }
    List<Source> sources = new ArrayList<>();
    JsonNode list = root.get("sources");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problems.add(
          file + ":1: no [[sources]]: add one with a path and at least one [[sources.targets]]");
    } else {
      for (JsonNode s : list) {
        c.keys(s, "sources");
        String path = c.text(s, "sources", "path", null);
        if (path == null) {
          problems.add(
              c.at("sources", null) + "a [[sources]] without path; add path = \"/the/directory\"");
        }
        List<String> targets = new ArrayList<>();
        JsonNode ts = s.get("targets");
        if (ts == null || !ts.isArray() || ts.isEmpty()) {
          problems.add(
              c.at("sources", "path")
                  + "source "
                  + path
                  + " has no [[sources.targets]]; add one with a path");
        } else {
          for (JsonNode t : ts) {
            c.keys(t, "sources.targets");
            String tp = c.text(t, "sources.targets", "path", null);
            if (tp == null) {
              problems.add(
                  c.at("sources.targets", null)
                      + "a [[sources.targets]] without path; add path = \"/where/the/mirror/goes\"");
            } else {
              targets.add(tp);
            }
          }
        }
        String profileName = c.text(s, "sources", "profile", "Auto");
        StorageStack.Profile profile = StorageStack.Profile.AUTO;
        try {
          profile = StorageStack.Profile.parse(profileName);
        } catch (IllegalArgumentException e) {
          problems.add(c.at("sources", "profile") + "profile " + e.getMessage());
        }
        if (path != null) {
          sources.add(
              new Source(
                  Path.of(path),
                  c.strings(s, "sources", "exclude"),
                  c.strings(s, "sources", "include"),
                  targets,
                  profile));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    return new DaemonConfig(
        workers,
        queue,
        settle,
        source,
        journal == null ? defaultJournalDir() : Path.of(journal),
        probeInterval,
        probeTimeout,
        metrics.equals("off") ? null : metrics,
        control == null
            ? ControlSocket.defaultPath()
            : control.equals("off") ? null : Path.of(control),
        governor,
        List.copyOf(sources));
  }

  /**
   * {@code HOST:PORT} ({@code [v6]:PORT} for an IPv6 address; port 0: any free one) as an address,
   * not yet resolved.
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected
   */
  static java.net.InetSocketAddress metricsAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = colon > 0 ? hostPort.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = -1;
    try {
      port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "\"" + hostPort + "\" is not HOST:PORT (e.g. 127.0.0.1:9100, [::1]:9100, 0.0.0.0:9100)");
    }
    return java.net.InetSocketAddress.createUnresolved(host, port);
  }

  /** systemd's StateDirectory= when it gave one, else the usual place for root or for a user. */
  static Path defaultJournalDir() {
    String state = System.getenv("STATE_DIRECTORY");
    if (state != null && !state.isEmpty()) {
      return Path.of(state.split(":")[0]);
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/foxingd");
    }
    return Path.of(System.getProperty("user.home"), ".local", "state", "foxingd");
  }

  /** Where each key is written: its line in the file, per table header. */
  private static final class Lines {
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z0-9_-]+)\\s*=");
    private static final Pattern TABLE =
        Pattern.compile("^\\s*\\[\\[?\\s*([A-Za-z0-9_.-]+)\\s*\\]\\]?");
    private final List<String[]> keys = new ArrayList<>(); // table, key, line
    private final List<String[]> tables = new ArrayList<>(); // table, line

    Lines(String text) {
      String table = "";
      int n = 0;
      for (String line : text.split("\n", -1)) {
        n++;
        Matcher t = TABLE.matcher(line);
        if (t.find()) {
          table = t.group(1);
          tables.add(new String[] {table, Integer.toString(n)});
          continue;
        }
        Matcher k = KEY.matcher(line);
        if (k.find()) {
          keys.add(new String[] {table, k.group(1), Integer.toString(n)});
        }
      }
    }

    int of(String table, String key) {
      for (String[] k : keys) {
        if (k[0].equals(table) && (key == null || k[1].equals(key))) {
          return Integer.parseInt(k[2]);
        }
      }
      for (String[] t : tables) {
        if (t[0].equals(table)) {
          return Integer.parseInt(t[1]);
        }
      }
      return 1;
    }
  }

  private record Checker(Path file, Lines lines, List<String> problems) {
    String at(String table, String key) {
      return file + ":" + lines.of(table, key) + ": ";
    }

    void keys(JsonNode node, String table) {
      if (!node.isObject()) {
        problems.add(
            at(table, null)
                + (table.isEmpty() ? "the file" : "[[" + table + "]]")
                + " must be a table");
        return;
      }
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        String key = entry.getKey();
        if (KEYS.stream().noneMatch(k -> k[0].equals(table) && k[1].equals(key))) {
          List<String> known =
              KEYS.stream().filter(k -> k[0].equals(table)).map(k -> k[1]).toList();
          problems.add(
              at(table, key)
                  + "unknown key "
                  + key
                  + (table.isEmpty() ? "" : " in [[" + table + "]]")
                  + "; known: "
                  + String.join(", ", known)
                  + " (foxingd explain)");
        }
      }
    }

    int integer(JsonNode node, String table, String key, int otherwise, int min) {
      JsonNode v = node.get(key);
      if (v == null) {
        return otherwise;
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
        problems.add(
            at(table, key) + key + " must be a whole number of at least " + min + ", got " + v);
        return otherwise;
      }
      return v.asInt();
    }

    boolean bool(JsonNode node, String table, String key, boolean otherwise) {
      JsonNode v = node.get(key);
      if (v == null) {
        return otherwise;
      }
      if (!v.isBoolean()) {
        problems.add(at(table, key) + key + " must be true or false, got " + v);
        return otherwise;
      }
      return v.asBoolean();
    }

    String text(JsonNode node, String table, String key, String otherwise) {
      JsonNode v = node.get(key);
      if (v == null) {
        return otherwise;
      }
      if (!v.isTextual() || v.asText().isEmpty()) {
        problems.add(at(table, key) + key + " must be a non-empty string, got " + v);
        return otherwise;
      }
      return v.asText();
    }

    List<String> strings(JsonNode node, String table, String key) {
      JsonNode v = node.get(key);
      if (v == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      if (!v.isArray()) {
        problems.add(at(table, key) + key + " must be a list of strings, e.g. [\"*.tmp\"]");
        return out;
      }
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          problems.add(at(table, key) + key + " must hold strings only, got " + e);
        } else {
          out.add(e.asText());
        }
      }
      return out;
    }
  }
}
