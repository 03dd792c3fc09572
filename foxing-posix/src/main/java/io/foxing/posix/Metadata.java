// SPDX-License-Identifier: Apache-2.0
package io.foxing.posix;

import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.api.Preserve;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.Itemize;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Brings one target entry's metadata in line with its source: owner, mode, xattrs and ACLs, then
 * times (last, since every other change moves ctime and some move mtime). Works on a held
 * descriptor where there is one; symlinks and special files, which cannot be opened for writing, go
 * through their directory's descriptor and never follow a final symlink.
 *
 * <p>Returns which attributes changed, as rsync's itemize letters, so a dry run and an update print
 * the same thing.
 */
public final class Metadata {

  private static final byte[] ACL_PREFIX = "system.posix_acl_".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SYSTEM_PREFIX = "system.".getBytes(StandardCharsets.US_ASCII);

  /**
   * XFS shows root its on-disk form of POSIX ACLs under these names; the ACL itself is copied as
   * system.posix_acl_*.
   */
  private static final byte[] XFS_ACL_PREFIX =
      "trusted.SGI_ACL_".getBytes(StandardCharsets.US_ASCII);

  /**
   * Where the copy engine keeps a file's chunk signature (merkle's {@code SignatureStore.XATTR}
   * under {@code user.}).
   */
  public static final byte[] SIGNATURE_XATTR =
      "user.foxing.sig\0".getBytes(StandardCharsets.US_ASCII);

  /** Where the copy engine keeps a directory's record (digests of both sides' entries). */
  public static final byte[] DIR_RECORD_XATTR =
      "user.foxing.dir\0".getBytes(StandardCharsets.US_ASCII);

  /**
   * Our own state on a target (signatures, directory records, the temporaries' mark): never copied
   * from a source, never removed as extraneous. Exact names: a user's other {@code user.foxing.*}
   * attributes are data like any other.
   */
  private static final List<byte[]> OWN =
      List.of(SIGNATURE_XATTR, DIR_RECORD_XATTR, Temporaries.MARK);

  private final CopyOptions options;
  private final io.foxing.api.spi.TargetReport counters;
  public final boolean root = Privileges.canChown(); // only root (CAP_CHOWN) may give files away

  public Metadata(CopyOptions options, io.foxing.api.spi.TargetReport counters) {
    this.options = options;
    this.counters = counters;
  }

  /** Where a target entry is: a held descriptor (or -1) and its directory descriptor plus name. */
  public record Target(
      int fd, int dirfd, byte[] cname, FileStat before, int createdMode, int replacedMode) {
    /**
     * An entry that existed before ({@code before}), or one we made without knowing its mode yet.
     */
    public Target(int fd, int dirfd, byte[] cname, FileStat before) {
      this(fd, dirfd, cname, before, -1, -1);
    }

    public Target(int fd, int dirfd, byte[] cname, FileStat before, int createdMode) {
      this(fd, dirfd, cname, before, createdMode, -1);
    }
  }

  /**
   * Where a source entry's xattrs are read: its open descriptor when there is one (cheaper), else
   * its directory's descriptor and name.
   */
  public record Source(int fd, int dirfd, byte[] cname, FileStat stat) {}

  /** Applies (or, with {@code dryRun}, only compares) everything but times. */
  public int applyAllButTimes(Source source, Target t, boolean dryRun, String where)
      throws ErrnoException {
    FileStat src = source.stat;
    int changed = 0;
    FileStat before = t.before;
    boolean symlink = src.isSymlink();
    // owner first: chown clears setuid/setgid bits, which the chmod below restores
    int uid = options.preserves(Preserve.OWNER) && root ? src.uid() : -1;
    int gid = options.preserves(Preserve.GROUP) ? src.gid() : -1;
    boolean uidDiffers = uid != -1 && (before == null ? uid != 0 : before.uid() != uid);
    boolean gidDiffers = gid != -1 && (before == null ? !root || gid != 0 : before.gid() != gid);
    if (uidDiffers || gidDiffers) {
      if (before != null) {
        changed |= (uidDiffers ? Itemize.OWNER : 0) | (gidDiffers ? Itemize.GROUP : 0);
      }
      if (!dryRun) {
        try {
          if (t.fd >= 0) {
            Posix.fchown(t.fd, uidDiffers ? uid : -1, gidDiffers ? gid : -1, where);
          } else {
            Posix.lchownat(t.dirfd, t.cname, uidDiffers ? uid : -1, gidDiffers ? gid : -1, where);
          }
        } catch (ErrnoException e) {
          if (e.errno() != Posix.EPERM) {
            throw e;
          }
          // as cp -a does: without privilege, a group we are not in is not an error
          counters.warning(where, "could not set group " + gid + " (not permitted)");
        }
      }
    }
    // without MODE, as rsync and cp without -p: an existing entry keeps its permissions, a new one
    // gets the source's less the umask, without setuid/setgid/sticky
    if (!symlink && (options.preserves(Preserve.MODE) || before == null)) {
      int want =
          options.preserves(Preserve.MODE)
              ? src.permissions()
              : t.replacedMode >= 0
                  ? t.replacedMode // a new file in place of an old one keeps the old one's
                  // permissions
                  : src.permissions() & 0777 & ~Posix.umask();
      int current =
          before != null ? before.permissions() : t.createdMode; // -1: not known, so set it
      boolean chownClearedBits = (uidDiffers || gidDiffers) && (want & 06000) != 0;
      boolean modeDiffers = current != want || chownClearedBits;
      if (modeDiffers) {
        if (before != null && before.permissions() != want) {
          changed |= Itemize.PERMS;
        }
        if (!dryRun) {
          if (t.fd >= 0) {
            Posix.fchmod(t.fd, want, where);
          } else {
            Posix.fchmodat(t.dirfd, t.cname, want, where);
          }
        }
      }
    }
    if (options.preserves(Preserve.XATTRS) || options.preserves(Preserve.ACLS)) {
      changed |= syncXattrs(source, t, dryRun, where);
    }
    return changed;
  }

  /**
   * Sets atime and mtime if mtime differs (or the entry is new). Returns {@link Itemize#TIME} if
   * they differed.
   */
  public int applyTimes(FileStat src, Target t, FileStat current, boolean dryRun, String where)
      throws ErrnoException {
    if (!options.preserves(Preserve.TIMES) || src.isDirectory() && options.omitDirTimes()) {
      return 0;
    }
    if (current != null && current.sameMtime(src, options.modifyWindow().toNanos())) {
      return 0; // equal, or within --modify-window, as the planner judged
    }
    if (!dryRun) {
      if (t.fd >= 0) {
        Posix.futimens(t.fd, src.timespecs(), where);
      } else {
        Posix.lutimensat(t.dirfd, t.cname, src.timespecs(), where);
      }
    }
    return t.before != null && !t.before.sameMtime(src) ? Itemize.TIME : 0;
  }

  private boolean wanted(byte[] cname) {
    return startsWith(cname, ACL_PREFIX)
        ? options.preserves(Preserve.ACLS)
        : options.preserves(Preserve.XATTRS) && isCopied(cname);
  }

  /**
   * Whether an extended attribute is one a faithful copy carries: POSIX ACLs and user, trusted and
   * security names, but not other system.* names (synthesized by filesystems: nfs4_acl, richacl),
   * not XFS's trusted.SGI_ACL_* (its ACLs' own storage) and not our signatures.
   */
  public static boolean isCopied(byte[] cname) {
    return startsWith(cname, ACL_PREFIX)
        || (!startsWith(cname, SYSTEM_PREFIX)
            && !startsWith(cname, XFS_ACL_PREFIX)
            && !isOwn(cname));
  }

  /** Whether a (NUL-terminated) attribute name holds a POSIX ACL. */
  public static boolean isAcl(byte[] cname) {
    return startsWith(cname, ACL_PREFIX);
  }

  /** Whether a (NUL-terminated) attribute name is one fxcp writes as its own state. */
  public static boolean isOwn(byte[] cname) {
    for (byte[] own : OWN) {
      if (Arrays.equals(cname, own)) {
        return true;
      }
    }
    return false;
  }

  private int syncXattrs(Source source, Target t, boolean dryRun, String where)
      throws ErrnoException {
    byte[] srcPath = source.fd >= 0 ? null : Posix.procPath(source.dirfd, source.cname);
    List<byte[]> names = wantedOf(Posix.listXattrs(source.fd, srcPath, where));
    boolean targetMayHave = t.before != null || inheritsAcl(t);
    if (names.isEmpty() && !targetMayHave) {
      return 0;
    }
    boolean targetExists = !(dryRun && t.before == null);
    byte[] dstPath = targetExists && t.fd < 0 ? Posix.procPath(t.dirfd, t.cname) : null;
    List<byte[]> existing =
        targetMayHave && targetExists
            ? wantedOf(Posix.listXattrs(t.fd, dstPath, where))
            : List.of();
    int changed = 0;
    for (byte[] name : names) {
      byte[] value = Posix.getXattr(source.fd, srcPath, name, where);
      if (value == null) {
        continue;
      }
      if (contains(existing, name)) {
        byte[] old = Posix.getXattr(t.fd, dstPath, name, where);
        if (Arrays.equals(old, value)) {
          continue;
        }
      }
      changed |= startsWith(name, ACL_PREFIX) ? Itemize.ACL : Itemize.XATTR;
      if (dryRun) {
        continue;
      }
      try {
        Posix.setXattr(t.fd, dstPath, name, value, where);
      } catch (ErrnoException e) {
        counters.notPreserved(Posix.xattrName(name), where, e);
      }
    }
    for (byte[] name : existing) {
      if (!contains(names, name)) {
        changed |= startsWith(name, ACL_PREFIX) ? Itemize.ACL : Itemize.XATTR;
        if (!dryRun) {
          Posix.removeXattr(t.fd, dstPath, name, where);
        }
      }
    }
    return t.before == null ? 0 : changed;
  }

  /**
   * A new entry may have been given ACLs by its directory's default ACL; only then must we look.
   */
  private boolean inheritsAcl(Target t) {
    return t.before == null && options.preserves(Preserve.ACLS) && defaultAclHint;
  }

  /**
   * Set by the copier when any target directory carries a default ACL; then new entries are checked
   * too.
   */
  public volatile boolean defaultAclHint;

  private List<byte[]> wantedOf(List<byte[]> all) {
    if (all.isEmpty()) {
      return all;
    }
    List<byte[]> out = new ArrayList<>(all.size());
    for (byte[] n : all) {
      if (wanted(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private static boolean contains(List<byte[]> list, byte[] name) {
    for (byte[] n : list) {
      if (Arrays.equals(n, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    if (a.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  public static byte[] trimNul(byte[] cname) {
    return cname.length > 0 && cname[cname.length - 1] == 0
        ? Arrays.copyOf(cname, cname.length - 1)
        : cname;
  }
}
