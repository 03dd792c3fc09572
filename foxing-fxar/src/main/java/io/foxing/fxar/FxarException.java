// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import java.io.IOException;

/** An archive that cannot be read as FXAR v2: not an archive, another version, or damaged. */
public class FxarException extends IOException {
  private static final long serialVersionUID = 1L;

  public FxarException(String message) {
    super(message);
  }

  public FxarException(String message, Throwable cause) {
    super(message, cause);
  }
}
