// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.foxing.nfs.NfsOptions;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RPC layer against a scripted server: record marking, xid matching, refusals, broken
 * connections, timeouts.
 */
class RpcConnectionTest {
  private final ServerSocket server;
  private final List<Socket> accepted = new ArrayList<>();

  RpcConnectionTest() throws IOException {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    for (Socket s : accepted) {
      s.close();
    }
    server.close();
  }

  private InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.getLocalPort());
  }

  private Socket accept() throws IOException {
    Socket s = server.accept();
    accepted.add(s);
    return s;
  }

  /** Reads one call record and returns it (without the mark). */
  private static byte[] readCall(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int mark = in.readInt();
    assertTrue(mark < 0, "the client sends single, last fragments");
    byte[] body = new byte[mark & 0x7fffffff];
    in.readFully(body);
    return body;
  }

  private static int xid(byte[] call) {
    return ByteBuffer.wrap(call).getInt(0);
  }

  /** An accepted, successful reply header for {@code xid} followed by {@code results}. */
  private static byte[] reply(int xid, byte[] results) {
    ByteBuffer b = ByteBuffer.allocate(24 + results.length);
    b.putInt(xid).putInt(1).putInt(0).putInt(0).putInt(0).putInt(0).put(results);
    return b.array();
  }

  private static void send(Socket s, byte[] record, int... fragmentSizes) throws IOException {
    OutputStream out = s.getOutputStream();
    int off = 0;
    for (int i = 0; i <= fragmentSizes.length; i++) {
      int len = i < fragmentSizes.length ? fragmentSizes[i] : record.length - off;
      boolean last = i == fragmentSizes.length;
      out.write(ByteBuffer.allocate(4).putInt((last ? 0x80000000 : 0) | len).array());
      out.write(record, off, len);
      off += len;
    }
    out.flush();
  }

  @Test
  void callsCarryAuthSysAndRepliesComeBackInAnyOrderAndInFragments() throws Exception {
    try (RpcConnection rpc = new RpcConnection(address(), 1000, 100, 1 << 20, 2000)) {
      Socket s = accept();
      XdrWriter a = rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0);
      XdrWriter b = rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0);
      CompletableFuture<XdrReader> fa = rpc.send(a);
      CompletableFuture<XdrReader> fb = rpc.send(b);
      byte[] callA = readCall(s);
      byte[] callB = readCall(s);

      XdrReader r = new XdrReader(callA);
      r.int32(); // xid
      assertEquals(0, r.int32(), "CALL");
      assertEquals(2, r.int32(), "RPC version 2");
      assertEquals(100003, r.int32());
      assertEquals(4, r.int32());
      assertEquals(0, r.int32(), "procedure");
      assertEquals(1, r.int32(), "AUTH_SYS");
      XdrReader cred = new XdrReader(r.opaque(400, "credential"));
      cred.int32(); // stamp
      assertEquals("foxing", cred.string(255, "machine name"));
      assertEquals(1000, cred.int32());
      assertEquals(100, cred.int32());
      assertEquals(0, cred.int32(), "no supplementary groups");
      assertEquals(0, r.int32(), "verifier AUTH_NONE");
      assertEquals(0, r.int32());
      assertEquals(0, r.remaining());

      // the second call is answered first, the first in three fragments
      send(s, reply(xid(callB), new byte[] {0, 0, 0, 2}));
      send(s, reply(xid(callA), new byte[] {0, 0, 0, 1}), 5, 11);
      assertEquals(2, fb.get(5, TimeUnit.SECONDS).int32());
      assertEquals(1, fa.get(5, TimeUnit.SECONDS).int32());
    }
  }

  @Test
  void attachedDirectDataGoesOutWholeEvenWhenItEndsTheRecord() throws Exception {
    try (RpcConnection rpc = new RpcConnection(address(), 0, 0, 1 << 20, 2000)) {
      Socket s = accept();
      ByteBuffer data =
          ByteBuffer.allocateDirect(256 * 1024); // a multiple of 4: no padding after it
      for (int i = 0; i < data.capacity(); i++) {
        data.put((byte) (i * 31));
      }
      data.flip();
      Compound c = new Compound("x");
      c.putFh(new byte[] {7});
      c.write(new byte[16], 0, data, Nfs4.UNSTABLE4);
      XdrWriter call =
          rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_COMPOUND, 64).append(c.ops(1));
      CompletableFuture.runAsync(() -> rpc.send(call)); // a big record blocks until we read it
      byte[] got = readCall(s);
      assertEquals(call.length(), got.length);
      ByteBuffer tail = ByteBuffer.wrap(got, got.length - data.capacity(), data.capacity());
      assertEquals(
          data.duplicate().rewind(),
          tail,
          "the attached bytes, unchanged, at the end of the record");
      assertEquals(
          data.capacity(),
          ByteBuffer.wrap(got).getInt(got.length - data.capacity() - 4),
          "preceded by their length");
    }
  }

  @Test
  void refusalsAreNamed() throws Exception {
    try (RpcConnection rpc = new RpcConnection(address(), 0, 0, 1 << 20, 2000)) {
      Socket s = accept();
      CompletableFuture<XdrReader> f =
          rpc.send(rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0));
      int xid = xid(readCall(s));
      // MSG_DENIED, AUTH_ERROR, AUTH_TOOWEAK (5)
      send(s, ByteBuffer.allocate(20).putInt(xid).putInt(1).putInt(1).putInt(1).putInt(5).array());
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
      assertInstanceOf(RpcException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("AUTH_SYS"), e.getCause().getMessage());

      CompletableFuture<XdrReader> g =
          rpc.send(rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0));
      xid = xid(readCall(s));
      // accepted, PROG_MISMATCH 2..3
      send(
          s,
          ByteBuffer.allocate(32)
              .putInt(xid)
              .putInt(1)
              .putInt(0)
              .putInt(0)
              .putInt(0)
              .putInt(2)
              .putInt(2)
              .putInt(3)
              .array());
      e = assertThrows(ExecutionException.class, () -> g.get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("version 4"), e.getCause().getMessage());
    }
  }

  @Test
  void aBrokenConnectionFailsEveryPendingCall() throws Exception {
    try (RpcConnection rpc = new RpcConnection(address(), 0, 0, 1 << 20, 2000)) {
      Socket s = accept();
      CompletableFuture<XdrReader> a =
          rpc.send(rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0));
      CompletableFuture<XdrReader> b =
          rpc.send(rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0));
      readCall(s);
      s.close();
      for (CompletableFuture<XdrReader> f : List.of(a, b)) {
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(
            e.getCause().getMessage().contains("127.0.0.1:" + server.getLocalPort()),
            e.getCause().getMessage());
      }
      assertFalse(rpc.isOpen());
      // and a call after that fails at once
      CompletableFuture<XdrReader> late =
          rpc.send(rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0));
      assertThrows(ExecutionException.class, () -> late.get(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void aServerThatStopsReadingFailsTheSendInsteadOfBlockingIt() throws Exception {
    try (RpcConnection rpc = new RpcConnection(address(), 0, 0, 1 << 20, 2000, 500)) {
      accept(); // and never read
      ByteBuffer big = ByteBuffer.allocateDirect(64 << 20); // more than any socket buffer holds
      Compound c = new Compound("x");
      c.write(new byte[16], 0, big, Nfs4.UNSTABLE4);
      long start = System.nanoTime();
      CompletableFuture<XdrReader> f =
          rpc.send(
              rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_COMPOUND, 64).append(c.ops(1)));
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("stopped reading"), e.getCause().getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
      assertFalse(rpc.isOpen());
    }
  }

  @Test
  void anOversizedRecordIsAProtocolErrorNotAnAllocation() throws Exception {
    try (RpcConnection rpc = new RpcConnection(address(), 0, 0, 4096, 2000)) {
      Socket s = accept();
      CompletableFuture<XdrReader> f =
          rpc.send(rpc.newCall(Nfs4.PROGRAM, Nfs4.VERSION, Nfs4.PROC_NULL, 0));
      readCall(s);
      s.getOutputStream().write(ByteBuffer.allocate(4).putInt(0x80000000 | 0x7ffffff0).array());
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
      assertTrue(
          e.getCause().getMessage().contains("more than 4096 bytes"), e.getCause().getMessage());
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    NfsOptions options = NfsOptions.builder().callTimeout(Duration.ofMillis(300)).build();
    long start = System.nanoTime();
    CompletableFuture<Void> serverSide =
        CompletableFuture.runAsync(
            () -> {
              try {
                readCall(accept()); // EXCHANGE_ID, never answered
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    IOException e =
        assertThrows(
            IOException.class, () -> new Session(address(), options, "test", new AtomicLong()));
    assertTrue(e.getMessage().contains("no reply from NFS server"), e.getMessage());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    serverSide.get(5, TimeUnit.SECONDS);
  }

  @Test
  void nobodyListeningIsAClearError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    IOException e =
        assertThrows(
            IOException.class,
            () -> new RpcConnection(new InetSocketAddress("127.0.0.1", port), 0, 0, 4096, 1000));
    assertTrue(
        e.getMessage().startsWith("cannot connect to NFS server 127.0.0.1:" + port),
        e.getMessage());
  }
}
