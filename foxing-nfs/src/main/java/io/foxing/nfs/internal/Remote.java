// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static io.foxing.nfs.internal.Nfs4.*;

import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsException;
import io.foxing.nfs.NfsMetadata;
import io.foxing.nfs.NfsOptions;
import io.foxing.nfs.NfsStatus;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file-handle level of the client: a pool of sessions and the operations the high-level client
 * and the copy target are made of, each one compound (one round trip) unless it moves more data
 * than one request holds.
 */
public final class Remote implements AutoCloseable {
  /** The anonymous stateid (all zeros): SETATTR outside an open. */
  static final byte[] ANONYMOUS = new byte[16];

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Session[] sessions;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong roundTrips = new AtomicLong();
  private final ScheduledExecutorService renewer;
  private final ExecutorService writers;
  private final byte[] rootFh;
  private final String rootPath;
  private final String peer;
  private final byte[] openOwner;
  private final int maxIo;

  /** Direct buffers for streamed WRITEs, made on demand up to {@link #MAX_BUFFERS}. */
  private final java.util.concurrent.LinkedBlockingQueue<ByteBuffer> buffers =
      new java.util.concurrent.LinkedBlockingQueue<>();

  private int buffersMade;
  private static final int MAX_BUFFERS = 32;

  /**
   * @param createRoot create the URI's path when it is missing (a copy target), else it must exist
   */
  public Remote(URI uri, NfsOptions options, boolean createRoot) throws IOException {
    if (!"nfs".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          uri + ": not an NFS URI; write nfs://HOST[:PORT]/export/path");
    }
    int port = uri.getPort() < 0 ? 2049 : uri.getPort();
    InetSocketAddress address = new InetSocketAddress(uri.getHost(), port);
    if (address.isUnresolved()) {
      throw new IOException(uri + ": cannot resolve host " + uri.getHost());
    }
    this.peer = uri.getHost() + ":" + port;
    String owner =
        "foxing/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(random(8));
    this.openOwner = random(12);
    this.sessions = new Session[options.sessions()];
    try {
      // the sessions are independent (one client id each): set them up side by side
      List<java.util.concurrent.CompletableFuture<Session>> starting = new ArrayList<>();
      for (int i = 0; i < sessions.length; i++) {
        String id = owner + "/" + i;
        starting.add(
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return new Session(address, options, id, roundTrips);
                  } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                }));
      }
      IOException failed = null;
      for (int i = 0; i < sessions.length; i++) {
        try {
          sessions[i] = starting.get(i).join();
        } catch (java.util.concurrent.CompletionException e) {
          if (failed == null) {
            failed = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
      this.maxIo = sessions[0].maxIo();
      this.rootPath = normalize(uri.getPath() == null ? "" : uri.getPath());
      this.rootFh = openPath(rootPath, createRoot);
    } catch (IOException | RuntimeException e) {
      closeSessions();
      throw e;
    }
    renewer =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "foxing-nfs-lease " + peer));
    long period = Math.max(1, sessions[0].leaseSeconds() / 3);
    renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.SECONDS);
    writers = Executors.newCachedThreadPool(r -> daemon(r, "foxing-nfs-write " + peer));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private void renew() {
    for (Session s : sessions) {
      s.renewIfIdle();
    }
  }

  public String peer() {
    return peer;
  }

  public long roundTrips() {
    return roundTrips.get();
  }

  public byte[] rootFh() {
    return rootFh;
  }

  public int maxIo() {
    return maxIo;
  }

  /** Sessions round robin. */
  public Session session() {
    return sessions[Math.floorMod(next.getAndIncrement(), sessions.length)];
  }

  /**
   * A relative path made safe: no empty, {@code .} or {@code ..} components, no leading slash.
   * Nothing the client is asked to do can name a file outside its root.
   */
  public static String normalize(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..") || p.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(path + ": \"..\" and NUL are not allowed in NFS paths");
      }
      parts.add(p);
    }
    return String.join("/", parts);
  }

  /**
   * The file handle of {@code path} (normalised, from the server's root), made with its missing
   * parents when {@code create} is set.
   */
  public byte[] openPath(String path, boolean create) throws IOException {
    try {
      return lookupFrom(null, path, "/" + path);
    } catch (NfsException e) {
      if (!create || e.status() != NfsStatus.NOENT) {
        throw e;
      }
    }
    byte[] fh = lookupFrom(null, "", "/");
    String done = "";
    for (String part : path.split("/")) {
      done = done + "/" + part;
      // the pseudo file system above an export answers ROFS to CREATE even for what exists: look
      // first
      if (lookupAttrs(fh, part, done) != null) {
        fh = lookupFrom(fh, part, done);
        continue;
      }
      try {
        fh = mkdir(fh, part, NfsMetadata.NONE, done);
      } catch (NfsException e) {
        if (e.status() == NfsStatus.ROFS) {
          throw new IOException(
              done
                  + ": cannot be created on "
                  + peer
                  + " (read-only; outside every export?); "
                  + "give a path inside an export, e.g. nfs://"
                  + peer
                  + "/EXPORT/dir",
              e);
        }
        throw e;
      }
    }
    return fh;
  }

  /**
   * LOOKUP of every component of {@code path} from {@code fh} (the server root when null), in one
   * compound.
   */
  public byte[] lookupFrom(byte[] fh, String path, String context) throws IOException {
    String[] parts = path.isEmpty() ? new String[0] : path.split("/");
    int i = 0;
    do {
      // at most 12 LOOKUPs per compound: the session allows 16 operations
      Compound c = new Compound(context);
      if (fh == null) {
        c.putRootFh();
      } else {
        c.putFh(fh);
      }
      for (int n = 0; n < 12 && i < parts.length; n++, i++) {
        c.lookup(parts[i]);
      }
      int g = c.getFh();
      fh = session().call(c).check().fileHandle(g);
    } while (i < parts.length);
    return fh;
  }

  public NfsAttributes getattr(byte[] fh, String context) throws IOException {
    Compound c = new Compound(context);
    c.putFh(fh);
    int g = c.getAttr(Attrs.STAT);
    return session().call(c).check().attributes(g);
  }

  /** The filesystem {@code fh} is on, and the room left on it. */
  public Attrs.Filesystem filesystem(byte[] fh, String context) throws IOException {
    Compound c = new Compound(context);
    c.putFh(fh);
    int g = c.getAttr(Attrs.FILESYSTEM);
    return session().call(c).check().filesystem(g);
  }

  /**
   * The server answering: its scope and owner from the first session (see {@link
   * Session#server()}).
   */
  public String server() {
    return sessions[0].server();
  }

  /** LOOKUP and GETATTR of one name in a directory; null when it does not exist. */
  public NfsAttributes lookupAttrs(byte[] dirFh, String name, String context) throws IOException {
    Compound c = new Compound(context);
    c.putFh(dirFh);
    c.lookup(name);
    int g = c.getAttr(Attrs.STAT);
    Compound.Result r = session().call(c);
    if (r.status() == NfsStatus.NOENT.code()) {
      return null;
    }
    return r.check().attributes(g);
  }

  /** Every entry of a directory with its attributes (READDIR pages until EOF). */
  public List<Compound.DirEntry> readdir(byte[] dirFh, String context) throws IOException {
    List<Compound.DirEntry> all = new ArrayList<>();
    long cookie = 0;
    byte[] verifier = new byte[8];
    Session s = session();
    while (true) {
      Compound c = new Compound(context);
      c.putFh(dirFh);
      int rd =
          c.readdir(
              cookie,
              verifier,
              16 * 1024,
              Math.min(256 * 1024, maxIo),
              Attrs.LIST); // within the negotiated reply size
      Compound.DirPage page = s.call(c).check().dirPage(rd);
      long before = cookie;
      for (Compound.DirEntry e : page.entries()) {
        if (!e.name().equals(".") && !e.name().equals("..")) {
          all.add(e);
        }
        cookie = e.cookie();
      }
      if (page.eof()) {
        return all;
      }
      if (page.entries().isEmpty() || cookie == before || all.size() > 50_000_000) {
        // a listing that does not move on would loop forever, or end early without saying so
        throw new IOException(
            context
                + ": the server's directory listing does not advance (READDIR cookie "
                + cookie
                + " without end of directory)");
      }
      verifier = page.verifier();
    }
  }

  /** CREATE of a directory; an existing directory is fine (a retried CREATE finds its own). */
  public byte[] mkdir(byte[] dirFh, String name, NfsMetadata meta, String context)
      throws IOException {
    Compound c = new Compound(context);
    c.putFh(dirFh);
    c.create(NF4DIR, name, meta.withoutTimes());
    int g = c.getFh();
    Compound.Result r = session().call(c);
    if (r.status() == NfsStatus.EXIST.code()) {
      NfsAttributes a = lookupAttrs(dirFh, name, context);
      if (a != null && a.isDirectory()) {
        return lookupFrom(dirFh, name, context);
      }
    }
    return r.check().fileHandle(g);
  }

  /** A temporary name beside {@code name}, unique to this write. */
  static String tempName(String name) {
    String base = name.length() > 200 ? name.substring(0, 200) : name;
    return "." + base + ".fxtmp-" + HexFormat.of().formatHex(random(4));
  }

  /**
   * Writes a whole file that fits one request in ONE compound: OPEN (create a temporary name),
   * WRITE, SETATTR (size, so a retry over a longer leftover is right; then mode, owner, times, set
   * after the data so the WRITE cannot move them), CLOSE, RENAME over the final name.
   */
  public void writeSmall(
      byte[] dirFh, String name, ByteBuffer data, NfsMetadata meta, int stable, String context)
      throws IOException {
    String tmp = tempName(name);
    Session s = session();
    int size = data.remaining();
    ByteBuffer rest = data.duplicate();
    Compound c = new Compound(context, size + 512);
    c.putFh(dirFh);
    c.open(tmp, openOwner, SHARE_ACCESS_WRITE, true, false, PRIVATE_NEW_FILE);
    int w = c.write(Nfs4.CURRENT_STATEID, 0, data, stable);
    setAttrs(c, Nfs4.CURRENT_STATEID, meta, size);
    c.close(Nfs4.CURRENT_STATEID);
    renameInto(c, dirFh, tmp, name);
    int count = s.call(c).check().written(w).count();
    if (count < size) {
      // a server may accept fewer bytes than sent; the compound went on, so the file is in place
      // with a zero tail: write the rest into it and set the times again
      finishShortWrite(s, dirFh, name, rest, count, meta, stable, context);
    }
  }

  private void finishShortWrite(
      Session s,
      byte[] dirFh,
      String name,
      ByteBuffer data,
      int done,
      NfsMetadata meta,
      int stable,
      String context)
      throws IOException {
    int size = data.remaining();
    int start = data.position();
    while (done < size) {
      Compound c = new Compound(context, size - done + 512);
      c.putFh(dirFh);
      c.open(name, openOwner, SHARE_ACCESS_WRITE, false, false, NfsMetadata.NONE);
      ByteBuffer part = data.duplicate();
      part.position(start + done);
      int w = c.write(Nfs4.CURRENT_STATEID, done, part, stable);
      c.close(Nfs4.CURRENT_STATEID);
      int n = s.call(c).check().written(w).count();
      if (n <= 0) {
        throw new IOException(context + ": the server accepted no bytes of a WRITE");
      }
      done += n;
    }
    if (meta.hasMtime() || meta.hasAtime()) {
      setTimes(dirFh, name, meta, context);
    }
  }

  /**
   * A new temporary file is readable by its creator only, whatever it will become (SETATTR gives
   * the real mode).
   */
  private static final NfsMetadata PRIVATE_NEW_FILE = NfsMetadata.builder().mode(0600).build();

  private static void renameInto(Compound c, byte[] dirFh, String tmp, String name) {
    c.putFh(dirFh);
    c.saveFh();
    c.rename(tmp, name);
  }

  /**
   * Streams a file: OPEN a temporary name, WRITEs of the negotiated size pipelined on one session
   * (as many in flight as it has slots, at most {@code window}), COMMIT, and a last compound that
   * sets size and metadata, closes and renames. A server restart in the middle (state or write
   * verifier lost) starts the file again.
   */
  public void writeLarge(
      byte[] dirFh,
      String name,
      FileChannel src,
      long size,
      NfsMetadata meta,
      int window,
      String context)
      throws IOException {
    writeLarge(dirFh, name, src, size, meta, window, () -> {}, context);
  }

  /**
   * {@link #writeLarge} with a check run when the data is committed, before the file is renamed
   * into place: if it throws, the temporary is removed and nothing is published.
   */
  public void writeLarge(
      byte[] dirFh,
      String name,
      FileChannel src,
      long size,
      NfsMetadata meta,
      int window,
      io.foxing.api.spi.TargetDirectory.PublishCheck beforePublish,
      String context)
      throws IOException {
    IOException last = null;
    String tmp =
        tempName(name); // the same name on every attempt: a retry overwrites what a failed one left
    try {
      for (int attempt = 0; attempt < 4; attempt++) {
        try {
          writeLargeOnce(dirFh, name, tmp, src, size, meta, window, beforePublish, context);
          return;
        } catch (NfsException e) {
          if (!stateLost(e.status())) {
            throw e;
          }
          last = e;
        } catch (VerifierChanged e) {
          last = e;
        }
      }
      throw new IOException(
          context
              + ": the server lost the file's state 4 times in a row; last: "
              + last.getMessage(),
          last);
    } catch (IOException | RuntimeException e) {
      try {
        remove(dirFh, tmp, context); // no half-written temporary left behind
      } catch (IOException | RuntimeException ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    }
  }

  private static boolean stateLost(NfsStatus s) {
    return switch (s) {
      case BAD_STATEID, STALE_STATEID, EXPIRED, ADMIN_REVOKED, DELEG_REVOKED, OLD_STATEID -> true;
      default -> false;
    };
  }

  private static final class VerifierChanged extends IOException {
    VerifierChanged(String m) {
      super(m);
    }
  }

  private void writeLargeOnce(
      byte[] dirFh,
      String name,
      String tmp,
      FileChannel src,
      long size,
      NfsMetadata meta,
      int window,
      io.foxing.api.spi.TargetDirectory.PublishCheck beforePublish,
      String context)
      throws IOException {
    Session s = session();
    Compound open = new Compound(context);
    open.putFh(dirFh);
    int o = open.open(tmp, openOwner, SHARE_ACCESS_WRITE, true, false, PRIVATE_NEW_FILE);
    int g = open.getFh();
    Compound.Result opened = s.call(open).check();
    byte[] stateid = opened.stateid(o);
    byte[] fh = opened.fileHandle(g);
    try {
      writeOpened(
          s, dirFh, name, tmp, fh, stateid, src, size, meta, window, beforePublish, context);
    } catch (IOException | RuntimeException e) {
      // no open state left on the server for a file that will not be published
      try {
        Compound close = new Compound(context);
        close.putFh(fh);
        close.close(stateid);
        s.call(close);
      } catch (IOException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private void writeOpened(
      Session s,
      byte[] dirFh,
      String name,
      String tmp,
      byte[] fh,
      byte[] stateid,
      FileChannel src,
      long size,
      NfsMetadata meta,
      int window,
      io.foxing.api.spi.TargetDirectory.PublishCheck beforePublish,
      String context)
      throws IOException {
    int io = Math.min(maxIo, s.maxIo());
    int inFlight = Math.max(1, Math.min(window, s.slots()));
    List<Future<byte[]>> pending = new ArrayList<>();
    byte[] verifier = null;
    try {
      for (long off = 0; off < size; off += io) {
        long at = off;
        int len = (int) Math.min(io, size - off);
        if (pending.size() >= inFlight) {
          verifier = sameVerifier(verifier, pending.remove(0), context);
        }
        // read here, in order (the kernel's read-ahead sees one sequential reader); send in
        // parallel
        ByteBuffer buf = takeBuffer();
        try {
          buf.clear().limit(len);
          while (buf.hasRemaining()) {
            if (src.read(buf, at + buf.position()) < 0) {
              throw new IOException(context + ": the source shrank while being copied");
            }
          }
        } catch (IOException | RuntimeException e) {
          buffers.add(buf);
          throw e;
        }
        pending.add(writers.submit(() -> writeAt(s, fh, stateid, buf, at, len, context)));
      }
      while (!pending.isEmpty()) {
        verifier = sameVerifier(verifier, pending.remove(0), context);
      }
    } finally {
      // after a failure, let the WRITEs already queued finish: each gives its buffer back to the
      // pool
      for (Future<byte[]> f : pending) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (java.util.concurrent.ExecutionException ignored) {
          // the first failure is the one reported
        }
      }
    }
    Compound commit = new Compound(context);
    commit.putFh(fh);
    int cm = commit.commit(0, 0);
    byte[] committed = s.call(commit).check().verifier(cm);
    if (verifier != null && !Arrays.equals(verifier, committed)) {
      throw new VerifierChanged(context + ": the server restarted before the data was committed");
    }
    beforePublish.verify();
    Compound finish = new Compound(context);
    finish.putFh(fh);
    setAttrs(finish, stateid, meta, size);
    finish.close(stateid);
    renameInto(finish, dirFh, tmp, name);
    s.call(finish).check();
  }

  private static byte[] sameVerifier(byte[] expected, Future<byte[]> f, String context)
      throws IOException {
    byte[] v;
    try {
      v = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted writing " + context);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
    if (expected != null && !Arrays.equals(expected, v)) {
      throw new VerifierChanged(
          context + ": the server's write verifier changed (restart) during the file");
    }
    return v;
  }

  /**
   * Sends {@code len} bytes of {@code buf} as WRITEs at {@code at}, then returns the buffer to the
   * pool.
   */
  private byte[] writeAt(
      Session s, byte[] fh, byte[] stateid, ByteBuffer buf, long at, int len, String context)
      throws IOException {
    try {
      int written = 0;
      byte[] verifier = null;
      while (written < len) {
        Compound c = new Compound(context);
        c.putFh(fh);
        buf.limit(len).position(written);
        int w = c.write(stateid, at + written, buf, UNSTABLE4);
        Compound.Written res = s.call(c).check().written(w);
        if (res.count() <= 0) {
          throw new IOException(context + ": the server accepted no bytes of a WRITE");
        }
        if (verifier != null && !Arrays.equals(verifier, res.verifier())) {
          throw new VerifierChanged(
              context + ": the server's write verifier changed (restart) during the file");
        }
        verifier = res.verifier();
        written += res.count(); // a short write: send the rest
      }
      return verifier;
    } finally {
      buffers.add(buf);
    }
  }

  /**
   * A direct buffer of the I/O size from the pool, which bounds the data in flight (waits when all
   * are out).
   */
  private ByteBuffer takeBuffer() throws InterruptedIOException {
    synchronized (buffers) {
      if (buffers.isEmpty() && buffersMade < MAX_BUFFERS) {
        buffersMade++;
        return ByteBuffer.allocateDirect(maxIo);
      }
    }
    try {
      return buffers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a write buffer");
    }
  }

  /**
   * SETATTR of {@code meta} (and size when {@code size >= 0}). A change of owner clears the
   * set-user-ID and set-group-ID bits, so the mode goes in a second SETATTR after it; both are in
   * the same compound.
   */
  static void setAttrs(Compound c, byte[] stateid, NfsMetadata meta, long size) {
    boolean split = meta.mode() >= 0 && (meta.uid() >= 0 || meta.gid() >= 0);
    if (!split) {
      c.setAttr(stateid, meta, size);
      return;
    }
    c.setAttr(stateid, meta.withoutMode(), size);
    c.setAttr(stateid, NfsMetadata.builder().mode(meta.mode()).build(), -1);
  }

  /** SETATTR outside an open (anonymous stateid). */
  public void setattr(byte[] fh, NfsMetadata meta, String context) throws IOException {
    if (meta.isEmpty()) {
      return;
    }
    Compound c = new Compound(context);
    c.putFh(fh);
    setAttrs(c, ANONYMOUS, meta, -1);
    session().call(c).check();
  }

  /** SETATTR of a name in a directory, in one compound. */
  public void setattr(byte[] dirFh, String name, NfsMetadata meta, String context)
      throws IOException {
    if (meta.isEmpty()) {
      return;
    }
    Compound c = new Compound(context);
    c.putFh(dirFh);
    c.lookup(name);
    setAttrs(c, ANONYMOUS, meta, -1);
    session().call(c).check();
  }

  /**
   * A symlink, FIFO, socket or device created under a temporary name, given its metadata and
   * renamed over {@code name}.
   */
  public void createSpecial(
      byte[] dirFh,
      String name,
      NfsAttributes.Type type,
      String linkTarget,
      int major,
      int minor,
      NfsMetadata meta,
      String context)
      throws IOException {
    String tmp = tempName(name);
    Compound c = new Compound(context);
    c.putFh(dirFh);
    NfsMetadata atCreate =
        type == NfsAttributes.Type.SYMLINK ? NfsMetadata.NONE : meta.withoutTimes();
    switch (type) {
      case SYMLINK -> c.createSymlink(tmp, linkTarget, atCreate);
      case FIFO -> c.create(NF4FIFO, tmp, atCreate);
      case SOCKET -> c.create(NF4SOCK, tmp, atCreate);
      case BLOCK_DEVICE -> c.createDevice(NF4BLK, tmp, major, minor, atCreate);
      case CHARACTER_DEVICE -> c.createDevice(NF4CHR, tmp, major, minor, atCreate);
      default -> throw new IllegalArgumentException(type + " is not created with CREATE");
    }
    // a symlink's permission bits are not settable on Linux; its owner and times are
    NfsMetadata after =
        type == NfsAttributes.Type.SYMLINK
            ? NfsMetadata.builder().owner(meta.uid(), meta.gid()).build()
            : NfsMetadata.NONE;
    if (!after.isEmpty()) {
      c.setAttr(ANONYMOUS, after, -1);
    }
    renameInto(c, dirFh, tmp, name);
    session().call(c).check();
    if (meta.hasMtime() || meta.hasAtime()) {
      setTimes(dirFh, name, meta, context);
    }
  }

  private void setTimes(byte[] dirFh, String name, NfsMetadata meta, String context)
      throws IOException {
    try {
      setattr(dirFh, name, meta.timesOnly(), context);
    } catch (NfsException e) {
      if (e.status() != NfsStatus.SYMLINK) {
        throw e;
      }
      // LOOKUP does not follow a symlink; a server that refuses SETATTR on one leaves its times
    }
  }

  /**
   * A hard link {@code name} in {@code dirFh} to the file {@code targetFh}, replacing what is
   * there.
   */
  public void link(byte[] targetFh, byte[] dirFh, String name, String context) throws IOException {
    String tmp = tempName(name);
    Compound c = new Compound(context);
    c.putFh(targetFh);
    c.saveFh();
    c.putFh(dirFh);
    c.link(tmp);
    renameInto(c, dirFh, tmp, name);
    session().call(c).check();
  }

  /** REMOVE; a name already gone is fine (a retried REMOVE finds it gone). */
  public void remove(byte[] dirFh, String name, String context) throws IOException {
    Compound c = new Compound(context);
    c.putFh(dirFh);
    c.remove(name);
    Compound.Result r = session().call(c);
    if (r.status() != NfsStatus.NOENT.code()) {
      r.check();
    }
  }

  /** Removes a name and, for a directory, everything under it (children first). */
  public long removeTree(byte[] dirFh, String name, boolean isDir, String context)
      throws IOException {
    long n = 0;
    if (isDir) {
      byte[] fh = lookupFrom(dirFh, name, context);
      for (Compound.DirEntry e : readdir(fh, context)) {
        n += removeTree(fh, e.name(), e.attributes().isDirectory(), context + "/" + e.name());
      }
    }
    remove(dirFh, name, context);
    return n + 1;
  }

  public void rename(byte[] fromDirFh, String from, byte[] toDirFh, String to, String context)
      throws IOException {
    Compound c = new Compound(context);
    c.putFh(fromDirFh);
    c.saveFh();
    c.putFh(toDirFh);
    c.rename(from, to);
    session().call(c).check();
  }

  /**
   * COMMIT of a whole file: what was written UNSTABLE is on the server's stable storage after it.
   */
  public void commit(byte[] fh, String context) throws IOException {
    Compound c = new Compound(context);
    c.putFh(fh);
    c.commit(0, 0);
    session().call(c).check();
  }

  public String readlink(byte[] fh, String context) throws IOException {
    Compound c = new Compound(context);
    c.putFh(fh);
    int r = c.readlink();
    return session().call(c).check().linkTarget(r);
  }

  /** Reads up to {@code count} bytes at {@code offset} (anonymous stateid; one READ). */
  public Compound.ReadData read(byte[] fh, long offset, int count, String context)
      throws IOException {
    Compound c = new Compound(context);
    c.putFh(fh);
    int r = c.read(ANONYMOUS, offset, Math.min(count, maxIo));
    return session().call(c).check().readData(r);
  }

  /**
   * Copies a file inside the server: the 4.2 COPY (synchronous, server-side: no data crosses the
   * network); when the server answers NOTSUPP (ganesha 4.3 does), READ and WRITE through this
   * client. Written to a temporary name and renamed, like every other file.
   *
   * @return true if the server copied it, false if it went through READ/WRITE
   */
  public boolean copyFile(byte[] fromDirFh, String from, byte[] toDirFh, String to, String context)
      throws IOException {
    Session s = session(); // stateids belong to one client: every step on the same session
    Compound open = new Compound(context);
    open.putFh(fromDirFh);
    int os = open.open(from, openOwner, SHARE_ACCESS_READ, false, false, NfsMetadata.NONE);
    int sf = open.getFh();
    int sa = open.getAttr(Attrs.STAT);
    String tmp = tempName(to);
    open.putFh(toDirFh);
    int od = open.open(tmp, openOwner, SHARE_ACCESS_WRITE, true, false, PRIVATE_NEW_FILE);
    int df = open.getFh();
    Compound.Result opened = s.call(open).check();
    byte[] srcState = opened.stateid(os);
    byte[] srcFh = opened.fileHandle(sf);
    NfsAttributes attrs = opened.attributes(sa);
    byte[] dstState = opened.stateid(od);
    byte[] dstFh = opened.fileHandle(df);
    long size = attrs.size();

    // COPY in pieces of 64 MiB, so no single call runs near the call timeout
    long done = 0;
    boolean serverSide = true;
    while (done < size) {
      Compound copy = new Compound(context);
      copy.putFh(srcFh);
      copy.saveFh();
      copy.putFh(dstFh);
      int cp = copy.copy(srcState, dstState, done, done, Math.min(64L << 20, size - done));
      Compound.Result copied = s.call(copy);
      if (copied.status() == NfsStatus.NOTSUPP.code()) {
        serverSide = false;
        break;
      }
      long n = copied.check().copied(cp);
      if (n <= 0) {
        serverSide = false; // the server copies nothing more: the rest through the client
        break;
      }
      done += n;
    }
    if (!serverSide) {
      while (done < size) {
        Compound rd = new Compound(context);
        rd.putFh(srcFh);
        int r = rd.read(srcState, done, (int) Math.min(maxIo, size - done));
        byte[] data = s.call(rd).check().readData(r).data();
        if (data.length == 0) {
          throw new IOException(
              context
                  + ": the source ended at "
                  + done
                  + " of "
                  + size
                  + " bytes while being copied");
        }
        Compound wr = new Compound(context, data.length + 256);
        wr.putFh(dstFh);
        int w = wr.write(dstState, done, ByteBuffer.wrap(data), FILE_SYNC4);
        int n = s.call(wr).check().written(w).count();
        if (n <= 0) {
          throw new IOException(context + ": the server accepted no bytes of a WRITE");
        }
        done += n;
      }
    }
    Compound finish = new Compound(context);
    finish.putFh(srcFh);
    finish.close(srcState);
    finish.putFh(dstFh);
    setAttrs(finish, dstState, NfsMetadata.builder().mode(attrs.mode()).build(), size);
    finish.close(dstState);
    renameInto(finish, toDirFh, tmp, to);
    s.call(finish).check();
    return serverSide;
  }

  private void closeSessions() {
    for (Session s : sessions) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Override
  public void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
    if (writers != null) {
      writers.shutdownNow();
    }
    closeSessions();
  }
}
