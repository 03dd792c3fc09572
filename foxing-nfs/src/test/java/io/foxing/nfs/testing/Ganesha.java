// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.testing;

import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real NFSv4.1/4.2 server for tests: nfs-ganesha with FSAL VFS exporting a temporary directory as
 * {@code /export} on a free loopback port, run in the foreground so a test can stop and restart it.
 * Needs root and the {@code nfs-ganesha-vfs} package (installed by {@code .ci/run}); elsewhere the
 * test skips with the reason, and under {@code CI=true} fails.
 */
public final class Ganesha implements AutoCloseable {
  private final Path dir;
  private final Path export;
  private final Path config;
  private final int port;
  private Process process;

  private Ganesha(Path dir) throws IOException {
    this.dir = dir;
    this.export = Files.createDirectories(dir.resolve("export"));
    Files.createDirectories(dir.resolve("recovery"));
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    config = dir.resolve("ganesha.conf");
    Files.writeString(
        config,
        """
        NFS_CORE_PARAM { Protocols = 4; NFS_Port = %d; Bind_addr = 127.0.0.1; Enable_NLM = false; Enable_RQUOTA = false; }
        NFSV4 { Minor_Versions = 0, 1, 2; Grace_Period = 2; Lease_Lifetime = 10; RecoveryBackend = fs;
                RecoveryRoot = %s; Only_Numeric_Owners = true; }
        EXPORT { Export_Id = 1; Path = %s; Pseudo = /export; Access_Type = RW; Squash = No_Root_Squash;
                 SecType = sys; Protocols = 4; Transports = TCP; FSAL { Name = VFS; } }
        """
            .formatted(port, dir.resolve("recovery"), export));
  }

  /**
   * Starts a server over a fresh export under {@code dir}, or skips (fails under CI) when it
   * cannot.
   */
  public static Ganesha start(Path dir) throws IOException {
    Prerequisites.requireRoot("nfs-ganesha's VFS backend needs root");
    Prerequisites.require(
        Files.isExecutable(Path.of("/usr/bin/ganesha.nfsd"))
            && Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so")),
        "nfs-ganesha and nfs-ganesha-vfs are not installed (apt-get install nfs-ganesha nfs-ganesha-vfs)");
    Ganesha g = new Ganesha(dir);
    g.startProcess();
    return g;
  }

  public Path exportDir() {
    return export;
  }

  public int port() {
    return port;
  }

  /** {@code nfs://127.0.0.1:PORT/export/sub}. */
  public URI uri(String sub) {
    return URI.create("nfs://127.0.0.1:" + port + "/export" + (sub.isEmpty() ? "" : "/" + sub));
  }

  public Path log() {
    return dir.resolve("ganesha.log");
  }

  private void startProcess() throws IOException {
    process =
        new ProcessBuilder(
                "/usr/bin/ganesha.nfsd",
                "-F",
                "-f",
                config.toString(),
                "-L",
                log().toString(),
                "-p",
                dir.resolve("ganesha.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ganesha.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "ganesha.nfsd exited with " + process.exitValue() + "; its log: " + tail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IOException(
        "ganesha.nfsd did not listen on port " + port + " within 20 s; its log: " + tail());
  }

  private String tail() {
    return Shell.run("tail", "-n", "15", log().toString()).stdout();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kills the server (SIGKILL: no goodbye to clients) and starts it again on the same port and
   * export.
   */
  public void restart() throws IOException {
    stop();
    startProcess();
  }

  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
