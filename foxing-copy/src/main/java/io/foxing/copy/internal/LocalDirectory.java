// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyMethod;
import io.foxing.api.CopyOptions;
import io.foxing.api.ErrnoException;
import io.foxing.api.Preserve;
import io.foxing.api.TierNames;
import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.api.spi.FileStat;
import io.foxing.api.spi.SourceEntry;
import io.foxing.api.spi.TargetDirectory;
import io.foxing.api.spi.TargetReport;
import io.foxing.api.spi.TierUnavailableException;
import io.foxing.merkle.FileSignature;
import io.foxing.posix.AtomicFile;
import io.foxing.posix.LibC;
import io.foxing.posix.Metadata;
import io.foxing.posix.Posix;
import io.foxing.posix.Temporaries;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * One open directory of a {@link LocalTarget}: a descriptor, and every change made relative to it
 * without following a symlink. New regular files are published by {@link AtomicFile}; changed big
 * files may be patched by chunks (a delta update); bytes move through the copy tiers.
 */
final class LocalDirectory implements TargetDirectory {
  /**
   * What the directories of one run share: options, metadata writer, tiers, and what the run
   * learnt.
   */
  static final class Run {
    final CopyOptions options;
    final TargetReport report;
    final List<CopyTier> tiers;
    final Metadata metadata;

    /** Devices known not to support {@code O_TMPFILE}. */
    final Set<Long> noTmpfile = ConcurrentHashMap.newKeySet();

    Run(CopyOptions options, TargetReport report, List<CopyTier> tiers) {
      this.options = options;
      this.report = report;
      this.tiers = tiers;
      this.metadata = new Metadata(options, report);
    }
  }

  private static final byte[] DEFAULT_ACL =
      "system.posix_acl_default\0".getBytes(StandardCharsets.US_ASCII);

  private final Run run;
  final int fd;
  private final long dev; // its filesystem, for the tiers' same-filesystem test

  /**
   * @param pathOnly an {@code O_PATH} descriptor: it can be looked through, not read
   */
  private LocalDirectory(Run run, int fd, boolean pathOnly, String where) throws ErrnoException {
    this.run = run;
    this.fd = fd;
    try {
      this.dev = Posix.fstat(fd, where).dev();
      if (!pathOnly && run.options.preserves(Preserve.ACLS) && !run.metadata.defaultAclHint) {
        // entries made in a directory with a default ACL inherit it: then new entries are compared
        // too
        run.metadata.defaultAclHint = Posix.getXattr(fd, null, DEFAULT_ACL, where) != null;
      }
    } catch (ErrnoException | RuntimeException e) {
      Posix.close(fd);
      throw e;
    }
  }

  static LocalDirectory root(Run run, int fd, String where) throws ErrnoException {
    return new LocalDirectory(run, fd, false, where);
  }

  @Override
  public List<Entry> list(String where) throws IOException {
    List<Posix.Dirent> ents = Posix.readdir(fd, where);
    List<Entry> out = new ArrayList<>(ents.size());
    for (Posix.Dirent de : ents) {
      boolean dir = de.type() == 4 /* DT_DIR */;
      if (de.type() == 0 /* DT_UNKNOWN */) {
        FileStat s = Posix.statIfExists(fd, Posix.cstr(de.name()), where);
        dir = s != null && s.isDirectory();
      }
      out.add(new Entry(de.name(), dir));
    }
    return out;
  }

  @Override
  public FileStat stat(String where) throws IOException {
    return Posix.fstat(fd, where);
  }

  @Override
  public FileStat stat(byte[] name, String where) throws IOException {
    return Posix.statIfExists(fd, Posix.cstr(name), where);
  }

  @Override
  public TargetDirectory open(byte[] name, String where) throws IOException {
    byte[] cname = Posix.cstr(name);
    int child =
        LibC.openat(
            fd, cname, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
    boolean pathOnly = child < 0 && Posix.lastError() == Posix.EACCES;
    if (pathOnly) {
      // a finished directory may have the source's mode, say 0111, and we are not root: still good
      // for finding a hard link's first copy and linking to it (O_PATH needs only search
      // permission)
      child =
          LibC.openat(
              fd, cname, LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
    }
    if (child < 0) {
      throw Posix.error("open", where, Posix.lastError());
    }
    return new LocalDirectory(run, child, pathOnly, where);
  }

  @Override
  public void makeDirectory(byte[] name, String where) throws IOException {
    Posix.mkdirat(fd, Posix.cstr(name), 0700, where);
  }

  @Override
  public void remove(byte[] name, boolean directory, String where) throws IOException {
    Posix.unlinkat(fd, Posix.cstr(name), directory, where);
  }

  @Override
  public boolean removeIfEmpty(byte[] name, String where) throws IOException {
    if (LibC.unlinkat(fd, Posix.cstr(name), LibC.AT_REMOVEDIR) == 0) {
      return true;
    }
    if (Posix.lastError() != Posix.ENOTEMPTY && Posix.lastError() != Posix.EEXIST) {
      throw Posix.error("rmdir", where, Posix.lastError());
    }
    return false;
  }

  @Override
  public void rename(byte[] name, TargetDirectory to, byte[] newName, String where)
      throws IOException {
    Posix.renameat(fd, Posix.cstr(name), ((LocalDirectory) to).fd, Posix.cstr(newName), where);
  }

  @Override
  public byte[] readSymlink(byte[] name, String where) throws IOException {
    return Posix.readlinkat(fd, Posix.cstr(name), 256, where);
  }

  @Override
  public void makeSymlink(
      byte[] name, byte[] linkTarget, SourceEntry source, boolean replace, String where)
      throws IOException {
    byte[] made = replace ? Temporaries.nameFor(name) : Posix.cstr(name);
    Posix.symlinkat(linkTarget, fd, made, where);
    placeNew(name, made, source, where);
  }

  @Override
  public void makeSpecial(byte[] name, SourceEntry source, boolean replace, String where)
      throws IOException {
    byte[] made = replace ? Temporaries.nameFor(name) : Posix.cstr(name);
    Posix.mknodat(fd, made, source.stat().type() | 0600, source.stat().rdev(), where);
    placeNew(name, made, source, where);
  }

  /**
   * Metadata on a freshly made symlink or special file, then, if it replaces an entry, the rename
   * over it. A new one is made under its own name, as rsync does: it has no contents to be seen
   * half-written, and a temporary name could not carry the mark that makes it recognisably ours
   * (user xattrs exist on regular files and directories only, see {@link Temporaries}).
   */
  private void placeNew(byte[] name, byte[] made, SourceEntry source, String where)
      throws IOException {
    try {
      Metadata.Target t = new Metadata.Target(-1, fd, made, null);
      run.metadata.applyAllButTimes(sourceOf(source), t, false, where);
      run.metadata.applyTimes(source.stat(), t, null, false, where);
      byte[] cname = Posix.cstr(name);
      if (!java.util.Arrays.equals(made, cname)) {
        Posix.renameat(fd, made, fd, cname, where);
      }
    } catch (IOException | RuntimeException ex) {
      LibC.unlinkat(fd, made, 0);
      throw ex;
    }
  }

  @Override
  public void link(
      byte[] name, TargetDirectory firstDir, byte[] firstName, boolean replace, String where)
      throws IOException {
    int from = ((LocalDirectory) firstDir).fd;
    if (!replace) {
      Posix.linkat(
          from,
          Posix.cstr(firstName),
          fd,
          Posix.cstr(name),
          where); // a new name: linking is atomic by itself
      return;
    }
    byte[] tmp = Temporaries.nameFor(name);
    Posix.linkat(from, Posix.cstr(firstName), fd, tmp, where);
    try {
      Posix.renameat(fd, tmp, fd, Posix.cstr(name), where);
    } catch (IOException ex) {
      LibC.unlinkat(fd, tmp, 0);
      throw ex;
    }
  }

  @Override
  public Written writeFile(
      byte[] name,
      SourceEntry source,
      FileStat existing,
      boolean mayPatch,
      PublishCheck beforePublish,
      String where)
      throws IOException {
    CopyOptions options = run.options;
    FileStat s = source.stat();
    byte[] cname = Posix.cstr(name);
    if (mayPatch) { // a fresh signature from an earlier --generate-sigs run is what allows it
      Written w = deltaCopy(cname, source.fd(), s, existing, beforePublish, where);
      if (w != null) {
        return w;
      }
    }
    int mode = options.preserves(Preserve.MODE) ? s.permissions() : 0600;
    if (options.partial()
        && s.size() > RESUME_STEP
        && !(options.inplace() && existing != null)
        && options.sparse() == CopyOptions.Sparse.AUTO
        && options.copyMethod() == CopyMethod.AUTO) {
      Written w = writeResumable(name, cname, source, existing, mode, beforePublish, where);
      if (w != null) {
        return w;
      }
    }
    try (AtomicFile out =
        AtomicFile.open(
            fd,
            dev,
            name,
            cname,
            existing != null,
            options.inplace(),
            mode,
            run.noTmpfile,
            where)) {
      String tier = moveBytes(source.fd(), out.fd, s, where);
      Metadata.Target t =
          new Metadata.Target(
              out.fd,
              fd,
              cname,
              options.inplace() ? existing : null,
              out.createdMode(mode),
              existing != null && existing.isRegular() ? existing.permissions() : -1);
      run.metadata.applyAllButTimes(new Metadata.Source(source.fd(), -1, null, s), t, false, where);
      run.metadata.applyTimes(s, t, null, false, where);
      beforePublish.verify(); // if it throws, the unpublished copy is dropped when out closes
      if (options.fsync() && LibC.fsync(out.fd) != 0) {
        throw Posix.error("fsync", where, Posix.lastError());
      }
      out.publish();
      boolean signed =
          options.generateSignatures() && signTarget(source.fd(), out.fd, cname, where);
      return new Written(tier, s.size(), signed);
    }
  }

  /**
   * How much of a resumable copy (--partial) is written between two records of its progress: each
   * costs an fdatasync, and an interrupted copy loses at most this much. Smaller files gain nothing
   * and are copied as any other.
   */
  static final long RESUME_STEP = 64L << 20;

  /**
   * --partial: writes a large file under its resumable temporary, continuing the one an interrupted
   * run left for the same unchanged source, and records its progress every {@link #RESUME_STEP}. On
   * the source's filesystem a reflink is tried first: it is instant, so nothing to resume.
   *
   * @return null when the file cannot be copied resumably here (see {@link
   *     AtomicFile#openResumable})
   */
  private Written writeResumable(
      byte[] name,
      byte[] cname,
      SourceEntry source,
      FileStat existing,
      int mode,
      PublishCheck beforePublish,
      String where)
      throws IOException {
    FileStat s = source.stat();
    try (AtomicFile out = AtomicFile.openResumable(fd, name, cname, s, where)) {
      if (out == null) {
        return null;
      }
      long from = out.resumeAt();
      String tier;
      long moved;
      if (from == 0 && reflinked(source.fd(), out.fd, s, where)) {
        tier = TierNames.REFLINK;
        moved = s.size();
      } else {
        moved =
            DataSegments.copyFrom(
                source.fd(),
                out.fd,
                s.size(),
                s.isSparse(),
                from,
                RESUME_STEP,
                out::checkpoint,
                where);
        tier = from > 0 ? TierNames.RESUMED : TierNames.READ_WRITE;
      }
      Metadata.Target t =
          new Metadata.Target(
              out.fd,
              fd,
              cname,
              null,
              out.createdMode(mode),
              existing != null && existing.isRegular() ? existing.permissions() : -1);
      run.metadata.applyAllButTimes(new Metadata.Source(source.fd(), -1, null, s), t, false, where);
      run.metadata.applyTimes(s, t, null, false, where);
      beforePublish.verify(); // if it throws, the temporary stays; its record no longer matches
      if (run.options.fsync() && LibC.fsync(out.fd) != 0) {
        throw Posix.error("fsync", where, Posix.lastError());
      }
      out.publish();
      boolean signed =
          run.options.generateSignatures() && signTarget(source.fd(), out.fd, cname, where);
      return new Written(tier, moved, signed);
    }
  }

  /** Whether a reflink tier shared the whole file (same filesystem, one that can). */
  private boolean reflinked(int sfd, int tfd, FileStat s, String where) throws IOException {
    if (s.dev() != dev) {
      return false;
    }
    for (CopyTier tier : run.tiers) {
      if (tier.method() == CopyMethod.REFLINK && tier.isAvailable()) {
        try {
          tier.copy(new FileCopyRequest(sfd, tfd, s.size(), s.isSparse(), s.dev(), dev, where));
          return true;
        } catch (TierUnavailableException ex) {
          return false;
        }
      }
    }
    return false;
  }

  /**
   * Updates a changed file in place, writing only the chunks that differ from the target, when
   * fewer than half differ. The target is local, so its bytes are compared with the source's
   * directly (two reads from the page cache, ~5x cheaper than hashing the whole source); the
   * target's fresh signature is what makes the file eligible, and its hashes of the unchanged
   * chunks carry over into the new signature, so only the changed chunks are hashed. Crash-safe:
   * the signature is removed before the first write and stored again only after the data is on disk
   * and the times are set, so a target never claims a signature its contents do not have; a rerun
   * after a crash sees no fresh signature and a changed mtime, and copies the file whole.
   *
   * <p>Only for files the planner allows ({@link Planner#deltaCandidate}: no other hard link,
   * unless --inplace).
   *
   * @return null when a whole copy is the better way (no fresh signature, other chunk size, too
   *     much changed)
   */
  private Written deltaCopy(
      byte[] cname, int sfd, FileStat s, FileStat dst, PublishCheck beforePublish, String where)
      throws IOException {
    FileSignature old = Signatures.fresh(fd, cname, dst, where);
    int shift = FileSignature.chunkShiftFor(s.size());
    if (old == null || old.chunkSize() != 1L << shift) {
      return null;
    }
    long chunk = 1L << shift;
    int chunks = (int) ((s.size() + chunk - 1) >>> shift);
    BitSet dirty = new BitSet(chunks);
    int tfd = Posix.openat(fd, cname, LibC.O_RDWR | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0, where);
    try {
      // the old hash of a chunk is usable only where the target held that whole chunk, at the same
      // length
      int comparable =
          (int)
              Math.min(
                  old.chunkCount(),
                  dst.size() == s.size() ? chunks : Math.min(s.size(), dst.size()) >>> shift);
      if (!Signatures.differingChunks(
          sfd, tfd, s.size(), shift, comparable, chunks / 2, dirty, where)) {
        return null;
      }
      dirty.set(comparable, chunks);
      if (dirty.cardinality() * 2 >= chunks) {
        return null;
      }
      byte[] hashes = new byte[chunks * FileSignature.CHUNK_HASH_LEN];
      for (int i = 0; i < chunks; i++) {
        byte[] h =
            dirty.get(i)
                ? Signatures.chunkHash(sfd, i * chunk, Math.min(chunk, s.size() - i * chunk), where)
                : old.chunkHash(i);
        System.arraycopy(h, 0, hashes, i * h.length, h.length);
      }
      FileSignature now = FileSignature.of(s.size(), 0, 0, shift, hashes);
      Signatures.remove(tfd, fd, cname, where);
      long written = 0;
      for (int i = dirty.nextSetBit(0); i >= 0; i = dirty.nextSetBit(i + 1)) {
        long off = i * chunk;
        written += ReadWriteTier.copyRange(sfd, tfd, off, Math.min(chunk, s.size() - off), where);
      }
      if (dst.size() != s.size()) {
        Posix.ftruncate(tfd, s.size(), where);
      }
      if (LibC.fdatasync(tfd) != 0) {
        throw Posix.error("sync", where, Posix.lastError());
      }
      Metadata.Target t = new Metadata.Target(tfd, fd, cname, dst);
      run.metadata.applyAllButTimes(new Metadata.Source(sfd, -1, null, s), t, false, where);
      run.metadata.applyTimes(s, t, null, false, where);
      // written in place without its signature: a changed source leaves it for a whole copy next
      // try
      beforePublish.verify();
      Signatures.store(now, tfd, fd, cname, where);
      return new Written(TierNames.DELTA, written, true);
    } finally {
      Posix.close(tfd);
    }
  }

  /**
   * Stores the copy's signature; a target without user xattrs is reported once per file, never
   * fatal.
   */
  private boolean signTarget(int contentsFd, int targetFd, byte[] cname, String where) {
    try {
      Signatures.store(contentsFd, targetFd, fd, cname, where);
      return true;
    } catch (IOException ex) {
      run.report.warning(where, "signature not stored: " + ex.getMessage());
      return false;
    }
  }

  /** Tries the tiers in order (or the forced one) and names the one that moved the bytes. */
  private String moveBytes(int sfd, int tfd, FileStat s, String rel) throws IOException {
    if (s.size() == 0) {
      return TierNames.EMPTY;
    }
    if (run.options.sparse() != CopyOptions.Sparse.AUTO) {
      // every block is decided here: no tier may share extents or keep the source's holes as is
      ReadWriteTier.copyDecidingHoles(
          sfd, tfd, s.size(), run.options.sparse() == CopyOptions.Sparse.ALWAYS, rel);
      return TierNames.READ_WRITE;
    }
    FileCopyRequest req = new FileCopyRequest(sfd, tfd, s.size(), s.isSparse(), s.dev(), dev, rel);
    CopyMethod forced = run.options.copyMethod();
    CopyTier previous = null;
    String previousReason = null;
    for (CopyTier tier : run.tiers) {
      if (forced != CopyMethod.AUTO ? tier.method() != forced : !tier.isAvailable()) {
        continue;
      }
      if (!tier.isAvailable()) {
        throw new IOException(
            rel
                + ": --copy-method "
                + forced.cliName()
                + " is not available: "
                + tier.unavailabilityCause());
      }
      if (previous != null) {
        run.report.fallback(rel, previous.name(), tier.name(), previousReason);
      }
      try {
        tier.copy(req);
        return tier.name();
      } catch (TierUnavailableException ex) {
        if (forced != CopyMethod.AUTO) {
          throw new IOException(
              rel
                  + ": --copy-method "
                  + forced.cliName()
                  + " cannot copy this file: "
                  + ex.getMessage(),
              ex);
        }
        previous = tier;
        previousReason = ex.getMessage();
      }
    }
    if (forced != CopyMethod.AUTO) {
      throw new IOException(rel + ": --copy-method " + forced.cliName() + " has no provider");
    }
    throw new IOException(
        rel + ": no copy tier could copy this file; last refusal: " + previousReason);
  }

  @Override
  public int metadata(byte[] name, SourceEntry source, FileStat before, boolean apply, String where)
      throws IOException {
    Metadata m = run.metadata;
    if (name == null) {
      // this directory, after its contents: creating entries moved its mtime
      Metadata.Target t = new Metadata.Target(fd, -1, null, before);
      int bits = m.applyAllButTimes(sourceOf(source), t, !apply, where);
      return bits | m.applyTimes(source.stat(), t, Posix.fstat(fd, where), !apply, where);
    }
    byte[] cname = Posix.cstr(name);
    // a regular file is changed through its own descriptor: chmod by name would follow a symlink
    // put there meanwhile
    int tfd =
        apply && before != null && before.isRegular()
            ? Posix.openat(fd, cname, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0, where)
            : -1;
    try {
      Metadata.Target t = new Metadata.Target(tfd, fd, cname, before);
      int bits = m.applyAllButTimes(sourceOf(source), t, !apply, where);
      return bits | m.applyTimes(source.stat(), t, before, !apply, where);
    } finally {
      Posix.close(tfd);
    }
  }

  /**
   * Where the source's xattrs are read: its descriptor when open (cheaper), else its directory and
   * name.
   */
  private static Metadata.Source sourceOf(SourceEntry s) {
    return s.fd() >= 0
        ? new Metadata.Source(s.fd(), -1, null, s.stat())
        : new Metadata.Source(-1, s.dirFd(), Posix.cstr(s.name()), s.stat());
  }

  @Override
  public void sync(byte[] name, String where) throws IOException {
    int fd =
        Posix.openat(
            this.fd, Posix.cstr(name), LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0, where);
    try {
      if (LibC.fdatasync(fd) != 0) {
        throw Posix.error("sync", where, Posix.lastError());
      }
    } finally {
      Posix.close(fd);
    }
  }

  @Override
  public boolean isLeftover(byte[] name, String where) throws IOException {
    return Temporaries.isOurs(fd, name, where);
  }

  @Override
  public boolean sameContents(byte[] name, SourceEntry source, String where) throws IOException {
    int a = source.fd();
    int b =
        Posix.openat(
            fd, Posix.cstr(name), LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0, where);
    try {
      com.sun.jna.Memory buf = Posix.rwBuffer();
      long half = Posix.RW_BUFFER / 2;
      ByteBuffer x = buf.getByteBuffer(0, half);
      ByteBuffer y = buf.getByteBuffer(half, half);
      for (long off = 0; ; ) {
        long n = LibC.pread(a, buf, half, off);
        long m = LibC.pread(b, buf.share(half), half, off);
        if (n < 0 || m < 0) {
          throw Posix.error("read", where, Posix.lastError());
        }
        if (n != m) {
          return false;
        }
        if (n == 0) {
          return true;
        }
        x.clear().limit((int) n);
        y.clear().limit((int) n);
        if (!x.equals(y)) {
          return false;
        }
        off += n;
      }
    } finally {
      Posix.close(b);
    }
  }

  @Override
  public byte[] readRecord(String where) {
    return DirRecords.read(fd, where);
  }

  @Override
  public void storeRecord(byte[] record, String where) {
    DirRecords.store(fd, record, where);
  }

  @Override
  public boolean sign(byte[] name, FileStat now, String where) throws IOException {
    byte[] cname = Posix.cstr(name);
    if (Signatures.fresh(fd, cname, now, where) != null) {
      return false;
    }
    int tfd = Posix.openat(fd, cname, LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NOCTTY, 0, where);
    try {
      return signTarget(
          tfd, tfd, cname, where); // the target's own contents: what the signature describes
    } finally {
      Posix.close(tfd);
    }
  }

  @Override
  public void pruneSignatures(Predicate<byte[]> keep, String where) throws IOException {
    Signatures.removeOrphans(fd, keep, where);
  }

  @Override
  public void close() {
    Posix.close(fd);
  }
}
