// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The server answered an operation with an error status. The message names the operation, the path
 * it was about and the protocol name of the status ({@code NFS4ERR_NOENT}), so it reads well on its
 * own in a log or a copy report.
 */
public class NfsException extends IOException {
  private final NfsStatus status;
  private final int code;
  private final String operation;
  private final String path;

  public NfsException(int code, String operation, String path) {
    super(path + ": " + operation + " failed: " + name(code), fullDisk(code, operation, path));
    this.status = NfsStatus.of(code);
    this.code = code;
    this.operation = operation;
    this.path = path;
  }

  /**
   * The server is full (or the quota is): the cause callers that stall on a full disk recognise, as
   * they do ENOSPC and EDQUOT from a local one; null for any other status.
   */
  private static io.foxing.api.@Nullable ErrnoException fullDisk(
      int code, String operation, String path) {
    NfsStatus status = NfsStatus.of(code);
    if (status != NfsStatus.NOSPC && status != NfsStatus.DQUOT) {
      return null;
    }
    boolean quota = status == NfsStatus.DQUOT;
    return new io.foxing.api.ErrnoException.NoSpace(
        operation,
        path,
        quota ? 122 : 28,
        quota ? "EDQUOT" : "ENOSPC",
        quota ? "quota exceeded on the NFS server" : "no space left on the NFS server");
  }

  private static String name(int code) {
    NfsStatus s = NfsStatus.of(code);
    return s == NfsStatus.UNKNOWN ? "NFS4ERR " + code : s.toString();
  }

  /** The status, {@link NfsStatus#UNKNOWN} for a code this client does not know. */
  public NfsStatus status() {
    return status;
  }

  /** The status number on the wire. */
  public int code() {
    return code;
  }

  /** The operation that failed, e.g. {@code OPEN}. */
  public String operation() {
    return operation;
  }

  /** The path (relative to the client's root) the failed compound was about. */
  public String path() {
    return path;
  }
}
