// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

/**
 * A structure of the archive fails its checks: a checksum, a bound, a chunk's hash. The message
 * names what is damaged and where; {@link #offset()} is the archive offset of the structure.
 */
public class DamagedArchiveException extends FxarException {
  private static final long serialVersionUID = 1L;
  private final long offset;

  public DamagedArchiveException(long offset, String message) {
    super(message + " at offset " + offset);
    this.offset = offset;
  }

  /** Archive offset of the damaged structure, or -1 when unknown. */
  public long offset() {
    return offset;
  }
}
