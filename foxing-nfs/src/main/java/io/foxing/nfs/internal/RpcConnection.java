// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ONC RPC version 2 (RFC 5531) over one TCP connection: record marking with multi-fragment replies,
 * AUTH_SYS credentials, and any number of calls in flight matched to their replies by xid. One
 * reader thread per connection completes the callers' futures; a closed or broken connection fails
 * every pending call at once, so no caller waits forever.
 */
public final class RpcConnection implements AutoCloseable {
  private static final int CALL = 0;
  private static final int REPLY = 1;
  private static final int AUTH_NONE = 0;
  private static final int AUTH_SYS = 1;
  private static final AtomicInteger XIDS = new AtomicInteger((int) System.nanoTime());

  private final SocketChannel channel;
  private final String peer;
  private final byte[] credential;
  private final int maxRecord;
  private final Map<Integer, CompletableFuture<XdrReader>> pending = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private final Thread reader;
  private volatile IOException broken;
  private final int sendTimeoutMillis;

  /**
   * Closes a connection whose send has not finished in time (one daemon thread for all
   * connections).
   */
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "foxing-nfs-send-watchdog");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param maxRecord the largest reply accepted; a longer record is a protocol error, not an
   *     allocation
   */
  public RpcConnection(
      InetSocketAddress address, int uid, int gid, int maxRecord, int connectTimeoutMillis)
      throws IOException {
    this(address, uid, gid, maxRecord, connectTimeoutMillis, 30_000);
  }

  /**
   * @param sendTimeoutMillis how long one request may take to go out; a server that stops reading
   *     its socket would otherwise block the sender (and every sender behind it) until TCP gives up
   */
  public RpcConnection(
      InetSocketAddress address,
      int uid,
      int gid,
      int maxRecord,
      int connectTimeoutMillis,
      int sendTimeoutMillis)
      throws IOException {
    this.sendTimeoutMillis = sendTimeoutMillis;
    this.peer = address.getHostString() + ":" + address.getPort();
    this.maxRecord = maxRecord;
    this.credential = authSys(uid, gid);
    SocketChannel ch = SocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.socket().connect(address, connectTimeoutMillis);
    } catch (IOException e) {
      ch.close();
      throw new IOException(
          "cannot connect to NFS server "
              + peer
              + ": "
              + e.getMessage()
              + "; check that it runs and listens there",
          e);
    }
    this.channel = ch;
    this.reader = new Thread(this::readLoop, "foxing-nfs-rpc " + peer);
    reader.setDaemon(true);
    reader.start();
  }

  public String peer() {
    return peer;
  }

  public boolean isOpen() {
    return broken == null && channel.isOpen();
  }

  private static byte[] authSys(int uid, int gid) {
    XdrWriter w = new XdrWriter(64);
    w.int32((int) (System.currentTimeMillis() / 1000)); // stamp
    w.string("foxing");
    w.int32(uid).int32(gid);
    w.int32(0); // no supplementary groups
    return w.toByteArray();
  }

  /**
   * Starts a call: the RPC header with a fresh xid; the caller appends the procedure's arguments.
   */
  public XdrWriter newCall(int program, int version, int procedure, int sizeHint) {
    XdrWriter w = new XdrWriter(sizeHint + 128);
    w.int32(XIDS.incrementAndGet())
        .int32(CALL)
        .int32(2)
        .int32(program)
        .int32(version)
        .int32(procedure);
    w.int32(AUTH_SYS).opaque(credential);
    w.int32(AUTH_NONE).int32(0);
    return w;
  }

  /**
   * Sends a call made by {@link #newCall} and returns the future reply, positioned at the
   * procedure's results. Fails with {@link RpcException} for a rejected call and with an {@link
   * IOException} when the connection breaks.
   */
  public CompletableFuture<XdrReader> send(XdrWriter call) {
    int xid = call.xid();
    CompletableFuture<XdrReader> f = new CompletableFuture<>();
    pending.put(xid, f);
    IOException b = broken;
    if (b != null) {
      pending.remove(xid);
      f.completeExceptionally(b);
      return f;
    }
    try {
      ByteBuffer[] segments = call.segments();
      long left = 4L + call.length(); // the last segment may be empty: count bytes, not segments
      synchronized (writeLock) {
        java.util.concurrent.ScheduledFuture<?> guard =
            WATCHDOG.schedule(
                () ->
                    fail(
                        new IOException(
                            "NFS server "
                                + peer
                                + " stopped reading requests (nothing sent for "
                                + sendTimeoutMillis / 1000.0
                                + " s)")),
                sendTimeoutMillis,
                TimeUnit.MILLISECONDS);
        try {
          while (left > 0) {
            left -= channel.write(segments);
          }
        } finally {
          guard.cancel(false);
        }
      }
    } catch (IOException e) {
      fail(
          new IOException(
              "connection to NFS server " + peer + " broke while sending: " + e.getMessage(), e));
    }
    return f;
  }

  /** Forgets a call whose caller gave up waiting (its late reply is dropped). */
  public void abandon(XdrWriter call) {
    pending.remove(call.xid());
  }

  private void readLoop() {
    ByteBuffer mark = ByteBuffer.allocate(4);
    try {
      while (true) {
        byte[] record = readRecord(mark);
        dispatch(record);
      }
    } catch (IOException e) {
      fail(
          e instanceof EOFException || !channel.isOpen()
              ? new IOException("connection to NFS server " + peer + " closed", e)
              : new IOException(
                  "connection to NFS server " + peer + " broke: " + e.getMessage(), e));
    } catch (RuntimeException e) {
      fail(new IOException("NFS reply from " + peer + " could not be read: " + e, e));
    }
  }

  private byte[] readRecord(ByteBuffer mark) throws IOException {
    byte[] record = new byte[0];
    int len = 0;
    boolean last = false;
    while (!last) {
      mark.clear();
      readFully(mark);
      int m = mark.getInt(0);
      last = (m & 0x80000000) != 0;
      int frag = m & 0x7fffffff;
      if ((long) len + frag > maxRecord) {
        throw new IOException(
            "reply record of more than " + maxRecord + " bytes from " + peer + " (protocol error)");
      }
      if (len + frag > record.length) {
        record = java.util.Arrays.copyOf(record, len + frag);
      }
      ByteBuffer body = ByteBuffer.wrap(record, len, frag);
      readFully(body);
      len += frag;
    }
    return len == record.length ? record : java.util.Arrays.copyOf(record, len);
  }

  private void readFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new EOFException();
      }
    }
  }

  private void dispatch(byte[] record) {
    XdrReader r = new XdrReader(record);
    CompletableFuture<XdrReader> f = null;
    try {
      int xid = r.int32();
      f = pending.remove(xid);
      if (f == null) {
        return; // a reply to an abandoned call
      }
      decodeReplyHeader(r);
      f.complete(r);
    } catch (IOException e) {
      if (f != null) {
        f.completeExceptionally(e);
      }
    }
  }

  /** Checks the reply header (RFC 5531 section 9) and leaves {@code r} at the results. */
  static void decodeReplyHeader(XdrReader r) throws IOException {
    int type = r.int32();
    if (type != REPLY) {
      throw new RpcException("message type " + type + " where a reply was expected");
    }
    int replyStat = r.int32();
    if (replyStat == 1) { // MSG_DENIED
      int reject = r.int32();
      if (reject == 0) {
        throw new RpcException(
            "server rejected the call: RPC version mismatch (supports "
                + r.int32()
                + ".."
                + r.int32()
                + ")");
      }
      throw new RpcException(
          "server rejected the credentials (auth_stat "
              + r.int32()
              + "); the export must allow AUTH_SYS (SecType = sys)");
    }
    if (replyStat != 0) {
      throw new RpcException("unknown reply status " + replyStat);
    }
    r.int32(); // verifier flavor
    r.skipOpaque(400, "verifier");
    int accept = r.int32();
    switch (accept) {
      case 0 -> {}
      case 1 -> throw new RpcException("the server does not offer NFS (PROG_UNAVAIL)");
      case 2 ->
          throw new RpcException(
              "the server does not offer NFS version 4 (supports "
                  + r.int32()
                  + ".."
                  + r.int32()
                  + ")");
      case 3 -> throw new RpcException("procedure unavailable (PROC_UNAVAIL)");
      case 4 -> throw new RpcException("the server could not decode the call (GARBAGE_ARGS)");
      case 5 -> throw new RpcException("server system error (SYSTEM_ERR)");
      default -> throw new RpcException("unknown accept status " + accept);
    }
  }

  private void fail(IOException e) {
    if (broken == null) {
      broken = e;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a broken socket: nothing more to learn
    }
    for (Integer xid : pending.keySet()) {
      CompletableFuture<XdrReader> f = pending.remove(xid);
      if (f != null) {
        f.completeExceptionally(broken);
      }
    }
  }

  /**
   * Closes the connection and waits (briefly) for its reader to leave: the JDK releases a socket's
   * descriptor only when the last thread blocked on it has returned, so a caller that counts its
   * descriptors after close sees them gone.
   */
  @Override
  public void close() {
    fail(new IOException("connection to NFS server " + peer + " closed by the client"));
    if (Thread.currentThread() == reader) {
      return;
    }
    // also from an interrupted thread (a cancelled copy closes its target): wait, then interrupt
    // again
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (reader.isAlive() && System.nanoTime() < deadline) {
      try {
        reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
