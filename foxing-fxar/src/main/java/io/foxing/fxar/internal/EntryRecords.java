// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

import io.foxing.fxar.DamagedArchiveException;
import io.foxing.fxar.FxarEntry;
import io.foxing.fxar.FxarEntry.Type;
import io.foxing.fxar.FxarEntry.Xattr;
import java.util.ArrayList;
import java.util.List;

/** The entry record encoding, shared by ENTRY frames and the index (spec: "Entry record"). */
public final class EntryRecords {
  public static final int MAX_XATTR_VALUE = 65536;
  static final int MAX_NAME = 65535;

  private EntryRecords() {}

  public static void write(Bytes b, FxarEntry e) {
    if (e.path().length > MAX_NAME || e.target().length > MAX_NAME || e.xattrs().size() > 65535) {
      throw new IllegalArgumentException(
          e.pathString() + ": path, target or attribute list too long for FXAR");
    }
    b.u8(e.type().id()).u32(e.mode() & 07777).u32(e.uid()).u32(e.gid());
    b.u64(e.mtimeNanos()).u64(e.atimeNanos()).u64(e.size()).u64(e.rdev());
    b.u16(e.path().length).bytes(e.path()).u16(e.target().length).bytes(e.target());
    b.u16(e.xattrs().size());
    for (Xattr x : e.xattrs()) {
      if (x.name().length == 0 || x.name().length > 255 || x.value().length > MAX_XATTR_VALUE) {
        throw new IllegalArgumentException(
            e.pathString() + ": extended attribute " + x.nameString() + " too long for FXAR");
      }
      b.u8(x.name().length).bytes(x.name()).u32(x.value().length).bytes(x.value());
    }
  }

  public static byte[] encode(FxarEntry e) {
    Bytes b = new Bytes(64 + e.path().length + e.target().length);
    write(b, e);
    return b.toArray();
  }

  /** Reads and validates one record; every field that could mislead an extractor is checked. */
  public static FxarEntry read(In in) throws DamagedArchiveException {
    int typeId = in.u8();
    Type type = Type.ofId(typeId);
    if (type == null) {
      throw in.damaged("unknown entry type " + typeId);
    }
    int mode = in.u32();
    if ((mode & ~07777) != 0) {
      throw in.damaged("mode " + Integer.toOctalString(mode) + " has bits beyond 07777");
    }
    int uid = (int) in.u32Long();
    int gid = (int) in.u32Long();
    long mtime = in.u64();
    long atime = in.u64();
    long size = in.u64();
    long rdev = in.u64();
    byte[] path = in.bytes(in.u16());
    byte[] target = in.bytes(in.u16());
    int count = in.u16();
    List<Xattr> xattrs = new ArrayList<>(Math.min(count, 64));
    for (int i = 0; i < count; i++) {
      byte[] name = in.bytes(in.u8());
      int len = in.u32();
      if (len > MAX_XATTR_VALUE) {
        throw in.damaged("extended attribute value of " + len + " bytes");
      }
      if (name.length == 0 || indexOf(name, (byte) 0) >= 0) {
        throw in.damaged("bad extended attribute name");
      }
      xattrs.add(new Xattr(name, in.bytes(len)));
    }
    String bad = FxarEntry.checkPath(path);
    if (bad != null) {
      throw in.damaged(
          "refused entry path '"
              + new String(path, java.nio.charset.StandardCharsets.UTF_8)
              + "': "
              + bad);
    }
    if (size < 0 || (type != Type.FILE && size != 0)) {
      throw in.damaged("size " + size + " for a " + type);
    }
    switch (type) {
      case SYMLINK -> {
        if (target.length == 0 || indexOf(target, (byte) 0) >= 0) {
          throw in.damaged("bad symlink target");
        }
      }
      case HARDLINK -> {
        String why = FxarEntry.checkPath(target);
        if (why != null || (target.length == 1 && target[0] == '.')) {
          throw in.damaged("refused hard link target: " + (why == null ? "the root" : why));
        }
      }
      default -> {
        if (target.length != 0) {
          throw in.damaged("a " + type + " with a target");
        }
      }
    }
    if ((path.length == 1 && path[0] == '.') && type != Type.DIRECTORY) {
      throw in.damaged("root entry is not a directory");
    }
    return new FxarEntry(type, path, mode, uid, gid, mtime, atime, size, rdev, target, xattrs);
  }

  static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
