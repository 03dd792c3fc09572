// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import java.io.IOException;

/**
 * A system call failed. Carries the errno value and its C name ({@code ENOENT}, {@code EACCES}) so
 * callers can react without parsing messages; the message names the operation and the path.
 * Subclasses mark the failures callers usually treat differently.
 */
public class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int errno;
  private final String errnoName;
  private final String path;

  public ErrnoException(
      String operation, String path, int errno, String errnoName, String description) {
    super(path + ": " + operation + " failed: " + description + " (" + errnoName + ")");
    this.errno = errno;
    this.errnoName = errnoName;
    this.path = path;
  }

  /** The raw errno value. */
  public int errno() {
    return errno;
  }

  /** The C name of the errno, e.g. {@code ENOSPC}. */
  public String errnoName() {
    return errnoName;
  }

  /** The path the failing call was about, as the user would write it. */
  public String path() {
    return path;
  }

  /**
   * The target ran out of space or quota ({@code ENOSPC}, {@code EDQUOT}); retrying will not help
   * until space is freed.
   */
  public static final class NoSpace extends ErrnoException {
    private static final long serialVersionUID = 1L;

    public NoSpace(String operation, String path, int errno, String errnoName, String description) {
      super(operation, path, errno, errnoName, description);
    }
  }

  /** Something vanished while we worked ({@code ENOENT}); a rescan or retry usually repairs it. */
  public static final class NotFound extends ErrnoException {
    private static final long serialVersionUID = 1L;

    public NotFound(
        String operation, String path, int errno, String errnoName, String description) {
      super(operation, path, errno, errnoName, description);
    }
  }

  /** The call was interrupted or would block ({@code EINTR}, {@code EAGAIN}); safe to retry. */
  public static final class Retryable extends ErrnoException {
    private static final long serialVersionUID = 1L;

    public Retryable(
        String operation, String path, int errno, String errnoName, String description) {
      super(operation, path, errno, errnoName, description);
    }
  }
}
