// SPDX-License-Identifier: Apache-2.0
package io.foxing.merkle;

import java.io.IOException;

/** A stored signature could not be read: wrong magic, a version we do not know, or damage. */
public final class SignatureException extends IOException {
  private static final long serialVersionUID = 1L;

  public SignatureException(String message) {
    super(message);
  }
}
