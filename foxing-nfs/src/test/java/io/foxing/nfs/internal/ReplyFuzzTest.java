// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Replies come from a server we do not control: whatever the bytes, the RPC header check, the
 * compound decoder (every operation this client sends) and the attribute decoder either decode or
 * throw a named {@link IOException}; nothing else escapes, nothing hangs, and no declared length is
 * allocated before it is bounded. Runs its inputs in every {@code mvn verify}; {@code
 * JAZZER_FUZZ=1} fuzzes for real.
 */
class ReplyFuzzTest {
  private static final int[] ALL_OPS = {
    Nfs4.OP_PUTFH,
    Nfs4.OP_OPEN,
    Nfs4.OP_WRITE,
    Nfs4.OP_SETATTR,
    Nfs4.OP_CLOSE,
    Nfs4.OP_GETFH,
    Nfs4.OP_GETATTR,
    Nfs4.OP_READDIR,
    Nfs4.OP_READ,
    Nfs4.OP_COMMIT,
    Nfs4.OP_CREATE,
    Nfs4.OP_LINK,
    Nfs4.OP_REMOVE,
    Nfs4.OP_RENAME,
    Nfs4.OP_READLINK,
    Nfs4.OP_SEEK,
    Nfs4.OP_COPY,
    Nfs4.OP_CLONE,
    Nfs4.OP_ALLOCATE,
    Nfs4.OP_DEALLOCATE,
    Nfs4.OP_SAVEFH,
    Nfs4.OP_RESTOREFH,
    Nfs4.OP_LOOKUP,
    Nfs4.OP_PUTROOTFH,
    Nfs4.OP_RECLAIM_COMPLETE
  };

  @FuzzTest(maxDuration = "60s")
  void replyDecodersAcceptOrRejectCleanly(byte[] data) {
    try {
      RpcConnection.decodeReplyHeader(new XdrReader(data));
    } catch (IOException expected) {
      // named
    }
    if (data.length < 2) {
      return;
    }
    // the first byte picks which operations the reply is decoded against, so every decoder is
    // reached
    int first = (data[0] & 0xff) % ALL_OPS.length;
    int count = 1 + (data[1] & 0x7) % 4;
    int[] ops = new int[count];
    for (int i = 0; i < count; i++) {
      ops[i] = ALL_OPS[(first + i) % ALL_OPS.length];
    }
    try {
      Compound.decode(new XdrReader(data, 2, data.length - 2), "fuzz", ops, count, 1 << 16);
    } catch (XdrException expected) {
      // named
    }
    try {
      Attrs.decode(new XdrReader(data), new Attrs.Extra());
    } catch (XdrException expected) {
      // named
    }
  }
}
