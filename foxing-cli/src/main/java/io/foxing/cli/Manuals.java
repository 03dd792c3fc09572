// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages (section 1) and shell completions (bash, zsh, fish) for {@code fxcp} and {@code
 * foxingd}, written at build time from the same picocli models the commands parse with, so that
 * neither can drift from {@code --help}. Run by the build ({@code foxing-cli/pom.xml}) as {@code
 * Manuals OUTDIR VERSION DATE}; the distribution and the package take the files from there.
 */
public final class Manuals {
  private Manuals() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: Manuals OUTDIR VERSION DATE");
      System.exit(ExitCode.NOTHING_DONE);
    }
    write(Path.of(args[0]), args[1], args[2]);
  }

  /** Writes {@code man/man1/*.1} and {@code completions/{bash,zsh,fish}/*} under {@code dir}. */
  static void write(Path dir, String version, String date) throws IOException {
    for (CommandLine cl : List.of(fxcp(), Foxingd.commandLine())) {
      String name = cl.getCommandName();
      put(dir.resolve("man/man1/" + name + ".1"), manPage(cl, version, date));
      put(dir.resolve("completions/bash/" + name), AutoComplete.bash(name, cl));
      put(dir.resolve("completions/zsh/_" + name), zsh(cl));
      put(dir.resolve("completions/fish/" + name + ".fish"), fish(cl));
    }
  }

  /**
   * fxcp with {@code sum} and {@code snap} as subcommands. The command itself dispatches those two
   * before its own model is built (see {@link Fxcp#run}); pages and completions show all three.
   */
  static CommandLine fxcp() {
    CommandLine cl = Fxcp.commandLine();
    CommandLine sum = Sum.commandLine();
    CommandLine snap = new CommandLine(new Snap());
    sum.getCommandSpec().name("sum"); // their own names are "fxcp sum" and "fxcp snap", for --help
    snap.getCommandSpec().name("snap");
    return cl.addSubcommand(sum).addSubcommand(snap);
  }

  private static void put(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  // ---- man (troff -man) ----

  static String manPage(CommandLine cl, String version, String date) {
    CommandSpec spec = cl.getCommandSpec();
    String name = cl.getCommandName();
    StringBuilder m = new StringBuilder();
    m.append(
        ".\\\" Generated from the picocli model by io.foxing.cli.Manuals: edit the command, not this file.\n");
    m.append(".TH ")
        .append(name.toUpperCase(java.util.Locale.ROOT))
        .append(" 1 \"")
        .append(date)
        .append("\" \"Foxing ")
        .append(version)
        .append("\" \"User Commands\"\n");
    m.append(".SH NAME\n").append(name).append(" \\- ").append(roff(summary(spec))).append('\n');
    m.append(".SH SYNOPSIS\n");
    synopsis(m, name, spec);
    for (CommandLine sub : visible(cl)) {
      synopsis(m, name + " " + sub.getCommandName(), sub.getCommandSpec());
    }
    m.append(".SH DESCRIPTION\n");
    paragraphs(m, spec.usageMessage().description());
    options(m, spec);
    List<CommandLine> subs = visible(cl);
    if (!subs.isEmpty()) {
      m.append(".SH COMMANDS\n");
      for (CommandLine sub : subs) {
        command(m, name + " " + sub.getCommandName(), sub);
      }
    }
    String[] footer = spec.usageMessage().footer();
    int codes = exitCodes(footer);
    if (codes > 0) {
      m.append(".SH EXIT STATUS\n");
      paragraphs(m, java.util.Arrays.copyOf(footer, codes));
    }
    if (codes < footer.length) { // after the exit codes, --help's examples
      String[] rest = java.util.Arrays.copyOfRange(footer, codes, footer.length);
      int first = 0;
      while (first < rest.length && rest[first].isBlank()) {
        first++;
      }
      boolean examples = first < rest.length && rest[first].strip().equals("Examples:");
      m.append(examples ? ".SH EXAMPLES\n" : ".SH NOTES\n");
      paragraphs(m, java.util.Arrays.copyOfRange(rest, examples ? first + 1 : first, rest.length));
    }
    m.append(".SH SEE ALSO\n")
        .append(name.equals("fxcp") ? ".BR foxingd (1)," : ".BR fxcp (1),")
        .append("\n.BR rsync (1),\n.BR cp (1)\n");
    m.append(".PP\nhttps://foxing.io\n");
    return m.toString();
  }

  private static void command(StringBuilder m, String title, CommandLine cl) {
    m.append(".SS ").append(roff(title)).append('\n');
    synopsis(m, title, cl.getCommandSpec());
    paragraphs(m, cl.getCommandSpec().usageMessage().description());
    for (OptionSpec o : options(cl.getCommandSpec())) {
      option(m, o);
    }
    String[] footer = cl.getCommandSpec().usageMessage().footer();
    int codes = exitCodes(footer);
    if (codes > 0) {
      m.append(".PP\nExit status:\n");
      paragraphs(m, java.util.Arrays.copyOf(footer, codes));
    }
    for (CommandLine sub : visible(cl)) {
      command(m, title + " " + sub.getCommandName(), sub);
    }
  }

  /** How many of a footer's first lines are exit codes (" 0 done"): up to the first blank. */
  private static int exitCodes(String[] footer) {
    int n = 0;
    while (n < footer.length && footer[n].matches("\\s*\\d+\\s.*")) {
      n++;
    }
    return n;
  }

  private static void synopsis(StringBuilder m, String name, CommandSpec spec) {
    m.append(".B ").append(roff(name)).append('\n');
    StringBuilder args = new StringBuilder();
    if (!options(spec).isEmpty()) {
      args.append("[OPTIONS]");
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (!p.hidden()) {
        String label = p.paramLabel();
        label += p.isMultiValue() && !label.contains("...") ? "..." : "";
        args.append(args.length() == 0 ? "" : " ")
            .append(p.arity().min() == 0 ? "[" + label + "]" : label);
      }
    }
    if (spec.positionalParameters().isEmpty() && !spec.subcommands().isEmpty()) {
      args.append(args.length() == 0 ? "" : " ").append("COMMAND");
    }
    if (args.length() > 0) {
      m.append(".I ").append(roff(args.toString())).append('\n');
    }
    m.append(".br\n");
  }

  private static void options(StringBuilder m, CommandSpec spec) {
    List<OptionSpec> options = options(spec);
    if (!options.isEmpty()) {
      m.append(".SH OPTIONS\n");
      for (OptionSpec o : options) {
        option(m, o);
      }
    }
  }

  private static void option(StringBuilder m, OptionSpec o) {
    m.append(".TP\n");
    List<String> names = new ArrayList<>();
    for (String n : o.names()) {
      names.add("\\fB" + roff(n) + "\\fR");
    }
    m.append(String.join(", ", names));
    if (o.arity().max() > 0) {
      m.append(" \\fI").append(roff(o.paramLabel())).append("\\fR");
    }
    m.append('\n').append(roff(String.join(" ", o.description()))).append('\n');
  }

  /**
   * Description lines as paragraphs; indented lines (examples, tables) kept as --help shows them.
   */
  private static void paragraphs(StringBuilder m, String[] lines) {
    boolean open = false;
    boolean verbatim = false;
    for (String line : lines) {
      if (line.isBlank()) {
        open = false;
        verbatim = endVerbatim(m, verbatim);
        continue;
      }
      if (!open) {
        m.append(".PP\n");
        open = true;
      }
      boolean indented = line.startsWith(" ");
      if (indented && !verbatim) {
        m.append(".nf\n");
        verbatim = true;
      } else if (!indented) {
        verbatim = endVerbatim(m, verbatim);
      }
      m.append(roff(verbatim ? line.stripTrailing() : line.strip())).append('\n');
    }
    endVerbatim(m, verbatim);
  }

  private static boolean endVerbatim(StringBuilder m, boolean verbatim) {
    if (verbatim) {
      m.append(".fi\n");
    }
    return false;
  }

  /** troff text: backslashes and hyphens escaped, no line starting as a request. */
  static String roff(String s) {
    String t = s.replace("\\", "\\e").replace("-", "\\-").replace("%n", " ");
    return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
  }

  // ---- zsh ----

  static String zsh(CommandLine cl) {
    String name = cl.getCommandName();
    StringBuilder z = new StringBuilder();
    z.append("#compdef ").append(name).append('\n');
    z.append("# Generated from the picocli model by io.foxing.cli.Manuals.\n\n");
    zshFunction(z, "_" + name, cl);
    z.append("_").append(name).append(" \"$@\"\n");
    return z.toString();
  }

  private static void zshFunction(StringBuilder z, String fn, CommandLine cl) {
    List<CommandLine> subs = visible(cl);
    for (CommandLine sub : subs) {
      zshFunction(z, fn + "_" + sub.getCommandName(), sub);
    }
    z.append(fn).append("() {\n");
    if (!subs.isEmpty()) {
      z.append("  local -a commands\n  commands=(\n");
      for (CommandLine sub : subs) {
        z.append("    ")
            .append(quote(sub.getCommandName() + ":" + summary(sub.getCommandSpec())))
            .append('\n');
      }
      z.append("  )\n");
      z.append("  if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then\n");
      z.append("    _describe -t commands 'command' commands\n");
      if (!cl.getCommandSpec().positionalParameters().isEmpty()) {
        z.append("    _files\n"); // fxcp SRC...: a path as well as sum or snap
      }
      z.append("    return\n  fi\n");
      z.append("  case $words[2] in\n");
      for (CommandLine sub : subs) {
        z.append("    ")
            .append(sub.getCommandName())
            .append(") shift words; (( CURRENT-- )); ")
            .append(fn)
            .append('_')
            .append(sub.getCommandName())
            .append("; return ;;\n");
      }
      z.append("  esac\n");
    }
    z.append("  _arguments -s -S \\\n");
    for (OptionSpec o : options(cl.getCommandSpec())) {
      String help = "[" + bracketSafe(String.join(" ", o.description())) + "]";
      String value = o.arity().max() > 0 ? ":" + bracketSafe(o.paramLabel()) + ":_files" : "";
      for (String n : o.names()) {
        z.append("    ")
            .append(quote(n + (value.isEmpty() ? "" : "=") + help + value))
            .append(" \\\n");
      }
    }
    z.append("    '*:file:_files'\n}\n\n");
  }

  private static String bracketSafe(String s) {
    return s.replace("[", "(").replace("]", ")").replace(":", "\\:");
  }

  // ---- fish ----

  static String fish(CommandLine cl) {
    String name = cl.getCommandName();
    StringBuilder f =
        new StringBuilder("# Generated from the picocli model by io.foxing.cli.Manuals.\n");
    List<CommandLine> subs = visible(cl);
    List<String> subNames = subs.stream().map(CommandLine::getCommandName).toList();
    String top =
        subs.isEmpty() ? "" : "not __fish_seen_subcommand_from " + String.join(" ", subNames);
    fishOptions(f, name, top, cl.getCommandSpec());
    // a command that takes paths (fxcp SRC...) offers files beside its subcommands
    String files = cl.getCommandSpec().positionalParameters().isEmpty() ? " -f" : "";
    for (CommandLine sub : subs) {
      List<String> subsubs = visible(sub).stream().map(CommandLine::getCommandName).toList();
      String deeper =
          subsubs.isEmpty()
              ? ""
              : "; and not __fish_seen_subcommand_from " + String.join(" ", subsubs);
      f.append("complete -c ")
          .append(name)
          .append(files)
          .append(" -n ")
          .append(quote("__fish_use_subcommand"))
          .append(" -a ")
          .append(sub.getCommandName())
          .append(" -d ")
          .append(quote(summary(sub.getCommandSpec())))
          .append('\n');
      fishOptions(
          f, name, "__fish_seen_subcommand_from " + sub.getCommandName(), sub.getCommandSpec());
      for (CommandLine subsub : visible(sub)) {
        f.append("complete -c ")
            .append(name)
            .append(" -f -n ")
            .append(quote("__fish_seen_subcommand_from " + sub.getCommandName() + deeper))
            .append(" -a ")
            .append(subsub.getCommandName())
            .append(" -d ")
            .append(quote(summary(subsub.getCommandSpec())))
            .append('\n');
        fishOptions(
            f,
            name,
            "__fish_seen_subcommand_from " + subsub.getCommandName(),
            subsub.getCommandSpec());
      }
    }
    return f.toString();
  }

  private static void fishOptions(
      StringBuilder f, String name, String condition, CommandSpec spec) {
    for (OptionSpec o : options(spec)) {
      f.append("complete -c ").append(name);
      if (!condition.isEmpty()) {
        f.append(" -n ").append(quote(condition));
      }
      for (String n : o.names()) {
        if (n.startsWith("--")) {
          f.append(" -l ").append(n.substring(2));
        } else if (n.length() == 2) {
          f.append(" -s ").append(n.substring(1));
        } else {
          f.append(" -o ").append(n.substring(1));
        }
      }
      if (o.arity().max() > 0) {
        f.append(" -r");
      }
      f.append(" -d ").append(quote(summary(o.description()))).append('\n');
    }
  }

  // ---- the model ----

  private static List<OptionSpec> options(CommandSpec spec) {
    return spec.options().stream().filter(o -> !o.hidden()).toList();
  }

  private static List<CommandLine> visible(CommandLine cl) {
    List<CommandLine> subs = new ArrayList<>();
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      CommandLine sub = e.getValue();
      // an alias maps to the same command: list each once, under its own name
      if (!sub.getCommandSpec().usageMessage().hidden()
          && e.getKey().equals(sub.getCommandName())
          && !subs.contains(sub)) {
        subs.add(sub);
      }
    }
    return subs;
  }

  private static String summary(CommandSpec spec) {
    return summary(spec.usageMessage().description());
  }

  /**
   * The first clause of a description (up to a full stop or colon outside parentheses), for
   * one-line lists and the page's NAME line.
   */
  private static String summary(String[] description) {
    String text = String.join(" ", description).strip();
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      boolean end = i + 1 == text.length() || text.charAt(i + 1) == ' ';
      if (depth == 0 && (c == '.' || c == ':') && end) {
        return text.substring(0, i) + ".";
      }
    }
    return text;
  }

  /** Single-quoted for sh, zsh and fish alike. */
  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
