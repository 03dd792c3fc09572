// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import io.foxing.nfs.internal.Compound;
import io.foxing.nfs.internal.Remote;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A user-space NFSv4.2 client (4.1 sessions, no kernel mount) for one export, opened from {@code
 * nfs://host[:port]/export/path}. Paths given to its methods are relative to that path and may not
 * contain {@code ..}. Thread-safe: calls from many threads run in parallel over a pool of sessions
 * ({@link NfsOptions#sessions()}).
 *
 * <p>Files are written atomically: under a temporary name beside the target, renamed over it when
 * complete. A file that fits one request goes in a single round trip; larger files are streamed
 * with pipelined WRITEs and a COMMIT. A server restart is ridden out: the client reconnects, builds
 * a new session and repeats what was cut off, until {@link NfsOptions#recoveryTimeout()}.
 *
 * <pre>{@code
 * try (NfsClient nfs = NfsClient.connect(URI.create("nfs://10.0.0.5/export/backups"))) {
 *   nfs.mkdirs("2026/11");
 *   nfs.writeFile("2026/11/report.txt", bytes, NfsMetadata.builder().mode(0644).build());
 *   for (NfsDirEntry e : nfs.list("2026/11")) { ... }
 * }
 * }</pre>
 */
public final class NfsClient implements AutoCloseable {
  private final Remote remote;
  private final URI uri;
  private final Map<String, byte[]> dirs = new ConcurrentHashMap<>();

  private NfsClient(URI uri, Remote remote) {
    this.uri = uri;
    this.remote = remote;
    dirs.put("", remote.rootFh());
  }

  /** Connects with {@link NfsOptions#defaults()}. */
  public static NfsClient connect(URI uri) throws IOException {
    return connect(uri, NfsOptions.defaults());
  }

  /**
   * Connects, creates the sessions and looks up the URI's path, which must exist.
   *
   * @throws IOException the server cannot be reached, refuses the client, or the path is missing
   */
  public static NfsClient connect(URI uri, NfsOptions options) throws IOException {
    return new NfsClient(uri, new Remote(uri, options, false));
  }

  public URI uri() {
    return uri;
  }

  /** RPC round trips made so far (every call, including session set-up and lease renewals). */
  public long roundTrips() {
    return remote.roundTrips();
  }

  /** The largest READ or WRITE payload of one request, as negotiated. */
  public int maxIoSize() {
    return remote.maxIo();
  }

  private byte[] dir(String path) throws IOException {
    String p = Remote.normalize(path);
    byte[] fh = dirs.get(p);
    if (fh == null) {
      fh = remote.lookupFrom(remote.rootFh(), p, p);
      dirs.put(p, fh);
    }
    return fh;
  }

  private static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash < 0 ? "" : p.substring(0, slash);
  }

  private static String name(String p) {
    if (p.isEmpty()) {
      throw new IllegalArgumentException("the root itself cannot be the target of this operation");
    }
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Attributes of a path ({@link NfsStatus#NOENT} if it does not exist). */
  public NfsAttributes stat(String path) throws IOException {
    String p = Remote.normalize(path);
    if (p.isEmpty()) {
      return remote.getattr(remote.rootFh(), "/");
    }
    NfsAttributes a = remote.lookupAttrs(dir(parent(p)), name(p), p);
    if (a == null) {
      throw new NfsException(NfsStatus.NOENT.code(), "LOOKUP", p);
    }
    return a;
  }

  /** Whether a path exists. */
  public boolean exists(String path) throws IOException {
    String p = Remote.normalize(path);
    return p.isEmpty() || remote.lookupAttrs(dir(parent(p)), name(p), p) != null;
  }

  /**
   * A directory's entries with their attributes, in the server's order (READDIR, a page per round
   * trip).
   */
  public List<NfsDirEntry> list(String path) throws IOException {
    String p = Remote.normalize(path);
    List<NfsDirEntry> out = new ArrayList<>();
    for (Compound.DirEntry e : remote.readdir(dir(p), p.isEmpty() ? "/" : p)) {
      if (e.error() != 0) {
        throw new NfsException(e.error(), "READDIR", p + "/" + e.name());
      }
      out.add(new NfsDirEntry(e.name(), e.attributes()));
    }
    return out;
  }

  /** Creates a directory and any missing parents (existing ones are left as they are). */
  public void mkdirs(String path) throws IOException {
    mkdirs(path, NfsMetadata.NONE);
  }

  /** As {@link #mkdirs(String)}, created directories get {@code meta}. */
  public void mkdirs(String path, NfsMetadata meta) throws IOException {
    String p = Remote.normalize(path);
    String done = "";
    for (String part : p.isEmpty() ? new String[0] : p.split("/")) {
      String next = done.isEmpty() ? part : done + "/" + part;
      if (!dirs.containsKey(next)) {
        dirs.put(next, remote.mkdir(dir(done), part, meta, next));
      }
      done = next;
    }
  }

  /** Writes a whole file atomically; in one round trip when it fits one request. */
  public void writeFile(String path, byte[] data, NfsMetadata meta) throws IOException {
    String p = Remote.normalize(path);
    if (data.length <= remote.maxIo()) {
      remote.writeSmall(dir(parent(p)), name(p), ByteBuffer.wrap(data), meta, 0, p);
      return;
    }
    Path tmp = java.nio.file.Files.createTempFile("foxing-nfs", ".tmp");
    try {
      java.nio.file.Files.write(tmp, data);
      writeFile(path, tmp, meta);
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }

  /** Streams a local file to {@code path} atomically (pipelined WRITEs, COMMIT, then rename). */
  public void writeFile(String path, Path source, NfsMetadata meta) throws IOException {
    String p = Remote.normalize(path);
    try (FileChannel ch = FileChannel.open(source, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size <= remote.maxIo()) {
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b) >= 0) {
          // fill
        }
        b.flip();
        remote.writeSmall(dir(parent(p)), name(p), b, meta, 0, p);
      } else {
        remote.writeLarge(dir(parent(p)), name(p), ch, size, meta, 16, p);
      }
    }
  }

  /** Reads a whole file (at most {@code maxBytes}, else {@link IOException}). */
  public byte[] readFile(String path, int maxBytes) throws IOException {
    String p = Remote.normalize(path);
    byte[] fh = remote.lookupFrom(dir(parent(p)), name(p), p);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long off = 0;
    while (true) {
      Compound.ReadData d = remote.read(fh, off, remote.maxIo(), p);
      if (off + d.data().length > maxBytes) {
        throw new IOException(p + ": larger than " + maxBytes + " bytes");
      }
      out.write(d.data());
      off += d.data().length;
      if (d.eof() || d.data().length == 0) {
        return out.toByteArray();
      }
    }
  }

  /** Sets metadata on a path. */
  public void setMetadata(String path, NfsMetadata meta) throws IOException {
    String p = Remote.normalize(path);
    remote.setattr(dir(parent(p)), name(p), meta, p);
  }

  /** Creates (or replaces) a symbolic link at {@code path} pointing to {@code target}. */
  public void symlink(String path, String target, NfsMetadata meta) throws IOException {
    String p = Remote.normalize(path);
    remote.createSpecial(
        dir(parent(p)), name(p), NfsAttributes.Type.SYMLINK, target, 0, 0, meta, p);
  }

  /** The target of a symbolic link. */
  public String readlink(String path) throws IOException {
    String p = Remote.normalize(path);
    return remote.readlink(remote.lookupFrom(dir(parent(p)), name(p), p), p);
  }

  /** Creates (or replaces) a hard link at {@code path} to the existing file {@code existing}. */
  public void link(String existing, String path) throws IOException {
    String e = Remote.normalize(existing);
    String p = Remote.normalize(path);
    remote.link(remote.lookupFrom(dir(parent(e)), name(e), e), dir(parent(p)), name(p), p);
  }

  /**
   * Copies a file within the export: server-side (NFSv4.2 COPY) where the server offers it, else by
   * READ and WRITE through this client. The copy gets the source's permission bits.
   *
   * @return true if the server did the copy
   */
  public boolean copyFile(String from, String to) throws IOException {
    String f = Remote.normalize(from);
    String t = Remote.normalize(to);
    return remote.copyFile(dir(parent(f)), name(f), dir(parent(t)), name(t), f + " -> " + t);
  }

  /** Renames within the export. */
  public void rename(String from, String to) throws IOException {
    String f = Remote.normalize(from);
    String t = Remote.normalize(to);
    remote.rename(dir(parent(f)), name(f), dir(parent(t)), name(t), f + " -> " + t);
    dirs.keySet().removeIf(k -> k.equals(f) || k.startsWith(f + "/"));
  }

  /** Removes a file or an empty directory; a missing path is not an error. */
  public void remove(String path) throws IOException {
    String p = Remote.normalize(path);
    remote.remove(dir(parent(p)), name(p), p);
    dirs.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "/"));
  }

  /** Removes a path and everything under it. */
  public void removeTree(String path) throws IOException {
    String p = Remote.normalize(path);
    NfsAttributes a = remote.lookupAttrs(dir(parent(p)), name(p), p);
    if (a != null) {
      remote.removeTree(dir(parent(p)), name(p), a.isDirectory(), p);
    }
    dirs.keySet().removeIf(k -> k.equals(p) || k.startsWith(p + "/"));
  }

  /** Destroys the sessions and the client id on the server and closes the connections. */
  @Override
  public void close() {
    remote.close();
  }
}
