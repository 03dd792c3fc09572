// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages and completions the build writes, read by the programs that use them: groff renders
 * each page without a warning, a real bash and fish complete {@code fxcp --del}, zsh accepts its
 * functions, and every option of the model appears in each.
 */
class ManualsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void write() throws Exception {
    Manuals.write(dir, "1.2.3", "2026-12-01");
  }

  @Test
  void manPagesRenderWithoutWarningsAndListEveryOption() {
    Prerequisites.requireCommand("groff");
    for (CommandLine cl : List.of(Manuals.fxcp(), Foxingd.commandLine())) {
      String name = cl.getCommandName();
      Path page = dir.resolve("man/man1/" + name + ".1");
      Shell.Result r =
          Shell.run("groff", "-man", "-Tutf8", "-ww", "-rLL=200n", page.toString()).check();
      assertEquals("", r.stderr(), name + ".1: groff warnings");
      String text = r.stdout().replaceAll(".\b", ""); // no overstrike (bold) in the comparison
      assertTrue(text.contains("Foxing 1.2.3"), "version in the footer");
      for (String option : allOptions(cl)) {
        assertTrue(text.contains(option), name + ".1 lacks " + option);
      }
    }
    String fxcp =
        Shell.run("groff", "-man", "-Tutf8", dir.resolve("man/man1/fxcp.1").toString())
            .check()
            .stdout()
            .replaceAll(".\b", "");
    assertTrue(fxcp.contains("fxcp snap export"), "subcommands have their sections");
    String exit = fxcp.substring(fxcp.indexOf("EXIT STATUS"), fxcp.indexOf("EXAMPLES"));
    assertTrue(exit.contains("partial"), "exit codes from --help's footer: " + exit);
    assertTrue(!exit.contains("Examples") && fxcp.contains("fxcp -a /data/ /backup/data"), exit);
    assertTrue(fxcp.contains("fxcp sum [OPTIONS] [FILE...]"), "several files");
    String foxingd =
        Shell.run("groff", "-man", "-Tutf8", dir.resolve("man/man1/foxingd.1").toString())
            .check()
            .stdout()
            .replaceAll(".\b", "");
    assertTrue(
        foxingd.contains("no daemon answers on the control socket"), "subcommands' exit codes");
  }

  /** What completes "fxcp --del": every option that starts so. */
  private static final List<String> DELETES =
      List.of(
          "--del",
          "--delete",
          "--delete-after",
          "--delete-before",
          "--delete-delay",
          "--delete-during",
          "--delete-excluded");

  @Test
  void bashCompletesOptionsInARealBash() {
    String script = dir.resolve("completions/bash/fxcp").toString();
    // the function bash would call, found as bash registered it, called as bash calls it
    Shell.Result r =
        Shell.bash(
                "source \"$1\"; fn=$(complete -p fxcp | sed -E 's/.*-F ([^ ]+).*/\\1/');"
                    + " COMP_WORDS=(fxcp --del); COMP_CWORD=1; COMP_LINE='fxcp --del'; COMP_POINT=10;"
                    + " \"$fn\" fxcp --del fxcp; printf '%s\\n' \"${COMPREPLY[@]}\"",
                script)
            .check();
    assertEquals(DELETES, r.stdout().strip().lines().sorted().toList());
    Shell.Result sub =
        Shell.bash(
                "source \"$1\"; fn=$(complete -p fxcp | sed -E 's/.*-F ([^ ]+).*/\\1/');"
                    + " COMP_WORDS=(fxcp snap ex); COMP_CWORD=2; COMP_LINE='fxcp snap ex'; COMP_POINT=12;"
                    + " \"$fn\" fxcp ex snap; printf '%s\\n' \"${COMPREPLY[@]}\"",
                script)
            .check();
    assertEquals("export", sub.stdout().strip());
  }

  @Test
  void fishCompletesOptionsAndSubcommands() {
    Prerequisites.requireCommand("fish");
    String script = dir.resolve("completions/fish/fxcp.fish").toString();
    Shell.Result r =
        Shell.run("fish", "--no-config", "-c", "source $argv[1]; complete -C'fxcp --del'", script)
            .check();
    List<String> words = r.stdout().lines().map(l -> l.split("\t")[0]).sorted().toList();
    assertEquals(DELETES, words);
    // fxcp takes paths: a path beside its subcommands, and below snap export a path, not export
    // again
    String paths =
        Shell.run("fish", "--no-config", "-c", "source $argv[1]; complete -C'fxcp /us'", script)
            .check()
            .stdout();
    assertTrue(paths.lines().anyMatch(l -> l.startsWith("/usr/")), paths);
    String export =
        Shell.run(
                "fish",
                "--no-config",
                "-c",
                "source $argv[1]; complete -C'fxcp snap export /us'",
                script)
            .check()
            .stdout();
    assertTrue(export.lines().anyMatch(l -> l.startsWith("/usr/")), export);
    assertTrue(export.lines().noneMatch(l -> l.startsWith("export")), export);
    Shell.Result daemon =
        Shell.run(
                "fish",
                "--no-config",
                "-c",
                "source $argv[1]; complete -C'foxingd sy'",
                dir.resolve("completions/fish/foxingd.fish").toString())
            .check();
    assertTrue(daemon.stdout().startsWith("sync\t"), daemon.stdout());
    Shell.Result syncOption =
        Shell.run(
                "fish",
                "--no-config",
                "-c",
                "source $argv[1]; complete -C'foxingd sync --wa'",
                dir.resolve("completions/fish/foxingd.fish").toString())
            .check();
    assertTrue(syncOption.stdout().startsWith("--watch"), syncOption.stdout());
  }

  @Test
  void zshFunctionsParseAndNameEveryOption() throws Exception {
    Prerequisites.requireCommand("zsh");
    for (CommandLine cl : List.of(Manuals.fxcp(), Foxingd.commandLine())) {
      Path f = dir.resolve("completions/zsh/_" + cl.getCommandName());
      Shell.run("zsh", "-n", f.toString()).check();
      String text = java.nio.file.Files.readString(f);
      for (String option : allOptions(cl)) {
        assertTrue(text.contains("'" + option), "_" + cl.getCommandName() + " lacks " + option);
      }
    }
  }

  /** Every visible option name of a command and its subcommands. */
  private static List<String> allOptions(CommandLine cl) {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if (!o.hidden()) {
        names.addAll(List.of(o.names()));
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      names.addAll(allOptions(sub));
    }
    return names;
  }
}
