// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static io.foxing.nfs.internal.Nfs4.*;

import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsMetadata;

/** fattr4 (RFC 8881 section 5): the attribute bitmaps we ask for, and encoding and decoding. */
final class Attrs {
  private Attrs() {}

  /** What GETATTR and READDIR ask for: enough to compare a file with its source and to stat it. */
  static final int[] STAT =
      bitmap(
          A_TYPE,
          A_CHANGE,
          A_SIZE,
          A_FILEID,
          A_MODE,
          A_NUMLINKS,
          A_OWNER,
          A_OWNER_GROUP,
          A_RAWDEV,
          A_TIME_ACCESS,
          A_TIME_METADATA,
          A_TIME_MODIFY);

  /** READDIR also asks for a per-entry error so one unreadable entry does not fail the listing. */
  static final int[] LIST =
      bitmap(
          A_TYPE,
          A_CHANGE,
          A_SIZE,
          A_RDATTR_ERROR,
          A_FILEHANDLE,
          A_FILEID,
          A_MODE,
          A_NUMLINKS,
          A_OWNER,
          A_OWNER_GROUP,
          A_RAWDEV,
          A_TIME_ACCESS,
          A_TIME_METADATA,
          A_TIME_MODIFY);

  /**
   * Which filesystem a handle is on, and its room: a mirror's identity and free-space checks of a
   * target.
   */
  static final int[] FILESYSTEM = bitmap(A_FSID, A_SPACE_AVAIL);

  /**
   * The filesystem an object is on, as the server tells it.
   *
   * @param fsidMajor the filesystem id's major part (RFC 8881 section 5.8.1.9)
   * @param fsidMinor its minor part
   * @param spaceAvail bytes this user may still write there (section 5.8.2.35)
   */
  record Filesystem(long fsidMajor, long fsidMinor, long spaceAvail) {}

  /**
   * Attributes that are not file metadata: a READDIR entry's error and handle, the lease time, the
   * filesystem.
   */
  static final class Extra {
    int rdattrError;
    int leaseSeconds = -1;
    byte[] fileHandle;
    boolean hasFsid;
    long fsidMajor;
    long fsidMinor;
    long spaceAvail = -1;
  }

  static int[] bitmap(int... attrs) {
    int max = 0;
    for (int a : attrs) {
      max = Math.max(max, a);
    }
    int[] w = new int[max / 32 + 1];
    for (int a : attrs) {
      w[a / 32] |= 1 << (a % 32);
    }
    return w;
  }

  /** Encodes the attributes of {@code m} (plus {@code size} when {@code size >= 0}) as a fattr4. */
  static void encode(XdrWriter w, NfsMetadata m, long size) {
    int[] mask = new int[2];
    XdrWriter vals = new XdrWriter(128);
    if (size >= 0) {
      set(mask, A_SIZE);
      vals.int64(size);
    }
    if (m.mode() >= 0) {
      set(mask, A_MODE);
      vals.int32(m.mode());
    }
    if (m.uid() >= 0) {
      set(mask, A_OWNER);
      vals.string(Integer.toUnsignedString(m.uid()));
    }
    if (m.gid() >= 0) {
      set(mask, A_OWNER_GROUP);
      vals.string(Integer.toUnsignedString(m.gid()));
    }
    if (m.hasAtime()) {
      set(mask, A_TIME_ACCESS_SET);
      vals.int32(SET_TO_CLIENT_TIME4);
      time(vals, m.atimeNanos());
    }
    if (m.hasMtime()) {
      set(mask, A_TIME_MODIFY_SET);
      vals.int32(SET_TO_CLIENT_TIME4);
      time(vals, m.mtimeNanos());
    }
    w.bitmap(mask);
    w.opaque(vals.toByteArray());
  }

  private static void set(int[] mask, int attr) {
    mask[attr / 32] |= 1 << (attr % 32);
  }

  private static void time(XdrWriter w, long nanos) {
    w.int64(Math.floorDiv(nanos, 1_000_000_000L)).int32((int) Math.floorMod(nanos, 1_000_000_000L));
  }

  private static long time(XdrReader r) throws XdrException {
    long s = r.int64();
    int ns = r.int32();
    if (ns < 0 || ns >= 1_000_000_000) {
      throw new XdrException("nfstime4 nanoseconds " + (ns & 0xffffffffL) + " out of range");
    }
    return s * 1_000_000_000L + ns;
  }

  /**
   * Decodes a fattr4. Only attributes this client knows can be skipped over, so a bitmap with an
   * attribute it does not know (which it never asks for) is a protocol error.
   *
   * @param extra receives what is not file metadata (may be null)
   */
  static NfsAttributes decode(XdrReader in, Extra extra) throws XdrException {
    int[] mask = in.bitmap();
    XdrReader r = in.slice(in.count(1 << 20, "attribute list"));
    NfsAttributes.Type type = NfsAttributes.Type.OTHER;
    long size = 0;
    long change = 0;
    long fileId = 0;
    long mtime = 0;
    long atime = 0;
    long ctime = 0;
    int mode = 0;
    int links = 1;
    int major = 0;
    int minor = 0;
    String owner = "";
    String group = "";
    for (int word = 0; word < mask.length; word++) {
      for (int bit = 0; bit < 32; bit++) {
        if ((mask[word] & (1 << bit)) == 0) {
          continue;
        }
        int a = word * 32 + bit;
        switch (a) {
          case A_SUPPORTED_ATTRS -> r.bitmap();
          case A_TYPE -> type = type(r.int32());
          case 2 -> r.int32(); // fh_expire_type
          case A_LEASE_TIME -> {
            int lease = r.int32();
            if (extra != null) {
              extra.leaseSeconds = lease;
            }
          }
          case A_CHANGE -> change = r.int64();
          case A_SIZE -> size = r.int64();
          case 5, 6, 7, 9 -> r.bool(); // link_support, symlink_support, named_attr, unique_handles
          case A_FSID -> {
            long fsMajor = r.int64();
            long fsMinor = r.int64();
            if (extra != null) {
              extra.hasFsid = true;
              extra.fsidMajor = fsMajor;
              extra.fsidMinor = fsMinor;
            }
          }
          case A_SPACE_AVAIL -> {
            long avail = r.int64();
            if (extra != null) {
              extra.spaceAvail = avail;
            }
          }
          case A_RDATTR_ERROR -> {
            int e = r.int32();
            if (extra != null) {
              extra.rdattrError = e;
            }
          }
          case A_FILEHANDLE -> {
            byte[] fh = r.opaque(MAX_FH, "file handle");
            if (extra != null) {
              extra.fileHandle = fh;
            }
          }
          case A_FILEID -> fileId = r.int64();
          case A_MAXREAD, A_MAXWRITE, A_SPACE_USED, A_MOUNTED_ON_FILEID -> r.int64();
          case A_MODE -> mode = r.int32() & 07777;
          case A_NUMLINKS -> links = r.int32();
          case A_OWNER -> owner = r.string(OPAQUE_LIMIT, "owner");
          case A_OWNER_GROUP -> group = r.string(OPAQUE_LIMIT, "owner_group");
          case A_RAWDEV -> {
            major = r.int32();
            minor = r.int32();
          }
          case A_TIME_ACCESS -> atime = time(r);
          case A_TIME_METADATA -> ctime = time(r);
          case A_TIME_MODIFY -> mtime = time(r);
          default ->
              throw new XdrException(
                  "attribute " + a + " in a reply, which this client never asks for");
        }
      }
    }
    return new NfsAttributes(
        type,
        size,
        mode,
        numeric(owner),
        numeric(group),
        owner,
        group,
        mtime,
        atime,
        ctime,
        fileId,
        links,
        major,
        minor,
        change);
  }

  private static NfsAttributes.Type type(int t) throws XdrException {
    return switch (t) {
      case NF4REG -> NfsAttributes.Type.REGULAR;
      case NF4DIR -> NfsAttributes.Type.DIRECTORY;
      case NF4BLK -> NfsAttributes.Type.BLOCK_DEVICE;
      case NF4CHR -> NfsAttributes.Type.CHARACTER_DEVICE;
      case NF4LNK -> NfsAttributes.Type.SYMLINK;
      case NF4SOCK -> NfsAttributes.Type.SOCKET;
      case NF4FIFO -> NfsAttributes.Type.FIFO;
      case NF4ATTRDIR, NF4NAMEDATTR -> NfsAttributes.Type.OTHER;
      default -> throw new XdrException("file type " + t + " is not an nfs_ftype4");
    };
  }

  /** "1000" -> 1000; a name ("alice@example.org") -> -1. */
  static int numeric(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > 0xffffffffL ? -1 : (int) v;
  }
}
