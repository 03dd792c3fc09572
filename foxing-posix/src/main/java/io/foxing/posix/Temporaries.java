// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import io.foxing.api.spi.FileStat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The temporaries fxcp writes before an entry appears under its name, and how a later run or {@code
 * fxcp --cleanup} tells them from the user's files.
 *
 * <p>A name alone proves nothing: a user may have a file called {@code .fxcp~0badcafe~notes}, or
 * copy one from elsewhere. So a temporary regular file also carries the {@code user.foxing.tmp}
 * extended attribute from its creation until just before it is renamed into place, and only a file
 * with both the name and the mark is ever removed as ours. The mark is one of the names fxcp keeps
 * to itself ({@link Metadata#isOwn}): it is never copied from a source, so a copy of someone else's
 * temporary is the user's data. What cannot carry the mark (symlinks, special files, a filesystem
 * without user xattrs, the instant between unmarking and the rename) is left alone: a stray name is
 * better than a lost file.
 */
public final class Temporaries {
  private Temporaries() {}

  /** Prefix of our temporary names: {@code .fxcp~XXXXXXXX~NAME}. */
  public static final String PREFIX = ".fxcp~";

  private static final int TAG_END = PREFIX.length() + 8; // 8 hex digits, then '~'
  private static final int NAME_MAX = 255;

  /** The mark on a temporary regular file (NUL-terminated for C). */
  public static final byte[] MARK = "user.foxing.tmp\0".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] MARK_VALUE = {'1'};

  /**
   * A fresh temporary name in the same directory as {@code name}, cut to NAME_MAX, NUL-terminated.
   */
  public static byte[] nameFor(byte[] name) {
    String tag = PREFIX + String.format("%08x", ThreadLocalRandom.current().nextInt()) + "~";
    byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
    int keep = Math.min(name.length, NAME_MAX - t.length);
    byte[] out = Arrays.copyOf(t, t.length + keep + 1); // + NUL for C
    System.arraycopy(name, 0, out, t.length, keep);
    return out;
  }

  /** Whether {@code name} (without NUL) has the form of our temporaries; on its own, no proof. */
  public static boolean looksLike(byte[] name) {
    if (name.length <= TAG_END || name[TAG_END] != '~') {
      return false;
    }
    for (int i = 0; i < PREFIX.length(); i++) {
      if (name[i] != PREFIX.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Marks a temporary regular file just created; where the filesystem refuses (no user xattrs:
   * vfat, some network filesystems), it stays unmarked.
   *
   * @return whether it is marked: only then is there a mark to {@link #unmark}
   */
  public static boolean mark(int fd) {
    return LibC.fsetxattr(fd, MARK, MARK_VALUE, MARK_VALUE.length, 0) == 0;
  }

  /** Takes the mark off before the file gets its final name. */
  public static void unmark(int fd, String where) throws java.io.IOException {
    Posix.removeXattr(fd, null, MARK, where);
  }

  /**
   * Whether entry {@code name} (without NUL) of {@code dirfd} is a temporary fxcp left: the name
   * and the mark.
   */
  public static boolean isOurs(int dirfd, byte[] name, String where) throws java.io.IOException {
    if (!looksLike(name)) {
      return false;
    }
    FileStat st = Posix.statIfExists(dirfd, Posix.cstr(name), where);
    if (st == null || !st.isRegular()) {
      return false;
    }
    return Posix.getXattr(-1, Posix.procPath(dirfd, Posix.cstr(name)), MARK, where) != null;
  }
}
