// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foxing.testkit.Prerequisites;
import io.foxing.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a path is stored on: a real loop-mounted XFS and tmpfs, and a sysfs laid out as the kernel
 * does for dm-crypt over LVM over NVMe.
 */
class StorageStackTest {
  @TempDir Path tmp;

  @Test
  void mountinfoLinesAreReadWithTheirEscapesAndOptionalFields() throws IOException {
    StorageStack.Mount m =
        StorageStack.parse(
            "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue");
    assertEquals(98, m.major());
    assertEquals(0, m.minor());
    assertEquals("/mnt/with space", m.mountPoint());
    assertEquals("ext3", m.fsType());
    assertEquals("/dev/root", m.source());
    StorageStack.Mount overlay =
        StorageStack.parse(
            "26 1 0:40 / / rw - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w");
    assertEquals("overlay", overlay.fsType());
    assertNull(StorageStack.parse("   "));
    for (String bad :
        List.of(
            "1 2 3",
            "1 2 x:y / / rw - ext4 /dev/a rw",
            "1 2 8:1 / / rw ext4 /dev/a rw",
            "1 2 8:1 / relative rw - ext4 /dev/a rw")) {
      IOException e = assertThrows(IOException.class, () -> StorageStack.parse(bad));
      assertTrue(e.getMessage().startsWith("not a mountinfo line: "), e.getMessage());
    }
  }

  @Test
  void theLongestMountPointThatHoldsThePathWinsAndOfEqualOnesTheLast() throws IOException {
    String info =
        "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 8:2 / /srv rw - xfs /dev/sda2 rw\n"
            + "3 2 0:50 / /srv/data rw - tmpfs tmpfs rw\n4 2 8:3 / /srv/data rw - btrfs /dev/sda3 rw\n";
    assertEquals(
        "btrfs",
        StorageStack.mountOf(Path.of("/srv/data/x"), info).fsType(),
        "mounted over the tmpfs");
    assertEquals(
        "xfs",
        StorageStack.mountOf(Path.of("/srv/database"), info).fsType(),
        "a name's prefix is not a parent");
    assertEquals("ext4", StorageStack.mountOf(Path.of("/home"), info).fsType());
  }

  @Test
  void profilesAreNamedAsUsersWriteThem() {
    assertEquals(StorageStack.Profile.NVME, StorageStack.Profile.parse("NVMe"));
    assertEquals(StorageStack.Profile.SDCARD, StorageStack.Profile.parse("SdCard"));
    assertEquals(StorageStack.Profile.AUTO, StorageStack.Profile.parse("auto"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> StorageStack.Profile.parse("floppy"));
    assertEquals(
        "\"floppy\" is not a profile; one of NVMe, SSD, HDD, Network, NFS, SdCard, Auto",
        e.getMessage());
    assertEquals(0, StorageStack.Profile.AUTO.workers(8), "auto keeps the engine's default");
    assertEquals(1, StorageStack.Profile.SDCARD.workers(8));
  }

  private static void link(Path at, String to) throws IOException {
    Files.createDirectories(at.getParent());
    Files.createSymbolicLink(at, Path.of(to));
  }

  private static void write(Path at, String text) throws IOException {
    Files.createDirectories(at.getParent());
    Files.writeString(at, text + "\n");
  }

  /**
   * This kernel has no device mapper, so its sysfs is laid out here as Linux lays it out for one.
   */
  @Test
  void dmCryptOverLvmOverAnNvmePartitionIsSeenLayerByLayer() throws IOException {
    Path root = tmp.resolve("root");
    write(
        root.resolve("proc/self/mountinfo"),
        "30 1 253:1 / / rw,relatime - ext4 /dev/mapper/cryptroot rw");
    Path devices = root.resolve("sys/devices");
    Path nvme = devices.resolve("pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1");
    write(nvme.resolve("queue/rotational"), "0");
    write(nvme.resolve("removable"), "0");
    write(nvme.resolve("nvme0n1p2/partition"), "2");
    Path dm0 = devices.resolve("virtual/block/dm-0");
    write(dm0.resolve("dm/uuid"), "LVM-Qm1W0vDn2Yh1");
    write(dm0.resolve("dm/name"), "vg-root");
    link(
        dm0.resolve("slaves/nvme0n1p2"),
        "../../../../pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nvme0n1p2");
    Path dm1 = devices.resolve("virtual/block/dm-1");
    write(dm1.resolve("dm/uuid"), "CRYPT-LUKS2-6d0c2a0b84f04c8e-cryptroot");
    write(dm1.resolve("dm/name"), "cryptroot");
    link(dm1.resolve("slaves/dm-0"), "../../dm-0");
    link(root.resolve("sys/dev/block/253:1"), "../../devices/virtual/block/dm-1");
    write(root.resolve(".dockerenv"), "");

    StorageStack s = StorageStack.of(tmp, root, 0);
    assertEquals(
        List.of(
            new StorageStack.Layer("dm-crypt", "dm-1", "cryptroot (luks2)"),
            new StorageStack.Layer("lvm", "dm-0", "vg-root"),
            new StorageStack.Layer("partition", "nvme0n1p2", ""),
            new StorageStack.Layer("disk", "nvme0n1", "NVMe")),
        s.layers());
    assertEquals(StorageStack.Profile.NVME, s.profile());
    assertEquals("docker", s.container());
    assertEquals(
        "ext4 at / on dm-crypt dm-1 (cryptroot (luks2)) on lvm dm-0 (vg-root) on nvme0n1p2 on nvme0n1 (NVMe);"
            + " in a docker container -> NVME",
        s.describe());
  }

  @Test
  void aRotatingDiskIsAnHddAndAnSdCardIsOne() throws IOException {
    Path root = tmp.resolve("root");
    write(
        root.resolve("proc/self/mountinfo"),
        "1 0 8:0 / / rw - ext4 /dev/sda rw\n2 1 179:1 / /media/card rw - vfat /dev/mmcblk0p1 rw");
    write(root.resolve("sys/devices/pci/sda/queue/rotational"), "1");
    write(root.resolve("sys/devices/pci/sda/removable"), "0");
    link(root.resolve("sys/dev/block/8:0"), "../../devices/pci/sda");
    write(root.resolve("sys/devices/mmc/mmcblk0/queue/rotational"), "0");
    write(root.resolve("sys/devices/mmc/mmcblk0/removable"), "1");
    write(root.resolve("sys/devices/mmc/mmcblk0/mmcblk0p1/partition"), "1");
    link(root.resolve("sys/dev/block/179:1"), "../../devices/mmc/mmcblk0/mmcblk0p1");
    assertEquals(StorageStack.Profile.HDD, StorageStack.of(Path.of("/home/x"), root, 0).profile());
    StorageStack card = StorageStack.of(Path.of("/media/card/DCIM"), root, 0);
    assertEquals(StorageStack.Profile.SDCARD, card.profile());
    assertEquals(
        "vfat at /media/card on mmcblk0p1 on mmcblk0 (SD/MMC, removable) -> SDCARD",
        card.describe());
  }

  /**
   * A real XFS image, loop-mounted from a file on this machine's own filesystem: both levels are
   * seen.
   */
  @Test
  void aLoopMountedFilesystemShowsTheFileAndTheFilesystemItLivesOn() throws Exception {
    Prerequisites.requireRoot("loop-mounts an XFS image");
    Prerequisites.requireCommand("mkfs.xfs");
    Path img = tmp.resolve("x.img");
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    Shell.run("truncate", "-s", "300M", img.toString()).check();
    Shell.run("mkfs.xfs", "-q", "-f", img.toString()).check();
    Shell.run("mount", "-o", "loop", img.toString(), mnt.toString()).check();
    try {
      StorageStack s = StorageStack.of(mnt);
      StorageStack under = StorageStack.of(tmp);
      assertEquals("xfs", s.fsType());
      assertEquals(mnt.toRealPath().toString(), s.mountPoint());
      assertEquals("loop", s.layers().get(0).kind());
      assertEquals(img.toRealPath().toString(), s.layers().get(0).detail());
      assertEquals(
          new StorageStack.Layer(
              "file", img.toRealPath().toString(), under.fsType() + " at " + under.mountPoint()),
          s.layers().get(1));
      assertEquals(
          under.layers(),
          s.layers().subList(2, s.layers().size()),
          "then what the image's filesystem is on");
      assertEquals(under.profile(), s.profile());
    } finally {
      Shell.run("umount", mnt.toString());
    }
  }

  @Test
  void tmpfsIsMemoryAndAnNfsUriIsOurOwnClient() throws IOException {
    Prerequisites.require(Files.isDirectory(Path.of("/dev/shm")), "needs /dev/shm");
    StorageStack shm = StorageStack.ofTarget("/dev/shm/not/yet/made");
    assertEquals("tmpfs", shm.fsType());
    assertEquals(StorageStack.Profile.NVME, shm.profile());
    StorageStack nfs = StorageStack.ofTarget("nfs://filer/export/dir");
    assertEquals(StorageStack.Profile.NFS, nfs.profile());
    assertTrue(
        nfs.describe()
            .startsWith(
                "nfs4 at nfs://filer/export/dir (foxing's own NFSv4.2 client, no kernel mount)"),
        nfs.describe());
  }
}
