// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How a chunk's bytes are stored. The numbers are the format's codec ids and never change. */
public enum Codec {
  NONE(0, 0),
  ZSTD(1, 3),
  LZ4(2, 0),
  GZIP(3, 6),
  XZ(4, 6);

  private final int id;
  private final int defaultLevel;

  Codec(int id, int defaultLevel) {
    this.id = id;
    this.defaultLevel = defaultLevel;
  }

  /** The codec id written in frames. */
  public int id() {
    return id;
  }

  /** The level used when none is given. */
  public int defaultLevel() {
    return defaultLevel;
  }

  /** The codec with this id, or null if the id is unknown. */
  public static @Nullable Codec ofId(int id) {
    for (Codec c : values()) {
      if (c.id == id) {
        return c;
      }
    }
    return null;
  }

  /** The name users write: {@code none}, {@code zstd}, {@code lz4}, {@code gzip}, {@code xz}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
