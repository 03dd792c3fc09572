// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Target;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsException;
import io.foxing.nfs.NfsOptions;
import io.foxing.nfs.NfsStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code nfs://HOST[:PORT]/export/dir} as a copy target: the copy engine walks, plans and reports
 * exactly as for a local path, and each directory's operations become NFSv4 compounds ({@link
 * NfsDirectory}). NFSv4 as served here carries no extended attributes or ACLs, so {@code -X} and
 * {@code -A} are refused, as are the options that read the target back or keep state in it ({@code
 * --checksum}, {@code --generate-sigs}).
 */
final class NfsTarget implements Target {
  /**
   * Requests in flight for a run when the options leave it open: NFS round trips, not cores, bound
   * a copy.
   */
  private static final int WORKERS = 16;

  private final URI uri;
  private final String path; // normalised, from the server's root
  private final CopyOptions options;
  private final NfsOptions nfsOptions;
  private Remote
      remote; // connected on first use: options are checked against the capabilities first

  NfsTarget(URI uri, CopyOptions options) throws IOException {
    if (!"nfs".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          uri + ": not an NFS URI; write nfs://HOST[:PORT]/export/path");
    }
    this.uri = uri;
    this.path = Remote.normalize(uri.getPath() == null ? "" : uri.getPath());
    if (path.isEmpty()) {
      throw new IllegalArgumentException(
          uri + ": name a directory inside an export, e.g. nfs://" + uri.getHost() + "/export/dir");
    }
    this.options = options;
    NfsOptions.Builder b = NfsOptions.builder();
    if (options.threads() > 0) {
      b.sessions(Math.min(64, Math.max(1, options.threads() / 4)));
    }
    this.nfsOptions = b.build();
  }

  private synchronized Remote remote() throws IOException {
    if (remote == null) {
      remote = new Remote(serverRoot(uri), nfsOptions, false);
    }
    return remote;
  }

  private static URI serverRoot(URI uri) {
    try {
      return new URI(
          uri.getScheme(), uri.getUserInfo(), uri.getHost(), uri.getPort(), "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String display() {
    return uri.toString();
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.DEVICES, Capability.SPECIALS);
  }

  @Override
  public int workers() {
    return WORKERS;
  }

  @Override
  public FileStat stat() throws IOException {
    byte[] parent = lookupOrNull(parentPath());
    if (parent == null) {
      return null;
    }
    NfsAttributes a = remote().lookupAttrs(parent, leaf(), "/" + path);
    return a == null ? null : NfsDirectory.stat(a);
  }

  /**
   * The server (its scope and owner, which survive its restarts) and the filesystem id of the
   * target directory: another server at the same address, or another filesystem exported at the
   * same path, is told apart. Null when the directory is not there.
   */
  @Override
  public String identity() throws IOException {
    byte[] fh = lookupOrNull(path);
    if (fh == null) {
      return null;
    }
    Attrs.Filesystem fs = remote().filesystem(fh, "/" + path);
    return "nfs:"
        + remote().server()
        + ",fsid:"
        + Long.toUnsignedString(fs.fsidMajor())
        + "."
        + Long.toUnsignedString(fs.fsidMinor());
  }

  /** The server's space_avail for the target's filesystem; -1 if it does not say. */
  @Override
  public long available() throws IOException {
    byte[] fh = lookupOrNull(path);
    if (fh == null) {
      byte[] parent = lookupOrNull(parentPath());
      if (parent == null) {
        return -1;
      }
      fh = parent;
    }
    return remote().filesystem(fh, "/" + path).spaceAvail();
  }

  @Override
  public TargetDirectory openDirectory(boolean create, TargetReport report) throws IOException {
    byte[] fh = lookupOrNull(path);
    if (fh == null) {
      if (!create) {
        throw new IOException(display() + ": no such directory on " + remote().peer());
      }
      byte[] parent = parent(true);
      if (parent == null) {
        throw new IOException(
            display()
                + ": target's parent directory does not exist; create it first (or give --mkpath)");
      }
      fh =
          remote()
              .mkdir(
                  parent,
                  leaf(),
                  io.foxing.nfs.NfsMetadata.builder().mode(0755).build(),
                  "/" + path);
    }
    return new NfsDirectory(remote(), fh, options, report);
  }

  @Override
  public TargetDirectory openParent(TargetReport report) throws IOException {
    byte[] fh = parent(!options.dryRun());
    return fh == null ? null : new NfsDirectory(remote(), fh, options, report);
  }

  /**
   * The named target's parent, made with its own parents under --mkpath when {@code mayCreate};
   * null if missing.
   */
  private byte[] parent(boolean mayCreate) throws IOException {
    String parent = parentPath();
    if (options.mkpath() && mayCreate) {
      return remote().openPath(parent, true);
    }
    return lookupOrNull(parent);
  }

  private byte[] lookupOrNull(String p) throws IOException {
    try {
      return remote().lookupFrom(null, p, "/" + p);
    } catch (NfsException e) {
      if (e.status() == NfsStatus.NOENT) {
        return null;
      }
      throw e;
    }
  }

  private String parentPath() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private String leaf() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public byte[] name() {
    return leaf().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    if (remote != null) {
      remote.close();
      remote = null;
    }
  }
}
