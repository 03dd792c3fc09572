// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

import java.io.IOException;

/**
 * A tier cannot serve this file (wrong filesystem pair, unsupported by the kernel or filesystem, a
 * sparse file it would fill in). The copier moves on to the next tier; nothing was written that the
 * next tier must undo.
 */
public class TierUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public TierUnavailableException(String reason) {
    super(reason);
  }

  /**
   * Fallback is control flow, often once per file: a stack trace would cost more than the call it
   * reports.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
