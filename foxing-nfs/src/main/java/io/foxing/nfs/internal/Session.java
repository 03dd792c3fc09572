// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static io.foxing.nfs.internal.Nfs4.*;

import io.foxing.nfs.NfsOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NFSv4.1 client and session on one TCP connection (RFC 8881 sections 2.10 and 18.35-18.36):
 * EXCHANGE_ID, CREATE_SESSION without a back channel, RECLAIM_COMPLETE; then every compound goes
 * out behind a SEQUENCE on a free slot of the table the server granted, so up to that many calls
 * are in flight at once.
 *
 * <p>Recovery: a broken connection, a timed-out call or a session the server no longer knows
 * (restart: BADSESSION, STALE_CLIENTID, DEADSESSION) throws the session away; the next call
 * reconnects and builds a new one, and the failed compound is sent again, until the recovery
 * timeout. DELAY and GRACE (the server's grace period after a restart) are waited out the same way.
 * Compounds are written to be safe to send twice ({@link Compound}).
 */
public final class Session implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  private static final int SEQ4_STATUS_RESTART_RECLAIM_NEEDED = 0x100;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final InetSocketAddress address;
  private final NfsOptions options;
  private final byte[] ownerId;
  private final byte[] verifier = new byte[8];
  private final AtomicLong roundTrips;

  private volatile State state;
  private volatile String
      server; // the server's scope and owner (EXCHANGE_ID): who answers at the address
  private final State first;
  private volatile long lastUse = System.nanoTime();
  private volatile boolean closed;

  /** Everything that dies with a connection or a server restart. */
  private static final class State {
    final RpcConnection rpc;
    final long clientId;
    final byte[] sessionId;
    final int[] seqids;
    final BlockingQueue<Integer> freeSlots;
    final int maxRequest;
    final int maxResponse;
    volatile int leaseSeconds;

    State(
        RpcConnection rpc,
        long clientId,
        byte[] sessionId,
        int slots,
        int maxRequest,
        int maxResponse,
        int leaseSeconds) {
      this.rpc = rpc;
      this.clientId = clientId;
      this.sessionId = sessionId;
      this.seqids = new int[slots];
      this.freeSlots = new ArrayBlockingQueue<>(slots);
      for (int i = 0; i < slots; i++) {
        freeSlots.add(i);
      }
      this.maxRequest = maxRequest;
      this.maxResponse = maxResponse;
      this.leaseSeconds = leaseSeconds;
    }

    State withLease(int seconds) {
      leaseSeconds = Math.max(1, seconds);
      return this;
    }
  }

  public Session(InetSocketAddress address, NfsOptions options, String owner, AtomicLong roundTrips)
      throws IOException {
    this.address = address;
    this.options = options;
    this.ownerId = owner.getBytes(StandardCharsets.UTF_8);
    this.roundTrips = roundTrips;
    RANDOM.nextBytes(verifier);
    this.state = establish();
    this.first = state;
  }

  /**
   * The largest READ/WRITE payload that fits the negotiated request and reply sizes (as first
   * negotiated).
   */
  public int maxIo() {
    return Math.min(options.maxIoSize(), Math.min(first.maxRequest, first.maxResponse) - 1024);
  }

  /** Slots granted (concurrent calls), as first negotiated. */
  public int slots() {
    return first.seqids.length;
  }

  public int leaseSeconds() {
    return first.leaseSeconds;
  }

  public long idleNanos() {
    return System.nanoTime() - lastUse;
  }

  /**
   * Who answers at the address: the server scope and owner it gave when the session was made (RFC
   * 8881 section 2.10.5), hex; the same server gives the same across its restarts.
   */
  public String server() {
    return server;
  }

  public String peer() {
    return address.getHostString() + ":" + address.getPort();
  }

  private State current() throws IOException {
    State s = state;
    return s != null ? s : recover(null);
  }

  // ---- establishing ----

  private State establish() throws IOException {
    int maxRecord = options.maxIoSize() + 64 * 1024;
    RpcConnection rpc =
        new RpcConnection(
            address,
            options.uid(),
            options.gid(),
            maxRecord,
            (int) options.connectTimeout().toMillis(),
            (int) Math.min(Integer.MAX_VALUE, options.callTimeout().toMillis()));
    try {
      // EXCHANGE_ID (18.35): our owner and boot verifier, no state protection, no implementation id
      XdrWriter w = compoundCall(rpc, 1, 256);
      w.int32(OP_EXCHANGE_ID).fixed(verifier, 8).opaque(ownerId).int32(0).int32(SP4_NONE).int32(0);
      XdrReader r = sessionless(rpc, w, OP_EXCHANGE_ID);
      long clientId = r.int64();
      int sequence = r.int32();
      r.int32(); // flags
      int protect = r.int32();
      if (protect != SP4_NONE) {
        throw new RpcException(
            "server "
                + peer()
                + " insists on state protection "
                + protect
                + ", which this client does not offer");
      }
      r.int64(); // server_owner.so_minor_id
      byte[] ownerMajor = r.opaque(1024, "server owner");
      byte[] scope = r.opaque(1024, "server scope");
      server =
          java.util.HexFormat.of().formatHex(scope)
              + "/"
              + java.util.HexFormat.of().formatHex(ownerMajor);

      // CREATE_SESSION (18.36): fore channel sized for our I/O, no back channel
      w = compoundCall(rpc, 1, 256);
      w.int32(OP_CREATE_SESSION).int64(clientId).int32(sequence).int32(0);
      channelAttrs(w, maxRecord - 1024, maxRecord - 1024, 16, options.maxSlots());
      channelAttrs(w, 4096, 4096, 2, 1);
      w.int32(0x40000000); // callback program: unused without a back channel
      w.int32(1).int32(0); // one security parameter: AUTH_NONE
      r = sessionless(rpc, w, OP_CREATE_SESSION);
      byte[] sessionId = r.fixed(16);
      r.int32(); // sequence
      r.int32(); // flags
      r.int32(); // header pad
      int maxRequest = r.int32();
      int maxResponse = r.int32();
      r.int32(); // max response cached
      r.int32(); // max operations
      int slots = Math.max(1, Math.min(options.maxSlots(), r.int32()));

      State s = new State(rpc, clientId, sessionId, slots, maxRequest, maxResponse, 90);
      // RECLAIM_COMPLETE (18.51): we hold nothing to reclaim; a new client must say so before OPEN
      Compound rc = new Compound("/");
      rc.reclaimComplete();
      Compound.Result res = send(s, rc);
      if (!res.ok() && res.status() != 10054 /* COMPLETE_ALREADY */) {
        throw res.exception();
      }
      Compound lease = new Compound("/");
      lease.putRootFh();
      int ga = lease.getAttr(Attrs.bitmap(A_LEASE_TIME));
      int leaseSeconds = send(s, lease).check().leaseSeconds(ga);
      LOG.debug(
          "NFS session to {}: {} slots, requests {} / replies {} bytes, lease {} s",
          peer(),
          slots,
          maxRequest,
          maxResponse,
          leaseSeconds);
      return s.withLease(leaseSeconds);
    } catch (IOException | RuntimeException e) {
      rpc.close();
      throw e;
    }
  }

  private static void channelAttrs(
      XdrWriter w, int maxRequest, int maxResponse, int maxOps, int maxRequests) {
    w.int32(0)
        .int32(maxRequest)
        .int32(maxResponse)
        .int32(4096)
        .int32(maxOps)
        .int32(maxRequests)
        .int32(0);
  }

  private static XdrWriter compoundCall(RpcConnection rpc, int ops, int hint) {
    XdrWriter w = rpc.newCall(PROGRAM, VERSION, PROC_COMPOUND, hint);
    w.int32(0); // empty tag
    w.int32(MINOR_VERSION).int32(ops);
    return w;
  }

  /** Sends a compound of one operation that needs no session and returns its result body. */
  private XdrReader sessionless(RpcConnection rpc, XdrWriter call, int op) throws IOException {
    XdrReader r = await(rpc, call, rpc.send(call));
    int status = r.int32();
    r.skipOpaque(OPAQUE_LIMIT, "tag");
    int n = r.int32();
    if (n >= 1) {
      int got = r.int32();
      int st = r.int32();
      if (got != op) {
        throw new XdrException("result for " + opName(got) + ", expected " + opName(op));
      }
      status = st;
    }
    if (status != 0) {
      if (status == 10021) {
        throw new RpcException(
            "server "
                + peer()
                + " does not speak NFSv4."
                + MINOR_VERSION
                + " (NFS4ERR_MINOR_VERS_MISMATCH); enable minor versions 1 and 2 on the server");
      }
      throw new io.foxing.nfs.NfsException(status, opName(op), "/");
    }
    return r;
  }

  private XdrReader await(RpcConnection rpc, XdrWriter call, CompletableFuture<XdrReader> f)
      throws IOException {
    roundTrips.incrementAndGet();
    try {
      return f.get(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      rpc.abandon(call);
      throw new IOException(
          "no reply from NFS server "
              + peer()
              + " within "
              + options.callTimeout().toSeconds()
              + " s");
    } catch (InterruptedException e) {
      rpc.abandon(call);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for NFS server " + peer());
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c);
    }
  }

  // ---- calls ----

  /**
   * Sends {@code c} behind a SEQUENCE and returns its decoded result (check it). Rebuilds the
   * session and resends after a connection loss or server restart; waits out DELAY and GRACE; gives
   * up with an {@link IOException} after the recovery timeout.
   */
  public Compound.Result call(Compound c) throws IOException {
    long deadline = System.nanoTime() + options.recoveryTimeout().toNanos();
    long backoffMillis = 50;
    IOException last = null;
    while (true) {
      if (closed) {
        throw new IOException("NFS client to " + peer() + " is closed");
      }
      State s = null;
      try {
        s = current();
      } catch (RpcException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        last = e; // the server is not back yet
      }
      if (s != null) {
        try {
          Compound.Result r = send(s, c);
          int st = r.status();
          if (st != 10008 /* DELAY */ && st != 10013 /* GRACE */) {
            return r;
          }
          last = r.exception();
        } catch (SessionLost e) {
          LOG.debug("session with {} lost during {}: {}", peer(), c, e.cause.getMessage());
          last = e.cause;
          invalidate(e.state);
        } catch (XdrException e) {
          throw new IOException(
              "malformed reply from NFS server " + peer() + ": " + e.getMessage(), e);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "NFS server "
                + peer()
                + " did not recover within "
                + options.recoveryTimeout().toSeconds()
                + " s: "
                + last.getMessage(),
            last);
      }
      sleep(backoffMillis);
      backoffMillis = Math.min(1000, backoffMillis * 2);
    }
  }

  /** A call failed in a way that ends this session; the caller rebuilds it. */
  private static final class SessionLost extends IOException {
    final State state;
    final IOException cause;

    SessionLost(State state, IOException cause) {
      super(cause.getMessage(), cause);
      this.state = state;
      this.cause = cause;
    }
  }

  /** One attempt on one slot. */
  private Compound.Result send(State s, Compound c) throws IOException {
    Integer slot = null;
    long waitUntil = System.nanoTime() + options.recoveryTimeout().toNanos();
    try {
      // all slots busy is back-pressure, not a failure: wait, as long as this session lives
      while (slot == null) {
        slot = s.freeSlots.poll(100, TimeUnit.MILLISECONDS);
        if (slot == null && (state != s || System.nanoTime() > waitUntil)) {
          throw new SessionLost(
              s, new IOException("no slot of the session with " + peer() + " came free"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a free slot");
    }
    boolean release = true;
    try {
      int seq = s.seqids[slot] + 1;
      XdrWriter w = compoundCall(s.rpc, c.count() + 1, c.ops(s.clientId).length() + 64);
      w.int32(OP_SEQUENCE)
          .fixed(s.sessionId, 16)
          .int32(seq)
          .int32(slot)
          .int32(s.seqids.length - 1)
          .bool(false);
      w.append(c.ops(s.clientId));
      lastUse = System.nanoTime();
      XdrReader r;
      try {
        r = await(s.rpc, w, s.rpc.send(w));
      } catch (RpcException e) {
        throw e;
      } catch (InterruptedIOException e) {
        release = false; // the slot's sequence is now unknown; the session is rebuilt
        throw new SessionLost(s, e);
      } catch (IOException e) {
        release = false;
        throw new SessionLost(s, e);
      }
      int status = r.int32();
      r.skipOpaque(OPAQUE_LIMIT, "tag");
      int n = r.int32();
      if (n < 1) {
        throw sequenceFailure(s, status);
      }
      int op = r.int32();
      int seqStatus = r.int32();
      if (op != OP_SEQUENCE) {
        throw new XdrException("first result is for " + opName(op) + ", expected SEQUENCE");
      }
      if (seqStatus != 0) {
        throw sequenceFailure(s, seqStatus);
      }
      r.fixed(16);
      r.int32(); // sequence id
      r.int32(); // slot
      r.int32(); // highest slot
      r.int32(); // target highest slot
      int flags = r.int32();
      s.seqids[slot] = seq;
      if ((flags & SEQ4_STATUS_RESTART_RECLAIM_NEEDED) != 0) {
        LOG.debug("server {} restarted; our state there is gone", peer());
      }
      return Compound.decode(r, c.path(), c.opcodes(), n - 1, s.maxResponse);
    } finally {
      if (release) {
        s.freeSlots.add(slot);
      }
    }
  }

  private IOException sequenceFailure(State s, int status) {
    io.foxing.nfs.NfsException e = new io.foxing.nfs.NfsException(status, "SEQUENCE", "/");
    return switch (status) {
      // the server lost or dropped our session or client (restart, lease expiry): rebuild
      case 10052 /* BADSESSION */,
          10078 /* DEADSESSION */,
          10022 /* STALE_CLIENTID */,
          10011 /* EXPIRED */,
          10063 /* SEQ_MISORDERED */,
          10053 /* BADSLOT */,
          10055 /* CONN_NOT_BOUND */ ->
          new SessionLost(s, e);
      default -> e;
    };
  }

  private void invalidate(State s) {
    synchronized (this) {
      if (state == s) {
        state = null;
        s.rpc.close();
      }
    }
  }

  /** Builds a new session unless another thread already did. */
  private synchronized State recover(State broken) throws IOException {
    if (state != null && state != broken) {
      return state;
    }
    if (closed) {
      throw new IOException("NFS client to " + peer() + " is closed");
    }
    State s = establish();
    LOG.info("NFS session to {} re-established", peer());
    state = s;
    return s;
  }

  /** Renews the lease when the session has been idle for a third of it (SEQUENCE alone). */
  public void renewIfIdle() {
    State s = state;
    if (s == null || closed || idleNanos() < TimeUnit.SECONDS.toNanos(s.leaseSeconds) / 3) {
      return;
    }
    try {
      call(new Compound("/")).check();
    } catch (IOException e) {
      LOG.debug("lease renewal with {} failed: {}", peer(), e.getMessage());
    }
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for NFS server recovery");
    }
  }

  /** DESTROY_SESSION and DESTROY_CLIENTID, then the connection closes. */
  @Override
  public void close() {
    State s;
    synchronized (this) {
      closed = true;
      s = state;
      state = null;
    }
    if (s == null) {
      return;
    }
    try {
      XdrWriter w = compoundCall(s.rpc, 1, 64);
      w.int32(OP_DESTROY_SESSION).fixed(s.sessionId, 16);
      sessionless(s.rpc, w, OP_DESTROY_SESSION);
      w = compoundCall(s.rpc, 1, 64);
      w.int32(OP_DESTROY_CLIENTID).int64(s.clientId);
      sessionless(s.rpc, w, OP_DESTROY_CLIENTID);
    } catch (IOException e) {
      LOG.debug("closing the session with {}: {}", peer(), e.getMessage());
    } finally {
      s.rpc.close();
    }
  }
}
