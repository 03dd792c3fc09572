// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static io.foxing.nfs.internal.Nfs4.*;

import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsException;
import io.foxing.nfs.NfsMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one NFSv4 COMPOUND (RFC 8881 section 16.2): each method encodes one operation at once and
 * returns its index, by which {@link Result} hands back that operation's answer. The session puts a
 * SEQUENCE in front of the operations on every attempt ({@link Session#call}), so a compound can be
 * retried after the session is rebuilt.
 *
 * <p>Every operation a compound here carries is safe to send twice: the high-level client writes to
 * temporary names, sizes files explicitly and treats EXIST/NOENT on a retried create/remove as
 * done. That is what lets the session retry after a reconnect.
 */
public final class Compound {
  private final String path;
  private final XdrWriter ops;
  private final List<Integer> opcodes = new ArrayList<>();

  /**
   * Where OPENs carry the client id, filled in per attempt: it changes when the session is rebuilt.
   */
  private final List<Integer> clientIdAt = new ArrayList<>();

  /**
   * @param path what the compound is about, for error messages
   */
  public Compound(String path) {
    this(path, 512);
  }

  public Compound(String path, int sizeHint) {
    this.path = path;
    this.ops = new XdrWriter(sizeHint);
  }

  public String path() {
    return path;
  }

  int count() {
    return opcodes.size();
  }

  int[] opcodes() {
    return opcodes.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The encoded operations (without SEQUENCE), with the session's client id in every OPEN owner.
   */
  XdrWriter ops(long clientId) {
    for (int at : clientIdAt) {
      ops.patch(at, (int) (clientId >>> 32));
      ops.patch(at + 4, (int) clientId);
    }
    return ops;
  }

  private int op(int code) {
    opcodes.add(code);
    ops.int32(code);
    return opcodes.size() - 1;
  }

  public int putRootFh() {
    return op(OP_PUTROOTFH);
  }

  public int putFh(byte[] fh) {
    int i = op(OP_PUTFH);
    ops.opaque(fh);
    return i;
  }

  public int lookup(String name) {
    int i = op(OP_LOOKUP);
    ops.opaque(name(name));
    return i;
  }

  public int getFh() {
    return op(OP_GETFH);
  }

  public int getAttr(int[] bitmap) {
    int i = op(OP_GETATTR);
    ops.bitmap(bitmap);
    return i;
  }

  public int saveFh() {
    return op(OP_SAVEFH);
  }

  public int restoreFh() {
    return op(OP_RESTOREFH);
  }

  public int readdir(long cookie, byte[] verifier, int dirCount, int maxCount, int[] bitmap) {
    int i = op(OP_READDIR);
    ops.int64(cookie).fixed(verifier, 8).int32(dirCount).int32(maxCount).bitmap(bitmap);
    return i;
  }

  /**
   * OPEN by name in the current directory. With {@code create}, UNCHECKED4 (an existing file is
   * opened, which makes a retry harmless) or GUARDED4 ({@code exclusive}: EXIST if present). Asks
   * for no delegation: this client has no back channel to return one.
   */
  public int open(
      String name, byte[] owner, int access, boolean create, boolean exclusive, NfsMetadata attrs) {
    int i = op(OP_OPEN);
    ops.int32(0); // seqid: ignored in 4.1
    ops.int32(access | SHARE_ACCESS_WANT_NO_DELEG).int32(SHARE_DENY_NONE);
    clientIdAt.add(ops.mark());
    ops.int64(0).opaque(owner);
    if (create) {
      ops.int32(OPEN4_CREATE).int32(exclusive ? GUARDED4 : UNCHECKED4);
      Attrs.encode(ops, attrs, -1);
    } else {
      ops.int32(OPEN4_NOCREATE);
    }
    ops.int32(CLAIM_NULL).opaque(name(name));
    return i;
  }

  /**
   * WRITE of {@code data}'s remaining bytes. Data in a direct buffer is sent from there (keep it
   * unchanged until the call returns); heap data is copied in.
   */
  public int write(byte[] stateid, long offset, ByteBuffer data, int stable) {
    int i = op(OP_WRITE);
    ops.fixed(stateid, 16).int64(offset).int32(stable);
    if (data.isDirect()) {
      ops.opaqueAttached(data);
    } else {
      ops.opaque(data);
    }
    return i;
  }

  public int read(byte[] stateid, long offset, int count) {
    int i = op(OP_READ);
    ops.fixed(stateid, 16).int64(offset).int32(count);
    return i;
  }

  public int commit(long offset, int count) {
    int i = op(OP_COMMIT);
    ops.int64(offset).int32(count);
    return i;
  }

  public int close(byte[] stateid) {
    int i = op(OP_CLOSE);
    ops.int32(0).fixed(stateid, 16);
    return i;
  }

  /** SETATTR of {@code m}, and of the size when {@code size >= 0}. */
  public int setAttr(byte[] stateid, NfsMetadata m, long size) {
    int i = op(OP_SETATTR);
    ops.fixed(stateid, 16);
    Attrs.encode(ops, m, size);
    return i;
  }

  /** CREATE of a directory, FIFO or socket (no type data). */
  public int create(int nfsType, String name, NfsMetadata attrs) {
    return create(nfsType, name, null, 0, 0, attrs);
  }

  public int createSymlink(String name, String target, NfsMetadata attrs) {
    return create(NF4LNK, name, target, 0, 0, attrs);
  }

  public int createDevice(int nfsType, String name, int major, int minor, NfsMetadata attrs) {
    return create(nfsType, name, null, major, minor, attrs);
  }

  private int create(
      int nfsType, String name, String linkTarget, int major, int minor, NfsMetadata attrs) {
    int i = op(OP_CREATE);
    ops.int32(nfsType);
    switch (nfsType) {
      case NF4LNK -> ops.opaque(linkTarget.getBytes(StandardCharsets.UTF_8));
      case NF4BLK, NF4CHR -> ops.int32(major).int32(minor);
      default -> {}
    }
    ops.opaque(name(name));
    Attrs.encode(ops, attrs, -1);
    return i;
  }

  /** LINK: the saved file handle gets {@code name} in the current directory. */
  public int link(String name) {
    int i = op(OP_LINK);
    ops.opaque(name(name));
    return i;
  }

  public int remove(String name) {
    int i = op(OP_REMOVE);
    ops.opaque(name(name));
    return i;
  }

  /** RENAME from the saved directory to the current one. */
  public int rename(String from, String to) {
    int i = op(OP_RENAME);
    ops.opaque(name(from)).opaque(name(to));
    return i;
  }

  public int readlink() {
    return op(OP_READLINK);
  }

  public int seek(byte[] stateid, long offset, int what) {
    int i = op(OP_SEEK);
    ops.fixed(stateid, 16).int64(offset).int32(what);
    return i;
  }

  public int allocate(byte[] stateid, long offset, long length) {
    int i = op(OP_ALLOCATE);
    ops.fixed(stateid, 16).int64(offset).int64(length);
    return i;
  }

  public int deallocate(byte[] stateid, long offset, long length) {
    int i = op(OP_DEALLOCATE);
    ops.fixed(stateid, 16).int64(offset).int64(length);
    return i;
  }

  /**
   * Server-side COPY (synchronous, intra-server): saved file handle is the source, current the
   * destination.
   */
  public int copy(
      byte[] srcStateid, byte[] dstStateid, long srcOffset, long dstOffset, long count) {
    int i = op(OP_COPY);
    ops.fixed(srcStateid, 16).fixed(dstStateid, 16).int64(srcOffset).int64(dstOffset).int64(count);
    ops.bool(false).bool(true).int32(0); // not consecutive, synchronous, no source server
    return i;
  }

  public int clone(
      byte[] srcStateid, byte[] dstStateid, long srcOffset, long dstOffset, long count) {
    int i = op(OP_CLONE);
    ops.fixed(srcStateid, 16).fixed(dstStateid, 16).int64(srcOffset).int64(dstOffset).int64(count);
    return i;
  }

  public int reclaimComplete() {
    int i = op(OP_RECLAIM_COMPLETE);
    ops.bool(false);
    return i;
  }

  private static byte[] name(String name) {
    if (name.isEmpty()
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0
        || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException("not a file name: \"" + name + "\"");
    }
    return name.getBytes(StandardCharsets.UTF_8);
  }

  // ---- results ----

  /** A WRITE's answer. */
  public record Written(int count, int committed, byte[] verifier) {}

  /** A READ's answer. */
  public record ReadData(boolean eof, byte[] data) {}

  /**
   * One READDIR entry; {@code fileHandle} may be null (a server need not send it) and {@code error}
   * is the entry's rdattr_error (0 when its attributes came).
   */
  public record DirEntry(
      String name, long cookie, NfsAttributes attributes, byte[] fileHandle, int error) {}

  /** A page of READDIR. */
  public record DirPage(byte[] verifier, List<DirEntry> entries, boolean eof) {}

  /** A SEEK's answer. */
  public record Seek(boolean eof, long offset) {}

  /**
   * The decoded reply: the compound status, how many operations answered, and each answer by index.
   * {@link #check()} turns a failure into an {@link NfsException} naming the operation.
   */
  public static final class Result {
    private final String path;
    private final int status;
    private final int failedOp;
    private final Object[] values;
    private final int answered;

    Result(String path, int status, int failedOp, Object[] values, int answered) {
      this.path = path;
      this.status = status;
      this.failedOp = failedOp;
      this.values = values;
      this.answered = answered;
    }

    public int status() {
      return status;
    }

    public boolean ok() {
      return status == 0;
    }

    /** The operation that failed (an opcode), or -1. */
    public int failedOp() {
      return failedOp;
    }

    /** How many operations (not counting SEQUENCE) the server answered. */
    public int answered() {
      return answered;
    }

    public Result check() throws NfsException {
      if (status != 0) {
        throw exception();
      }
      return this;
    }

    public NfsException exception() {
      return new NfsException(status, opName(failedOp), path);
    }

    public byte[] fileHandle(int i) {
      return (byte[]) values[i];
    }

    public NfsAttributes attributes(int i) {
      return (NfsAttributes) values[i];
    }

    public Attrs.Filesystem filesystem(int i) {
      return (Attrs.Filesystem) values[i];
    }

    public int leaseSeconds(int i) {
      return (Integer) values[i];
    }

    public byte[] stateid(int i) {
      return (byte[]) values[i];
    }

    public Written written(int i) {
      return (Written) values[i];
    }

    public ReadData readData(int i) {
      return (ReadData) values[i];
    }

    public DirPage dirPage(int i) {
      return (DirPage) values[i];
    }

    public String linkTarget(int i) {
      return (String) values[i];
    }

    public byte[] verifier(int i) {
      return (byte[]) values[i];
    }

    public Seek seek(int i) {
      return (Seek) values[i];
    }

    public long copied(int i) {
      return (Long) values[i];
    }
  }

  /**
   * Decodes the results of operations {@code opcodes} (a SEQUENCE result, already consumed by the
   * session, is not among them). Stops at the first failed operation, as the server does.
   */
  static Result decode(XdrReader r, String path, int[] opcodes, int n, int maxData)
      throws XdrException {
    Object[] values = new Object[opcodes.length];
    int status = 0;
    int failedOp = -1;
    if (n < 0 || n > opcodes.length) {
      throw new XdrException(n + " results for " + opcodes.length + " operations");
    }
    for (int i = 0; i < n; i++) {
      int op = r.int32();
      if (op != opcodes[i]) {
        throw new XdrException(
            "result " + i + " is for " + opName(op) + ", expected " + opName(opcodes[i]));
      }
      int st = r.int32();
      if (op == OP_SETATTR) {
        r.bitmap(); // attrsset: present whatever the status
      }
      if (st != 0) {
        status = st;
        failedOp = op;
        if (op == OP_COPY && st == OFFLOAD_NO_REQS) {
          r.bool();
          r.bool();
        }
        return new Result(path, status, failedOp, values, i + 1);
      }
      values[i] = decodeOk(r, op, maxData);
    }
    return new Result(path, status, failedOp, values, n);
  }

  private static final int OFFLOAD_NO_REQS = 10094;

  private static Object decodeOk(XdrReader r, int op, int maxData) throws XdrException {
    switch (op) {
      case OP_PUTFH,
          OP_PUTROOTFH,
          OP_LOOKUP,
          OP_SAVEFH,
          OP_RESTOREFH,
          OP_SETATTR,
          OP_RECLAIM_COMPLETE,
          OP_ALLOCATE,
          OP_DEALLOCATE,
          OP_CLONE,
          OP_DESTROY_SESSION,
          OP_DESTROY_CLIENTID -> {
        return null;
      }
      case OP_GETFH -> {
        return r.opaque(MAX_FH, "file handle");
      }
      case OP_GETATTR -> {
        Attrs.Extra extra = new Attrs.Extra();
        NfsAttributes a = Attrs.decode(r, extra);
        if (extra.hasFsid) {
          return new Attrs.Filesystem(
              extra.fsidMajor, extra.fsidMinor, extra.spaceAvail); // a filesystem query
        }
        return extra.leaseSeconds >= 0
            ? (Object) extra.leaseSeconds
            : a; // a lease-time query answers a number
      }
      case OP_OPEN -> {
        byte[] stateid = r.fixed(16);
        changeInfo(r);
        r.int32(); // rflags
        r.bitmap(); // attrset
        delegation(r);
        return stateid;
      }
      case OP_CLOSE -> {
        return r.fixed(16);
      }
      case OP_WRITE -> {
        return new Written(r.int32(), r.int32(), r.fixed(8));
      }
      case OP_READ -> {
        boolean eof = r.bool();
        return new ReadData(eof, r.opaque(maxData, "READ data"));
      }
      case OP_COMMIT -> {
        return r.fixed(8);
      }
      case OP_CREATE -> {
        changeInfo(r);
        r.bitmap();
        return null;
      }
      case OP_LINK, OP_REMOVE -> {
        changeInfo(r);
        return null;
      }
      case OP_RENAME -> {
        changeInfo(r);
        changeInfo(r);
        return null;
      }
      case OP_READLINK -> {
        return r.string(NAME_LIMIT, "symlink target");
      }
      case OP_READDIR -> {
        byte[] verifier = r.fixed(8);
        List<DirEntry> entries = new ArrayList<>();
        while (r.bool()) {
          if (entries.size() >= 1 << 20) {
            throw new XdrException("READDIR reply with more than a million entries");
          }
          long cookie = r.int64();
          String name = r.string(NAME_LIMIT, "entry name");
          Attrs.Extra extra = new Attrs.Extra();
          NfsAttributes a = Attrs.decode(r, extra);
          entries.add(new DirEntry(name, cookie, a, extra.fileHandle, extra.rdattrError));
        }
        return new DirPage(verifier, entries, r.bool());
      }
      case OP_SEEK -> {
        return new Seek(r.bool(), r.int64());
      }
      case OP_COPY -> {
        int ids = r.count(1, "callback ids");
        for (int k = 0; k < ids; k++) {
          r.fixed(16);
        }
        long count = r.int64();
        r.int32(); // committed
        r.fixed(8); // verifier
        r.bool();
        r.bool(); // copy requirements
        return count;
      }
      default -> throw new XdrException("no decoder for " + opName(op));
    }
  }

  private static void changeInfo(XdrReader r) throws XdrException {
    r.bool();
    r.int64();
    r.int64();
  }

  /** open_delegation4: we ask for none, but a server may still describe why it gave none. */
  private static void delegation(XdrReader r) throws XdrException {
    int type = r.int32();
    switch (type) {
      case OPEN_DELEGATE_NONE -> {}
      case OPEN_DELEGATE_READ -> {
        r.fixed(16);
        r.bool();
        ace(r);
      }
      case OPEN_DELEGATE_WRITE -> {
        r.fixed(16);
        r.bool();
        int limitBy = r.int32();
        switch (limitBy) {
          case NFS_LIMIT_SIZE -> r.int64();
          case NFS_LIMIT_BLOCKS -> {
            r.int32();
            r.int32();
          }
          default -> throw new XdrException("space limit kind " + limitBy);
        }
        ace(r);
      }
      case OPEN_DELEGATE_NONE_EXT -> {
        int why = r.int32();
        if (why == WND4_CONTENTION || why == WND4_RESOURCE) {
          r.bool();
        }
      }
      default -> throw new XdrException("delegation type " + type);
    }
  }

  private static void ace(XdrReader r) throws XdrException {
    r.int32();
    r.int32();
    r.int32();
    r.skipOpaque(OPAQUE_LIMIT, "ACE who");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("COMPOUND[");
    for (int i = 0; i < opcodes.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(opName(opcodes.get(i)));
    }
    return sb.append("] ").append(path).toString();
  }
}
