// SPDX-License-Identifier: Apache-2.0
package io.foxing.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs standard tools for tests: the oracles (rsync, stat, filefrag) and tree builders. */
public final class Shell {
  private Shell() {}

  /** What a command did. */
  public record Result(int exitCode, String stdout, String stderr, List<String> command) {
    /** Throws with the command's output unless it exited 0. */
    public Result check() {
      if (exitCode != 0) {
        throw new AssertionError(
            "command failed ("
                + exitCode
                + "): "
                + String.join(" ", command)
                + "\nstdout: "
                + stdout
                + "\nstderr: "
                + stderr);
      }
      return this;
    }
  }

  public static Result run(String... command) {
    return run(null, command);
  }

  public static Result run(Path cwd, String... command) {
    List<String> cmd = Arrays.asList(command);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("command timed out: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), out.join(), err.join(), cmd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a bash script with arguments. */
  public static Result bash(String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "bash"));
    cmd.addAll(Arrays.asList(args));
    return run(cmd.toArray(new String[0]));
  }

  public static boolean which(String command) {
    return run("bash", "-c", "command -v \"$1\" >/dev/null", "bash", command).exitCode() == 0;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
