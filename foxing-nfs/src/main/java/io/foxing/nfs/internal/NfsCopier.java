package io.foxing.nfs.internal;

import io.foxing.api.Change;
import io.foxing.api.Copier;
import io.foxing.api.CopyListener;
import io.foxing.api.CopyOptions;
import io.foxing.api.CopyReport;
import io.foxing.api.Preserve;
import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsMetadata;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code fxcp -a SRC nfs://HOST/export/dir}: walks the local sources and makes the remote tree
 * equal, like rsync. Per directory one READDIR with attributes (bulk stat) tells what is already
 * there; an up-to-date file (same size and mtime) costs nothing more. A file that fits one
 * request is written in one round trip ({@link Remote#writeSmall}), larger files are streamed;
 * workers write files in parallel over the session pool while the walk goes on, with at most
 * twice as many files read ahead as there are workers. Directory metadata is set last, deepest
 * first, since creating entries moves a directory's times.
 */
final class NfsCopier implements Copier {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Remote remote;
  private final URI target;
  private final CopyOptions options;
  private final int workers;

  NfsCopier(Remote remote, URI target, CopyOptions options) {
    this.remote = remote;
    this.target = target;
    this.options = options;
    this.workers = options.threads() > 0 ? options.threads() : 16;
  }

  /** One run's state. */
  private final class Run {
    final CopyListener listener;
    final ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "foxing-nfs-copy");
      t.setDaemon(true);
      return t;
    });
    final Semaphore inFlight = new Semaphore(workers * 2);
    final AtomicLong filesCopied = new AtomicLong();
    final AtomicLong bytesCopied = new AtomicLong();
    final AtomicLong upToDate = new AtomicLong();
    final AtomicLong metadataUpdated = new AtomicLong();
    final Map<String, AtomicLong> tiers = new ConcurrentHashMap<>();
    long directories;
    long symlinks;
    long hardLinks;
    long specials;
    long deleted;
    long excluded;
    final List<CopyReport.Failure> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Long> notPreserved = new ConcurrentHashMap<>();
    /** Directories whose metadata is set at the end, in the order they were finished (children first). */
    final List<Object[]> dirMeta = new ArrayList<>();
    /** dev:inode of multiply-linked source files -> (directory handle, name) of the first copy. */
    final Map<String, Object[]> links = new HashMap<>();

    Run(CopyListener listener) {
      this.listener = listener;
    }

    void fail(String path, Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      failures.add(new CopyReport.Failure(path, reason));
      listener.fileFailed(path, e);
    }

    void changed(String code, String path, String detail) {
      listener.changed(new Change(code, path, detail));
    }
  }

  /** Copies, then ends the sessions (a copier serves one copy), also when the copy fails. */
  @Override
  public CopyReport copy(List<String> sources, CopyListener listener) throws IOException {
    try {
      return copyOnce(sources, CopyListener.guarded(listener)); // a listener that throws changes nothing
    } finally {
      remote.close();
    }
  }

  private CopyReport copyOnce(List<String> sources, CopyListener listener) throws IOException {
    long start = System.nanoTime();
    Run run = new Run(listener);
    List<Path> paths = new ArrayList<>();
    for (String s : sources) {
      paths.add(Path.of(s));
    }
    listener.copyStart(paths, target.toString(), options);
    try {
      for (String s : sources) {
        Path src = Path.of(s);
        if (!Files.exists(src, NOFOLLOW)) {
          run.fail(s, new NoSuchFileException(s + ": no such file or directory"));
          continue;
        }
        boolean contents = s.endsWith("/") && Files.isDirectory(src, NOFOLLOW);
        if (contents) {
          copyDirectory(run, src, remote.rootFh(), "", null, attrs(src));
          run.dirMeta.add(new Object[] {remote.rootFh(), "", attrs(src)});
        } else {
          Map<String, Compound.DirEntry> there = listing(run, remote.rootFh(), "");
          Path name = src.getFileName();
          entry(run, src, name == null ? "root" : name.toString(), remote.rootFh(), "", there);
        }
      }
    } finally {
      run.pool.shutdown();
      try {
        while (!run.pool.awaitTermination(1, TimeUnit.SECONDS)) {
          // waiting for the last file writes
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        run.pool.shutdownNow();
      }
    }
    // directory metadata last (children moved the times)
    for (Object[] d : run.dirMeta) {
      Map<String, Object> a = (Map<String, Object>) d[2];
      try {
        if (!options.dryRun()) {
          remote.setattr((byte[]) d[0], metadata(a, true), (String) d[1]);
        }
      } catch (IOException e) {
        run.fail((String) d[1], e);
      }
    }
    CopyReport.Builder b = CopyReport.builder()
        .filesCopied(run.filesCopied.get()).bytesCopied(run.bytesCopied.get()).filesUpToDate(run.upToDate.get())
        .directories(run.directories).symlinks(run.symlinks).hardLinks(run.hardLinks).specials(run.specials)
        .metadataUpdated(run.metadataUpdated.get()).deleted(run.deleted).excluded(run.excluded)
        .duration(Duration.ofNanos(System.nanoTime() - start)).dryRun(options.dryRun());
    run.tiers.forEach((t, n) -> b.tier(t, n.get()));
    run.notPreserved.forEach(b::xattrNotPreserved);
    for (CopyReport.Failure f : run.failures) {
      b.failure(f.path(), f.reason());
    }
    CopyReport report = b.build();
    listener.copyEnd(report);
    return report;
  }

  private static Map<String, Object> attrs(Path p) throws IOException {
    return Files.readAttributes(p, "unix:*", NOFOLLOW);
  }

  /** What the remote directory holds, by name (nothing for a directory we just created). */
  private Map<String, Compound.DirEntry> listing(Run run, byte[] dirFh, String rel) throws IOException {
    Map<String, Compound.DirEntry> there = new HashMap<>();
    for (Compound.DirEntry e : remote.readdir(dirFh, rel.isEmpty() ? "/" : rel)) {
      if (e.error() == 0) {
        there.put(e.name(), e);
      }
    }
    return there;
  }

  private void copyDirectory(Run run, Path dir, byte[] dirFh, String rel, Map<String, Compound.DirEntry> known,
      Map<String, Object> dirAttrs) throws IOException {
    Map<String, Compound.DirEntry> there = known != null ? known : listing(run, dirFh, rel);
    TreeMap<String, Path> local = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        local.put(p.getFileName().toString(), p);
      }
    }
    for (Map.Entry<String, Path> e : local.entrySet()) {
      entry(run, e.getValue(), e.getKey(), dirFh, rel, there);
    }
    if (options.delete()) {
      for (Map.Entry<String, Compound.DirEntry> r : there.entrySet()) {
        String name = r.getKey();
        String path = rel.isEmpty() ? name : rel + "/" + name;
        if (local.containsKey(name) || options.filters().isExcluded(path, r.getValue().attributes().isDirectory())) {
          continue;
        }
        run.changed("*deleting  ", path + (r.getValue().attributes().isDirectory() ? "/" : ""), "");
        try {
          if (!options.dryRun()) {
            run.deleted += remote.removeTree(dirFh, name, r.getValue().attributes().isDirectory(), path);
          } else {
            run.deleted++;
          }
        } catch (IOException ex) {
          run.fail(path, ex);
        }
      }
    }
  }

  private void entry(Run run, Path src, String name, byte[] dirFh, String rel, Map<String, Compound.DirEntry> there) {
    String path = rel.isEmpty() ? name : rel + "/" + name;
    if (name.indexOf('\uFFFD') >= 0) {
      // the JDK decoded bytes that are not UTF-8; NFSv4 names are UTF-8, and a mangled name would be a different file
      run.fail(path, new IOException(path + ": the name is not valid UTF-8, which NFSv4 names must be; rename it to copy it"));
      return;
    }
    try {
      Map<String, Object> a = attrs(src);
      int mode = (Integer) a.get("mode");
      int type = mode & 0170000;
      boolean isDir = type == 0040000;
      if (options.filters().isExcluded(path, isDir)) {
        run.excluded++;
        return;
      }
      Compound.DirEntry listed = there.get(name);
      NfsAttributes have = listed == null ? null : listed.attributes();
      // READDIR asked for file handles too: a directory or symlink already there needs no LOOKUP
      byte[] haveFh = listed == null ? null : listed.fileHandle();
      switch (type) {
        case 0040000 -> directory(run, src, name, dirFh, path, have, haveFh, a);
        case 0100000 -> regular(run, src, name, dirFh, path, have, a);
        case 0120000 -> symlink(run, src, name, dirFh, path, have, haveFh, a);
        default -> special(run, name, dirFh, path, have, a, type);
      }
    } catch (IOException | RuntimeException e) {
      run.fail(path, e instanceof IOException ? e : new IOException(e.toString(), e));
    }
  }

  private void directory(Run run, Path src, String name, byte[] dirFh, String path, NfsAttributes have, byte[] haveFh,
      Map<String, Object> a) throws IOException {
    if (!options.recursive()) {
      run.excluded++;
      run.listener.warning(path, "skipping directory (no -r)");
      return;
    }
    byte[] fh;
    Map<String, Compound.DirEntry> known = null;
    if (have != null && have.isDirectory()) {
      fh = haveFh != null ? haveFh : remote.lookupFrom(dirFh, name, path);
    } else {
      if (have != null) {
        replace(run, dirFh, name, path, have);
      }
      run.changed("cd+++++++++", path + "/", "");
      run.directories++;
      if (options.dryRun()) {
        return;
      }
      fh = remote.mkdir(dirFh, name, metadata(a, false).withoutTimes(), path);
      known = Map.of();
    }
    copyDirectory(run, src, fh, path, known, a);
    // always: a directory whose own metadata matched still had its times moved if an entry changed
    run.dirMeta.add(new Object[] {fh, path, a});
  }

  /** Something of another type is in the way: it goes first (rsync does the same). */
  private void replace(Run run, byte[] dirFh, String name, String path, NfsAttributes have) throws IOException {
    run.changed("*deleting  ", path, "");
    if (!options.dryRun()) {
      run.deleted += remote.removeTree(dirFh, name, have.isDirectory(), path);
    }
  }

  private void regular(Run run, Path src, String name, byte[] dirFh, String path, NfsAttributes have,
      Map<String, Object> a) throws IOException {
    long size = (Long) a.get("size");
    int nlink = (Integer) a.get("nlink");
    if (nlink > 1 && options.preserves(Preserve.HARD_LINKS)) {
      String key = a.get("dev") + ":" + a.get("ino");
      Object[] first = run.links.get(key);
      if (first != null) {
        hardLink(run, first, name, dirFh, path, have);
        return;
      }
      run.links.put(key, new Object[] {dirFh, name, path});
      // the first copy of a linked file is written before its links are made: synchronously
      file(run, src, name, dirFh, path, have, a, size);
      return;
    }
    if (have != null && have.isDirectory()) {
      replace(run, dirFh, name, path, have);
      have = null;
    }
    NfsAttributes had = have;
    try {
      run.inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
    run.pool.execute(() -> {
      try {
        file(run, src, name, dirFh, path, had, a, size);
      } catch (IOException | RuntimeException e) {
        run.fail(path, e instanceof IOException ? e : new IOException(e.toString(), e));
      } finally {
        run.inFlight.release();
      }
    });
  }

  private void file(Run run, Path src, String name, byte[] dirFh, String path, NfsAttributes have,
      Map<String, Object> a, long size) throws IOException {
    if (have != null && have.isRegularFile() && have.size() == size && have.mtimeNanos() == nanos(a, "lastModifiedTime")) {
      run.upToDate.incrementAndGet();
      run.listener.fileUpToDate(path, size);
      if (!sameMetadata(have, a, false)) {
        run.changed(".f" + "........." , path, "");
        if (!options.dryRun()) {
          remote.setattr(dirFh, name, metadata(a, false), path);
        }
        run.metadataUpdated.incrementAndGet();
      }
      return;
    }
    run.changed(have == null ? ">f+++++++++" : ">f.st......", path, "");
    if (options.dryRun()) {
      run.filesCopied.incrementAndGet();
      return;
    }
    run.listener.fileStart(path, size);
    NfsMetadata meta = metadata(a, true);
    String tier;
    try (FileChannel ch = FileChannel.open(src, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (size <= remote.maxIo()) {
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining()) {
          if (ch.read(buf) < 0) {
            throw new IOException(path + ": the source shrank while being copied");
          }
        }
        buf.flip();
        remote.writeSmall(dirFh, name, buf, meta, Nfs4.UNSTABLE4, path);
        tier = "nfs-compound";
      } else {
        remote.writeLarge(dirFh, name, ch, size, meta, 16, path);
        tier = "nfs-stream";
      }
    } catch (IOException e) {
      run.fail(path, e);
      return;
    }
    if (options.preserves(Preserve.XATTRS)) {
      xattrsNotCarried(run, src, path);
    }
    run.filesCopied.incrementAndGet();
    run.bytesCopied.addAndGet(size);
    run.tiers.computeIfAbsent(tier, t -> new AtomicLong()).incrementAndGet();
    run.listener.fileEnd(path, size, tier);
  }

  /**
   * NFSv4.2 as served here carries no extended attributes: each user xattr of the source is
   * counted in the report (and warned about) instead of dropped in silence. Java sees the user
   * namespace only; POSIX ACLs are not carried either (documented).
   */
  private static void xattrsNotCarried(Run run, Path src, String path) {
    try {
      var view = Files.getFileAttributeView(src, java.nio.file.attribute.UserDefinedFileAttributeView.class, NOFOLLOW);
      if (view == null) {
        return;
      }
      for (String name : view.list()) {
        run.notPreserved.merge("user." + name, 1L, Long::sum);
        run.listener.warning(path, "extended attribute user." + name + " not preserved (nfs:// targets carry no xattrs)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no xattr support on the source: nothing to lose
    }
  }

  private void hardLink(Run run, Object[] first, String name, byte[] dirFh, String path, NfsAttributes have) throws IOException {
    byte[] firstDir = (byte[]) first[0];
    String firstName = (String) first[1];
    NfsAttributes target = remote.lookupAttrs(firstDir, firstName, (String) first[2]);
    if (have != null && target != null && have.fileId() == target.fileId()) {
      return; // already the same inode
    }
    run.changed("hf+++++++++", path, "=> " + first[2]);
    run.hardLinks++;
    if (!options.dryRun()) {
      if (have != null && have.isDirectory()) {
        replace(run, dirFh, name, path, have);
      }
      remote.link(remote.lookupFrom(firstDir, firstName, (String) first[2]), dirFh, name, path);
    }
  }

  private void symlink(Run run, Path src, String name, byte[] dirFh, String path, NfsAttributes have, byte[] haveFh,
      Map<String, Object> a) throws IOException {
    if (!options.preserves(Preserve.LINKS)) {
      run.excluded++;
      run.listener.warning(path, "skipping symlink (links are not preserved)");
      return;
    }
    String linkTarget = Files.readSymbolicLink(src).toString();
    if (have != null && have.type() == NfsAttributes.Type.SYMLINK && have.size() == linkTarget.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        && remote.readlink(haveFh != null ? haveFh : remote.lookupFrom(dirFh, name, path), path).equals(linkTarget)) {
      if (!sameTimesAndOwner(have, a)) {
        setQuietly(run, dirFh, name, path, metadata(a, true), true);
      }
      return;
    }
    if (have != null && have.isDirectory()) {
      replace(run, dirFh, name, path, have);
    }
    run.changed("cL+++++++++", path, "-> " + linkTarget);
    run.symlinks++;
    if (!options.dryRun()) {
      remote.createSpecial(dirFh, name, NfsAttributes.Type.SYMLINK, linkTarget, 0, 0, metadata(a, true), path);
    }
  }

  private void special(Run run, String name, byte[] dirFh, String path, NfsAttributes have, Map<String, Object> a, int type) throws IOException {
    NfsAttributes.Type t = switch (type) {
      case 0060000 -> NfsAttributes.Type.BLOCK_DEVICE;
      case 0020000 -> NfsAttributes.Type.CHARACTER_DEVICE;
      case 0010000 -> NfsAttributes.Type.FIFO;
      case 0140000 -> NfsAttributes.Type.SOCKET;
      default -> throw new IOException(path + ": unknown file type " + Integer.toOctalString(type));
    };
    boolean device = t == NfsAttributes.Type.BLOCK_DEVICE || t == NfsAttributes.Type.CHARACTER_DEVICE;
    if (!options.preserves(device ? Preserve.DEVICES : Preserve.SPECIALS)) {
      run.excluded++;
      return;
    }
    long rdev = (Long) a.get("rdev");
    int major = (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfff));
    int minor = (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xff));
    if (have != null && have.type() == t && (!device || (have.rdevMajor() == major && have.rdevMinor() == minor))) {
      if (!sameMetadata(have, a, true)) {
        setQuietly(run, dirFh, name, path, metadata(a, true), false);
      }
      return;
    }
    if (have != null && have.isDirectory()) {
      replace(run, dirFh, name, path, have);
    }
    run.changed("cD+++++++++", path, "");
    run.specials++;
    if (!options.dryRun()) {
      remote.createSpecial(dirFh, name, t, null, major, minor, metadata(a, true), path);
    }
  }

  private void setQuietly(Run run, byte[] dirFh, String name, String path, NfsMetadata m, boolean symlink) throws IOException {
    run.metadataUpdated.incrementAndGet();
    if (options.dryRun()) {
      return;
    }
    if (symlink) {
      m = m.withoutMode(); // not settable on a Linux symlink
    }
    remote.setattr(dirFh, name, m, path);
  }

  private static long nanos(Map<String, Object> a, String key) {
    FileTime t = (FileTime) a.get(key);
    java.time.Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  /** The source's metadata as far as the options preserve it. */
  private NfsMetadata metadata(Map<String, Object> a, boolean times) {
    NfsMetadata.Builder m = NfsMetadata.builder();
    if (options.preserves(Preserve.MODE)) {
      m.mode((Integer) a.get("mode"));
    }
    int uid = options.preserves(Preserve.OWNER) ? (Integer) a.get("uid") : -1;
    int gid = options.preserves(Preserve.GROUP) ? (Integer) a.get("gid") : -1;
    m.owner(uid, gid);
    if (times && options.preserves(Preserve.TIMES)) {
      m.mtimeNanos(nanos(a, "lastModifiedTime"));
      m.atimeNanos(nanos(a, "lastAccessTime"));
    }
    return m.build();
  }

  private boolean sameMetadata(NfsAttributes have, Map<String, Object> a, boolean times) {
    boolean same = true;
    if (options.preserves(Preserve.MODE)) {
      same &= have.mode() == ((Integer) a.get("mode") & 07777);
    }
    return same && sameTimesAndOwner(have, a) || (!times && same && sameOwner(have, a));
  }

  private boolean sameOwner(NfsAttributes have, Map<String, Object> a) {
    return (!options.preserves(Preserve.OWNER) || have.uid() == (Integer) a.get("uid"))
        && (!options.preserves(Preserve.GROUP) || have.gid() == (Integer) a.get("gid"));
  }

  private boolean sameTimesAndOwner(NfsAttributes have, Map<String, Object> a) {
    return sameOwner(have, a) && (!options.preserves(Preserve.TIMES) || have.mtimeNanos() == nanos(a, "lastModifiedTime"));
  }
}
