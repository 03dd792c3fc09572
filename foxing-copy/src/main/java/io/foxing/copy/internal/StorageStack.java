// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a path is stored on, read from {@code /proc/self/mountinfo} and {@code /sys}: its mount and
 * filesystem, then each block layer down to the disks (dm-crypt, LVM and its thin pools, VDO,
 * Stratis, loop devices and the filesystem their backing file is on, partitions), whether the
 * process runs in a container, and the {@link Profile} that follows. Shown by {@code fxcp --debug}
 * and {@code foxingd status}; the profile sets the number of workers when none is given.
 *
 * @param path the path asked about (its real path)
 * @param mountPoint the mount it is under
 * @param fsType the filesystem type ({@code ext4}, {@code xfs}, {@code btrfs}, {@code tmpfs},
 *     {@code overlay}, {@code nfs4}, ...)
 * @param source the mount's source (a device, {@code server:/export}, or the filesystem's name)
 * @param layers the block layers under the filesystem, top first (empty for a filesystem without a
 *     device)
 * @param container the container the process runs in ({@code docker}, {@code podman}, {@code lxc},
 *     ...), or null
 * @param profile the kind of storage, from the layers' bottom
 */
public record StorageStack(
    Path path,
    String mountPoint,
    String fsType,
    String source,
    List<Layer> layers,
    String container,
    Profile profile) {
  private static final int MAX_DEPTH =
      8; // a loop file on a loop file on ...: enough for any real stack

  /**
   * The kinds of storage the original Foxing tuned for; {@link #AUTO} asks for the detected one.
   */
  public enum Profile {
    NVME,
    SSD,
    HDD,
    NETWORK,
    NFS,
    SDCARD,
    AUTO;

    /** Parses a profile name as users write it ({@code NVMe}, {@code ssd}, {@code SdCard}, ...). */
    public static Profile parse(String name) {
      for (Profile p : values()) {
        if (p.name().equalsIgnoreCase(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "\"" + name + "\" is not a profile; one of NVMe, SSD, HDD, Network, NFS, SdCard, Auto");
    }

    /**
     * Workers for a copy onto this kind of storage, or 0 for the engine's default (one per core
     * within a filesystem, two per core across). A disk that seeks (HDD) or an SD card's controller
     * does best with few requests at a time; a network filesystem waits on round trips, so more
     * requests in flight hide them.
     */
    public int workers(int cores) {
      return switch (this) {
        case HDD -> 2;
        case SDCARD -> 1;
        case NFS, NETWORK -> Math.max(8, 4 * cores);
        default -> 0;
      };
    }
  }

  /**
   * One block layer.
   *
   * @param kind {@code dm-crypt}, {@code lvm}, {@code lvm-thin}, {@code vdo}, {@code stratis},
   *     {@code dm}, {@code loop}, {@code partition}, {@code md}, or {@code disk}
   * @param name its kernel name ({@code dm-0}, {@code loop3}, {@code nvme0n1p2}, {@code sda})
   * @param detail what else it says: a mapping's name, a loop device's backing file, a disk's kind
   */
  public record Layer(String kind, String name, String detail) {}

  /** The stack under {@code path} (which must exist), from this machine's mount table and sysfs. */
  public static StorageStack of(Path path) throws IOException {
    return of(path.toRealPath(), Path.of("/"), 0);
  }

  /**
   * As {@link #of(Path)}, with {@code root}'s {@code proc/self/mountinfo} and {@code sys} (a test
   * gives its own).
   */
  static StorageStack of(Path real, Path root, int depth) throws IOException {
    Path mountinfo = root.resolve("proc/self/mountinfo");
    Path sys = root.resolve("sys");
    Mount m = mountOf(real, Files.readString(mountinfo, StandardCharsets.UTF_8));
    List<Layer> layers = new ArrayList<>();
    String container = depth == 0 ? container(root) : null;
    Profile bottom = null;
    String fs = m.fsType;
    if (fs.equals("nfs") || fs.equals("nfs4")) {
      bottom = Profile.NFS;
    } else if (fs.startsWith("fuse.sshfs")
        || fs.equals("cifs")
        || fs.equals("smb3")
        || fs.equals("9p")
        || fs.equals("virtiofs")
        || fs.equals("ceph")
        || fs.equals("glusterfs")
        || fs.startsWith("fuse.s3")) {
      bottom = Profile.NETWORK;
    } else if (fs.equals("tmpfs") || fs.equals("ramfs")) {
      bottom = Profile.NVME; // memory: as fast as storage gets
    } else {
      String dev = m.major == 0 ? deviceOf(m.source) : m.major + ":" + m.minor;
      if (dev != null) {
        bottom = walk(root, sys.resolve("dev/block/" + dev), layers, depth);
      }
    }
    return new StorageStack(
        real,
        m.mountPoint,
        fs,
        m.source,
        List.copyOf(layers),
        container,
        bottom != null ? bottom : Profile.SSD);
  }

  /** A mount as one line of mountinfo gives it. */
  record Mount(
      int major, int minor, String mountPoint, String fsType, String source, String options) {}

  /**
   * The mount {@code real} is under: the longest mount point that contains it; of equal ones, the
   * last mounted.
   */
  static Mount mountOf(Path real, String mountinfo) throws IOException {
    Mount best = null;
    for (String line : mountinfo.split("\n")) {
      Mount m = parse(line);
      if (m != null
          && real.startsWith(m.mountPoint)
          && (best == null
              || Path.of(m.mountPoint).getNameCount() >= Path.of(best.mountPoint).getNameCount())) {
        best = m;
      }
    }
    if (best == null) {
      throw new IOException(real + ": under no mount in /proc/self/mountinfo");
    }
    return best;
  }

  /**
   * One line of {@code /proc/self/mountinfo}: {@code ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS
   * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS}.
   *
   * @return null for a blank line
   * @throws IOException for a line in another format (naming it)
   */
  static Mount parse(String line) throws IOException {
    if (line.isBlank()) {
      return null;
    }
    String[] f = line.strip().split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (dash < 0 || dash + 1 >= f.length) {
      throw new IOException("not a mountinfo line: " + line);
    }
    String[] dev = f[2].split(":");
    try {
      if (dev.length != 2 || !f[4].startsWith("/")) {
        throw new NumberFormatException();
      }
      return new Mount(
          Integer.parseInt(dev[0]),
          Integer.parseInt(dev[1]),
          unescape(f[4]),
          unescape(f[dash + 1]),
          dash + 2 < f.length ? unescape(f[dash + 2]) : "",
          dash + 3 < f.length ? f[dash + 3] : "");
    } catch (NumberFormatException e) {
      throw new IOException("not a mountinfo line: " + line);
    }
  }

  /**
   * mountinfo writes space, tab, newline and backslash in names as octal escapes ({@code \040}).
   */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int at) {
    if (at + 3 > s.length()) {
      return false;
    }
    for (int i = at; i < at + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * A device path's {@code MAJOR:MINOR} (btrfs and others mount with an anonymous device number),
   * or null.
   */
  private static String deviceOf(String source) {
    if (!source.startsWith("/dev/")) {
      return null;
    }
    try {
      Object rdev = Files.getAttribute(Path.of(source), "unix:rdev");
      long r = ((Number) rdev).longValue();
      // glibc's dev_t: the major in bits 8-19 and 32-43, the minor in bits 0-7 and 20-31
      return r == 0
          ? null
          : (((r >>> 8) & 0xfff) | ((r >>> 32) & ~0xfffL))
              + ":"
              + ((r & 0xff) | ((r >>> 12) & ~0xffL));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Walks down from one block device; returns the profile of what it rests on. */
  private static Profile walk(Path root, Path dev, List<Layer> layers, int depth)
      throws IOException {
    if (!Files.isDirectory(dev) || depth > MAX_DEPTH) {
      return null;
    }
    Path real = dev.toRealPath();
    String name = real.getFileName().toString();
    Path dm = real.resolve("dm");
    if (Files.isDirectory(dm)) {
      String uuid = read(dm.resolve("uuid"));
      String dmName = read(dm.resolve("name"));
      String kind =
          uuid.startsWith("CRYPT-")
              ? "dm-crypt"
              : uuid.startsWith("LVM-")
                  ? (uuid.endsWith("-tpool") || uuid.endsWith("-tdata") || uuid.endsWith("-tmeta")
                      ? "lvm-thin"
                      : "lvm")
                  : uuid.startsWith("VDO-") || dmName.contains("vdo")
                      ? "vdo"
                      : uuid.startsWith("stratis") || dmName.startsWith("stratis")
                          ? "stratis"
                          : "dm";
      layers.add(
          new Layer(
              kind,
              name,
              dmName
                  + (uuid.startsWith("CRYPT-")
                      ? " (" + uuid.split("-")[1].toLowerCase(Locale.ROOT) + ")"
                      : "")));
      return slaves(root, real, layers, depth);
    }
    Path backing = real.resolve("loop/backing_file");
    if (Files.isRegularFile(backing)) {
      String file = read(backing);
      layers.add(new Layer("loop", name, file));
      try {
        StorageStack under =
            of(Path.of(file.replace(" (deleted)", "")).toRealPath(), root, depth + 1);
        layers.add(new Layer("file", file, under.fsType + " at " + under.mountPoint));
        layers.addAll(under.layers);
        return under.profile;
      } catch (IOException | RuntimeException e) {
        return null; // its backing file is gone or elsewhere: the loop device is as far as we see
      }
    }
    if (Files.exists(real.resolve("partition"))) {
      layers.add(new Layer("partition", name, ""));
      return walk(root, real.getParent(), layers, depth + 1);
    }
    if (Files.isDirectory(real.resolve("md"))) {
      layers.add(new Layer("md", name, read(real.resolve("md/level"))));
      return slaves(root, real, layers, depth);
    }
    boolean rotational = read(real.resolve("queue/rotational")).equals("1");
    boolean removable = read(real.resolve("removable")).equals("1");
    Profile p =
        name.startsWith("nvme")
            ? Profile.NVME
            : name.startsWith("mmcblk")
                ? Profile.SDCARD
                : name.startsWith("zram") || name.startsWith("ram") || name.startsWith("pmem")
                    ? Profile.NVME
                    : rotational ? Profile.HDD : Profile.SSD;
    layers.add(
        new Layer(
            "disk",
            name,
            (p == Profile.NVME && !name.startsWith("nvme")
                    ? "memory-backed"
                    : p == Profile.NVME
                        ? "NVMe"
                        : p == Profile.SDCARD
                            ? "SD/MMC"
                            : rotational ? "rotational" : "non-rotational")
                + (removable ? ", removable" : "")));
    return p;
  }

  private static Profile slaves(Path root, Path real, List<Layer> layers, int depth)
      throws IOException {
    Path dir = real.resolve("slaves");
    if (!Files.isDirectory(dir)) {
      return null;
    }
    Profile worst = null;
    try (Stream<Path> s = Files.list(dir).sorted()) {
      for (Path slave : s.toList()) {
        Profile p = walk(root, slave, layers, depth + 1);
        // a stack over several disks is as slow as its slowest kind (NVMe < SSD < HDD; SD cards
        // last)
        if (worst == null || p != null && p.ordinal() > worst.ordinal()) {
          worst = p;
        }
      }
    }
    return worst;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The container this process runs in, from the marks container engines leave, or null. */
  static String container(Path root) {
    if (Files.exists(root.resolve(".dockerenv"))) {
      return "docker";
    }
    if (Files.exists(root.resolve("run/.containerenv"))) {
      return "podman";
    }
    String env = read(root.resolve("proc/1/environ")).replace('\0', '\n');
    for (String kv : env.split("\n")) {
      if (kv.startsWith("container=")) {
        return kv.substring("container=".length());
      }
    }
    String cgroup = read(root.resolve("proc/self/cgroup"));
    return cgroup.contains("/docker")
        ? "docker"
        : cgroup.contains("kubepods") ? "kubernetes" : cgroup.contains("/lxc") ? "lxc" : null;
  }

  /**
   * The stack under a copy's source or target as given on a command line: an {@code nfs://} URI
   * (our own client, no kernel mount), or a path, of which the nearest existing ancestor is looked
   * at when it does not exist yet.
   *
   * @throws IOException if nothing of it exists, or the mount table cannot be read
   */
  public static StorageStack ofTarget(String target) throws IOException {
    if (target.startsWith("nfs://")) {
      return new StorageStack(
          null,
          target,
          "nfs4",
          "foxing's own NFSv4.2 client, no kernel mount",
          List.of(),
          container(Path.of("/")),
          Profile.NFS);
    }
    Path p = Path.of(target).toAbsolutePath().normalize();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IOException(target + ": neither it nor any parent exists");
    }
    return of(p);
  }

  /**
   * One line: {@code xfs at /mnt/x on loop3 (/var/img/x.img) on ext4 at / on vda (rotational) ->
   * HDD}.
   */
  public String describe() {
    StringBuilder b = new StringBuilder(fsType).append(" at ").append(mountPoint);
    if (layers.isEmpty() && !source.isEmpty() && !source.equals(fsType)) {
      b.append(" (").append(source).append(')');
    }
    for (Layer l : layers) {
      if (l.kind.equals("file")) {
        b.append(", a file on ").append(l.detail);
      } else {
        b.append(" on ")
            .append(l.kind.equals("disk") || l.kind.equals("partition") ? "" : l.kind + " ")
            .append(l.name);
        if (!l.detail.isEmpty()) {
          b.append(" (").append(l.detail).append(')');
        }
      }
    }
    if (container != null) {
      b.append("; in a ").append(container).append(" container");
    }
    return b.append(" -> ").append(profile.name()).toString();
  }
}
