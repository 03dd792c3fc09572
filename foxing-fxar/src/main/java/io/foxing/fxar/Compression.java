// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar;

import java.util.Locale;

/**
 * A codec and its level, as users write it: {@code zstd}, {@code zstd:19}, {@code lz4}, {@code
 * gzip:9}, {@code xz}, {@code none}.
 */
public record Compression(Codec codec, int level) {
  /** zstd at level 3: close to lz4's speed at a much better ratio. */
  public static final Compression DEFAULT = new Compression(Codec.ZSTD, 3);

  public Compression {
    if (codec == null) {
      throw new IllegalArgumentException("codec is required");
    }
    int[] range =
        switch (codec) {
          case ZSTD -> new int[] {-7, 22};
          case GZIP -> new int[] {1, 9};
          case XZ -> new int[] {0, 9};
          case NONE, LZ4 -> new int[] {0, 0};
        };
    if (level < range[0] || level > range[1]) {
      throw new IllegalArgumentException(
          codec.label() + " level " + level + " is out of range " + range[0] + ".." + range[1]);
    }
  }

  /**
   * Parses {@code CODEC[:LEVEL]}.
   *
   * @throws IllegalArgumentException naming the codecs or the level range when {@code text} is
   *     wrong
   */
  public static Compression parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", 2);
    Codec codec = null;
    for (Codec c : Codec.values()) {
      if (c.label().equals(parts[0])) {
        codec = c;
      }
    }
    if (codec == null) {
      throw new IllegalArgumentException(
          "unknown codec '"
              + parts[0]
              + "' (use zstd, lz4, gzip, xz or none, optionally with :LEVEL)");
    }
    if (parts.length == 1) {
      return new Compression(codec, codec.defaultLevel());
    }
    try {
      return new Compression(codec, Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("level '" + parts[1] + "' is not a number", e);
    }
  }

  @Override
  public String toString() {
    return codec == Codec.NONE || codec == Codec.LZ4 ? codec.label() : codec.label() + ":" + level;
  }
}
