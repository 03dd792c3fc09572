// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.api.spi.FileStat;
import io.foxing.merkle.Blake3;
import io.foxing.posix.Metadata;
import io.foxing.posix.Posix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directory records: the hashes that let a resync trust a whole directory's entries without
 * examining each one's extended attributes, ACLs, link target or signature.
 *
 * <p>A record is kept in the {@code user.foxing.dir} xattr of a target directory after a run with
 * signatures. It holds three BLAKE3 digests: of the options that shape the target, of the source
 * directory's entries (names, types, and for every file, symlink and special file its inode, size,
 * mode, owner, mtime and ctime), and of the target's entries (every name, and the same stat fields
 * of each copied entry). On a later run both sides' entries are stat'ed anyway; when the two
 * digests made from those stats equal the record, nothing in the directory changed on either side,
 * because every change to contents, mode, owner, xattrs, ACLs or links moves the ctime, which user
 * space cannot set. The directory's files, symlinks and specials are then left alone.
 *
 * <p>Linux has no recursive change indicator, so a record covers one directory: subdirectories
 * appear in it by name and type only and are always walked, each judged by its own record; the walk
 * of the source is never skipped, only the per-entry work. Files with several hard links are never
 * trusted this way (their link structure is restored by the normal path). A record is written only
 * when nothing in the run failed or warned while the directory was being copied, and a record that
 * does not match, however it came about, only means the directory is copied the normal way. The
 * limits (coarse clocks, concurrent writers) are in the format's page.
 *
 * <p>The format is specified in {@code src/site/markdown/formats/dir-record-v1.md}; a record is
 * never parsed, only compared byte for byte with the one expected.
 */
final class DirRecords {
  private static final Logger LOG = LoggerFactory.getLogger(DirRecords.class);
  static final byte[] XATTR = Metadata.DIR_RECORD_XATTR;
  private static final byte[] MAGIC = {
    'F', 'X', 'D', 'R', 1, 0, 0, 0
  }; // magic, version 1, reserved
  static final int DIGEST_LEN = 16;
  static final int LENGTH = MAGIC.length + 3 * DIGEST_LEN;

  private DirRecords() {}

  /**
   * The digest of what the target's state depends on besides the source: which metadata is
   * preserved (and whether owners can be, which needs root), the umask (modes of targets when modes
   * are not preserved), recursion, filters, and the rules that leave entries alone on purpose or
   * decide what is up to date (update, existing, size-only, ignore-times, modify-window). Deletion
   * is not in it: extraneous entries are removed from the real listing before any record is looked
   * at; nor are signatures: records are written only with them, and a run without them needs none.
   */
  static byte[] options(CopyOptions o, boolean root, int umask) {
    String canonical =
        "preserve="
            + o.preserve().stream().map(Enum::name).sorted().toList()
            + ";root="
            + root
            + ";umask="
            + umask
            + ";recursive="
            + o.recursive()
            + ";filters="
            + o.filters().describe()
            + ";chmod="
            + o.chmod()
            // what a run leaves alone on purpose (rsync's -u, --existing, ...) is not a faithful
            // copy for other options
            + ";update="
            + o.update()
            + ";ignoreExisting="
            + o.ignoreExisting()
            + ";existingOnly="
            + o.existingOnly()
            + ";sizeOnly="
            + o.sizeOnly()
            + ";ignoreTimes="
            + o.ignoreTimes()
            + ";modifyWindow="
            + o.modifyWindow().toNanos()
            + ";oneFileSystem="
            + o.oneFileSystem()
            + ";deleteExcluded="
            + o.deleteExcluded();
    return Arrays.copyOf(Blake3.hash(canonical.getBytes(StandardCharsets.UTF_8)), DIGEST_LEN);
  }

  /**
   * Whether an entry's own state is covered by the records (else only its name and type are): not
   * directories, which have records of their own, nor, when hard links are preserved, files with
   * several links, whose link structure the normal path restores.
   */
  static boolean covered(FileStat s, boolean hardLinks) {
    return !s.isDirectory() && !(hardLinks && s.nlink() > 1);
  }

  /**
   * Whether a stat cannot vouch for its entry: the filesystem did not report its ctime or inode, or
   * its ctime is not older than {@code guardNanos}. Where ctime comes from a coarse clock, a second
   * change within the same tick (an xattr set just after we stat'ed the file) would leave it
   * unchanged; a ctime from before the guard was taken cannot be repeated later.
   */
  static boolean racy(FileStat s, long guardNanos) {
    return s.ctimeNsec() < 0 || s.ctimeSec() * 1_000_000_000L + s.ctimeNsec() >= guardNanos;
  }

  /** The record a directory should carry: header and the three digests. */
  static byte[] record(byte[] options, byte[] source, byte[] target) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    return b.put(MAGIC).put(options).put(source).put(target).array();
  }

  /**
   * The stored record of an open target directory, or null when it has none or it cannot be read
   * (then the directory is simply copied the normal way; a record is never worth a failure).
   */
  static byte[] read(int dirFd, String where) {
    try {
      return Posix.getXattr(dirFd, null, XATTR, where);
    } catch (ErrnoException e) {
      LOG.debug("{}: directory record not readable: {}", where, e.getMessage());
      return null;
    }
  }

  /**
   * Stores a record. Never fails the copy: a directory the user cannot write to any more (its mode
   * was just set to the source's 0555), a full disk or a filesystem without user xattrs only means
   * the directory has no record, and is examined entry by entry next time.
   */
  static void store(int dirFd, byte[] record, String where) {
    try {
      Posix.setXattr(dirFd, null, XATTR, record, where);
    } catch (ErrnoException e) {
      LOG.debug("{}: no directory record: {}", where, e.getMessage());
    }
  }

  /**
   * A digest over one directory's entries, fed in a fixed order; every part is tagged and counted.
   */
  static final class Digest {
    private final Blake3 hash = Blake3.newHasher();
    private final ByteBuffer buf = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);

    /** How many names follow. */
    Digest count(int names) {
      buf.clear();
      buf.put((byte) 'C').putInt(names);
      return flush();
    }

    /**
     * An entry's name (any length: names in UTF-16 filesystems can exceed 255 bytes as UTF-8) and
     * kind.
     */
    Digest name(byte[] name, int type) {
      buf.clear();
      buf.put((byte) 'N').putInt(name.length);
      flush();
      hash.update(name);
      buf.clear();
      buf.putInt(type);
      return flush();
    }

    /** An entry's state: what any change to it moves. {@code null}: the entry does not exist. */
    Digest state(FileStat s) {
      buf.clear();
      if (s == null) {
        buf.put((byte) 0);
      } else {
        buf.put((byte) 1)
            .putLong(s.dev())
            .putLong(s.ino())
            .putInt(s.mode())
            .putInt(s.uid())
            .putInt(s.gid())
            .putInt(s.nlink())
            .putLong(s.size())
            .putLong(s.rdev())
            .putLong(s.mtimeSec())
            .putInt(s.mtimeNsec())
            .putLong(s.ctimeSec())
            .putInt(s.ctimeNsec());
      }
      return flush();
    }

    private Digest flush() {
      hash.update(buf.array(), 0, buf.position());
      return this;
    }

    byte[] finish() {
      return hash.finalizeBytes(DIGEST_LEN);
    }
  }

  /** Sorts names as the source walk orders them (unsigned bytes), for the target's digest. */
  static void sortNames(List<byte[]> names) {
    names.sort(Arrays::compareUnsigned);
  }
}
