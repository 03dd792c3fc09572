// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import java.io.IOException;

/** A reply that does not decode: truncated, a length beyond its limit, an unknown union arm. */
public final class XdrException extends IOException {
  public XdrException(String message) {
    super(message);
  }
}
