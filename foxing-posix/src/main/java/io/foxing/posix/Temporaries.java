// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import io.foxing.api.spi.FileStat;
import java.nio.ByteBuffer;
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
 *
 * <p>A resumable temporary ({@code --partial}) has one fixed name per file, {@code
 * .fxcp~partial~NAME}, so the next run finds it, and its mark holds a {@link Resume} record: which
 * source it is a copy of and how many of its bytes are on disk.
 */
public final class Temporaries {
  private Temporaries() {}

  /** Prefix of our temporary names: {@code .fxcp~XXXXXXXX~NAME}. */
  public static final String PREFIX = ".fxcp~";

  /** Prefix of resumable temporaries: {@code .fxcp~partial~NAME}. */
  public static final String PARTIAL_PREFIX = PREFIX + "partial~";

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

  /**
   * The resumable temporary's name for {@code name}, NUL-terminated; null when the two would not
   * fit in NAME_MAX (such a file is copied as any other, not resumably).
   */
  public static byte[] partialNameFor(byte[] name) {
    byte[] p = PARTIAL_PREFIX.getBytes(StandardCharsets.US_ASCII);
    if (p.length + name.length > NAME_MAX) {
      return null;
    }
    byte[] out = Arrays.copyOf(p, p.length + name.length + 1);
    System.arraycopy(name, 0, out, p.length, name.length);
    return out;
  }

  /**
   * The name a resumable temporary is for, or null when {@code name} (without NUL) does not have
   * that form.
   */
  public static byte[] partialOf(byte[] name) {
    int p = PARTIAL_PREFIX.length();
    return name.length > p && startsWith(name, PARTIAL_PREFIX)
        ? Arrays.copyOfRange(name, p, name.length)
        : null;
  }

  /** Whether {@code name} (without NUL) has the form of our temporaries; on its own, no proof. */
  public static boolean looksLike(byte[] name) {
    return name.length > TAG_END && name[TAG_END] == '~' && startsWith(name, PREFIX)
        || partialOf(name) != null;
  }

  private static boolean startsWith(byte[] name, String prefix) {
    if (name.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (name[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * What a resumable temporary's mark says: it is a copy of the source file of this size,
   * modification time and inode, and its first {@code done} bytes are on disk (synced before the
   * record said so). Anything that does not decode is no record: the temporary is started again.
   */
  public record Resume(long size, long mtimeNanos, long ino, long done) {
    private static final int MAGIC = 0x46585031; // "FXP1"
    private static final int LENGTH = 4 + 4 * 8;

    /** The record for a copy of {@code source} with {@code done} bytes on disk. */
    public static Resume of(FileStat source, long done) {
      return new Resume(source.size(), source.mtimeNanos(), source.ino(), done);
    }

    /** The same copy with {@code done} bytes on disk. */
    public static Resume of(Resume r, long done) {
      return new Resume(r.size, r.mtimeNanos, r.ino, done);
    }

    /** Whether the temporary continues a copy of {@code source} as it is now. */
    public boolean continues(FileStat source) {
      return size == source.size() && mtimeNanos == source.mtimeNanos() && ino == source.ino();
    }

    public byte[] encode() {
      return ByteBuffer.allocate(LENGTH)
          .putInt(MAGIC)
          .putLong(size)
          .putLong(mtimeNanos)
          .putLong(ino)
          .putLong(done)
          .array();
    }

    /** The record in a mark's value; null for a plain temporary's mark or anything malformed. */
    public static Resume decode(byte[] value) {
      if (value == null || value.length != LENGTH) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(value);
      if (b.getInt() != MAGIC) {
        return null;
      }
      Resume r = new Resume(b.getLong(), b.getLong(), b.getLong(), b.getLong());
      return r.size >= 0 && r.done >= 0 && r.done <= r.size ? r : null;
    }
  }

  /**
   * Marks a resumable temporary with its record (replacing the one it has).
   *
   * @return whether the filesystem keeps it: without, the file cannot be resumed
   */
  public static boolean mark(int fd, Resume record) {
    byte[] v = record.encode();
    return LibC.fsetxattr(fd, MARK, v, v.length, 0) == 0;
  }

  /** The record a resumable temporary's mark holds, or null. */
  public static Resume resumeOf(int fd, String where) throws java.io.IOException {
    return Resume.decode(Posix.getXattr(fd, null, MARK, where));
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
