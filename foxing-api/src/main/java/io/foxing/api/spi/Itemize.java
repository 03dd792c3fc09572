// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.spi;

/**
 * rsync's itemize codes ({@code YXcstpoguax}, see {@code rsync --itemize-changes}) and the bits a
 * {@link TargetDirectory} returns for what differed. One place for both, so every target reports a
 * change with the same letters.
 */
public final class Itemize {
  /**
   * A bit per letter after {@code YX}: checksum, size, time, permissions, owner, group, ACL,
   * xattrs.
   */
  public static final int CHECKSUM = 1,
      SIZE = 2,
      TIME = 4,
      PERMS = 8,
      OWNER = 16,
      GROUP = 32,
      ACL = 128,
      XATTR = 256;

  private Itemize() {}

  /**
   * The 11-character code of an existing entry: {@code y} (update kind), {@code x} (file kind),
   * then a letter per bit.
   */
  public static String code(char y, char x, int bits) {
    char[] c = {y, x, '.', '.', '.', '.', '.', '.', '.', '.', '.'};
    if ((bits & CHECKSUM) != 0) c[2] = 'c';
    if ((bits & SIZE) != 0) c[3] = 's';
    if ((bits & TIME) != 0) c[4] = 't';
    if ((bits & PERMS) != 0) c[5] = 'p';
    if ((bits & OWNER) != 0) c[6] = 'o';
    if ((bits & GROUP) != 0) c[7] = 'g';
    if ((bits & ACL) != 0) c[9] = 'a';
    if ((bits & XATTR) != 0) c[10] = 'x';
    return new String(c);
  }

  /** The code of a new entry: {@code y}, {@code x}, then nine {@code +}. */
  public static String created(char y, char x) {
    return "" + y + x + "+++++++++";
  }
}
