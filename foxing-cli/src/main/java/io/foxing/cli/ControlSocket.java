// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * The running daemon's local control socket (a Unix stream socket, mode 0600): a client connects,
 * writes one command line ({@code status}, {@code metrics}), reads the reply to the end. What
 * {@code foxingd status} and {@code foxingd metrics} ask through.
 */
final class ControlSocket implements Closeable {
  private static final int MAX_COMMAND = 256;
  private final Path path;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final Semaphore clients =
      new Semaphore(4); // a client that never writes holds one, not the daemon

  private ControlSocket(Path path, ServerSocketChannel server, Function<String, String> handler) {
    this.path = path;
    this.server = server;
    this.acceptor = new Thread(() -> accept(handler), "foxingd-control");
    acceptor.setDaemon(true);
  }

  /**
   * systemd's RuntimeDirectory= when it gave one, else /run/foxingd as root, else the user's
   * runtime directory.
   */
  static Path defaultPath() {
    String runtime = System.getenv("RUNTIME_DIRECTORY");
    if (runtime != null && !runtime.isEmpty()) {
      return Path.of(runtime.split(":")[0], "control.sock");
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/run/foxingd/control.sock");
    }
    String xdg = System.getenv("XDG_RUNTIME_DIR");
    return xdg != null && !xdg.isEmpty()
        ? Path.of(xdg, "foxingd", "control.sock")
        : Path.of(
            System.getProperty("java.io.tmpdir"),
            "foxingd-" + System.getProperty("user.name"),
            "control.sock");
  }

  /**
   * Listens at {@code path}, answering each command with {@code handler}.
   *
   * @throws IOException if another daemon answers there, or the socket cannot be made (the message
   *     names it)
   */
  static ControlSocket listen(Path path, Function<String, String> handler) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    if (Files.exists(path)) {
      try {
        ask(path, "ping");
        throw new IOException(
            path
                + ": another foxingd answers on this control socket; stop it, or give another"
                + " --control-socket / control_socket");
      } catch (IOException stale) {
        if (stale.getMessage() != null && stale.getMessage().contains("another foxingd")) {
          throw stale;
        }
        Files.delete(path); // left by a daemon that died
      }
    }
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      s.close();
      throw new IOException(path + ": cannot listen for control commands: " + e.getMessage(), e);
    }
    ControlSocket c = new ControlSocket(path, s, handler);
    c.acceptor.start();
    return c;
  }

  private void accept(Function<String, String> handler) {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!clients.tryAcquire()) {
        close(client);
        continue;
      }
      Thread t =
          new Thread(
              () -> {
                try (client) {
                  String command = readLine(client);
                  String reply = "ping".equals(command) ? "pong\n" : handler.apply(command);
                  ByteBuffer out = ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
                  while (out.hasRemaining()) {
                    client.write(out);
                  }
                } catch (IOException | RuntimeException e) {
                  // a client that went away: nothing to answer
                } finally {
                  clients.release();
                }
              },
              "foxingd-control-client");
      t.setDaemon(true);
      t.start();
    }
  }

  private static String readLine(SocketChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(MAX_COMMAND);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        break;
      }
      if (b.position() > 0 && b.get(b.position() - 1) == '\n') {
        break;
      }
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
  }

  /** Sends {@code command} to the daemon at {@code path} and returns its whole reply. */
  static String ask(Path path, String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(path));
      ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(64 * 1024);
      while (ch.read(in) >= 0) {
        reply.write(in.array(), 0, in.position());
        in.clear();
      }
      return reply.toString(StandardCharsets.UTF_8);
    }
  }

  private static void close(SocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(path);
  }
}
