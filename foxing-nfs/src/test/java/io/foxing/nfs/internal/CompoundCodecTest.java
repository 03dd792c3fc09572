// SPDX-License-Identifier: Apache-2.0
package io.foxing.nfs.internal;

import static org.junit.jupiter.api.Assertions.*;

import io.foxing.nfs.NfsAttributes;
import io.foxing.nfs.NfsMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes for every operation, worked out by hand from the XDR in RFC 8881 (4.1) and RFC 7862
 * (4.2): opcode, then the arguments in declaration order, 4-byte big-endian units, opaques
 * length-prefixed and zero-padded. And replies built the same way, decoded.
 */
class CompoundCodecTest {
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  static String encoded(java.util.function.Consumer<Compound> build) {
    Compound c = new Compound("test");
    build.accept(c);
    return HexFormat.of().formatHex(c.ops(0x0102030405060708L).toByteArray());
  }

  static void assertEncodes(String expectedHex, java.util.function.Consumer<Compound> build) {
    assertEquals(HexFormat.of().formatHex(hex(expectedHex)), encoded(build));
  }

  static final String ZERO16 = "00000000 00000000 00000000 00000000";
  static final String CURRENT = "00000001 00000000 00000000 00000000";

  @Test
  void filehandleAndLookupOperations() {
    assertEncodes("00000018", Compound::putRootFh);
    assertEncodes("00000016 00000003 01020300", c -> c.putFh(new byte[] {1, 2, 3}));
    assertEncodes("0000000f 00000002 61620000", c -> c.lookup("ab"));
    assertEncodes("0000000a", Compound::getFh);
    assertEncodes("00000020", Compound::saveFh);
    assertEncodes("0000001f", Compound::restoreFh);
    assertEncodes("0000001b", Compound::readlink);
    assertEncodes("0000003a 00000000", Compound::reclaimComplete);
  }

  @Test
  void getattrAsksForTheStatBitmap() {
    // type 1, change 3, size 4, fileid 20 | mode 33, numlinks 35, owner 36, owner_group 37, rawdev
    // 41,
    // time_access 47, time_metadata 52, time_modify 53
    assertEncodes("00000009 00000002 0010001a 0030823a", c -> c.getAttr(Attrs.STAT));
  }

  @Test
  void openCreatesUncheckedWithTheSessionsClientId() {
    assertEncodes(
        """
        00000012 00000000 00000402 00000000
        01020304 05060708 00000004 aaaaaaaa
        00000001 00000000 00000002 00000000 00000002 00000004 00000180
        00000000 00000001 66000000""",
        c ->
            c.open(
                "f",
                new byte[] {(byte) 0xaa, (byte) 0xaa, (byte) 0xaa, (byte) 0xaa},
                Nfs4.SHARE_ACCESS_WRITE,
                true,
                false,
                NfsMetadata.builder().mode(0600).build()));
    assertEncodes(
        """
        00000012 00000000 00000401 00000000 01020304 05060708 00000001 bb000000
        00000000 00000000 00000001 66000000""",
        c ->
            c.open(
                "f",
                new byte[] {(byte) 0xbb},
                Nfs4.SHARE_ACCESS_READ,
                false,
                false,
                NfsMetadata.NONE));
  }

  @Test
  void dataOperations() {
    assertEncodes(
        "00000026 " + CURRENT + " 00000000 00001000 00000000 00000003 78797a00",
        c ->
            c.write(
                Nfs4.CURRENT_STATEID,
                0x1000,
                ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII)),
                Nfs4.UNSTABLE4));
    assertEncodes(
        "00000019 " + ZERO16 + " 00000000 00000010 00100000",
        c -> c.read(new byte[16], 16, 1 << 20));
    assertEncodes("00000005 00000000 00000000 00000000", c -> c.commit(0, 0));
    assertEncodes("00000004 00000000 " + CURRENT, c -> c.close(Nfs4.CURRENT_STATEID));
  }

  @Test
  void setattrEncodesAttributesInNumberOrder() {
    // size 4 | owner 36, owner_group 37, time_modify_set 54; values 40 bytes
    assertEncodes(
        "00000022 "
            + ZERO16
            + """
         00000002 00000010 00400030 00000028
        00000000 0000000a 00000004 31323334 00000004 35363738
        00000001 00000000 00000001 00000005""",
        c ->
            c.setAttr(
                new byte[16],
                NfsMetadata.builder().owner(1234, 5678).mtimeNanos(1_000_000_005L).build(),
                10));
    // mode 33 and time_access_set 48 with a time before 1970 (seconds -1, 999999999 ns)
    assertEncodes(
        "00000022 "
            + ZERO16
            + """
         00000002 00000000 00010002 00000014
        000001ed 00000001 ffffffff ffffffff 3b9ac9ff""",
        c -> c.setAttr(new byte[16], NfsMetadata.builder().mode(0755).atimeNanos(-1).build(), -1));
  }

  @Test
  void namespaceOperations() {
    assertEncodes(
        "00000006 00000005 00000001 74000000 00000001 6c000000 00000000 00000000",
        c -> c.createSymlink("l", "t", NfsMetadata.NONE));
    assertEncodes(
        "00000006 00000002 00000001 64000000 00000002 00000000 00000002 00000004 000001c0",
        c -> c.create(Nfs4.NF4DIR, "d", NfsMetadata.builder().mode(0700).build()));
    assertEncodes(
        "00000006 00000004 00000001 00000003 00000001 6e000000 00000000 00000000",
        c -> c.createDevice(Nfs4.NF4CHR, "n", 1, 3, NfsMetadata.NONE));
    assertEncodes("0000000b 00000001 68000000", c -> c.link("h"));
    assertEncodes("0000001c 00000001 78000000", c -> c.remove("x"));
    assertEncodes("0000001d 00000001 61000000 00000001 62000000", c -> c.rename("a", "b"));
    assertEncodes(
        "0000001a 00000000 00000000 00000000 00000000 00002000 00008000 00000001 00000002",
        c -> c.readdir(0, new byte[8], 8192, 32768, Attrs.bitmap(Nfs4.A_TYPE)));
  }

  @Test
  void nfs42Operations() {
    assertEncodes(
        "00000045 " + ZERO16 + " 00000000 00000064 00000001",
        c -> c.seek(new byte[16], 100, Nfs4.CONTENT_HOLE));
    assertEncodes(
        "0000003b " + ZERO16 + " 00000000 00000000 00000000 00001000",
        c -> c.allocate(new byte[16], 0, 4096));
    assertEncodes(
        "0000003e " + ZERO16 + " 00000000 00001000 00000000 00001000",
        c -> c.deallocate(new byte[16], 4096, 4096));
    assertEncodes(
        "0000003c "
            + ZERO16
            + " "
            + CURRENT
            + " 00000000 00000000 00000000 00000010 00000000 00000020 00000000 00000001 00000000",
        c -> c.copy(new byte[16], Nfs4.CURRENT_STATEID, 0, 16, 32));
    assertEncodes(
        "00000047 "
            + ZERO16
            + " "
            + CURRENT
            + " 00000000 00000000 00000000 00000010 00000000 00000020",
        c -> c.clone(new byte[16], Nfs4.CURRENT_STATEID, 0, 16, 32));
  }

  @Test
  void namesThatWouldEscapeAreRefused() {
    Compound c = new Compound("x");
    for (String bad : new String[] {"", ".", "..", "a/b", "a\0b"}) {
      assertThrows(IllegalArgumentException.class, () -> c.lookup(bad), bad);
    }
  }

  @Test
  void decodesOpenGetfhAndReaddirReplies() throws Exception {
    Compound c = new Compound("p");
    c.putFh(new byte[] {1});
    int open = c.open("f", new byte[] {1}, Nfs4.SHARE_ACCESS_WRITE, true, false, NfsMetadata.NONE);
    int fh = c.getFh();
    int rd = c.readdir(0, new byte[8], 8192, 32768, Attrs.bitmap(Nfs4.A_TYPE, Nfs4.A_SIZE));
    byte[] reply =
        hex(
            """
        00000016 00000000
        00000012 00000000 00000001 0a0b0c0d 0e0f1011 12131415
          00000001 00000000 00000005 00000000 00000006 00000004 00000000
          00000003 00000001 00000000
        0000000a 00000000 00000002 abcd0000
        0000001a 00000000 1122334455667788
          00000001 00000000 00000007 00000001 61000000 00000001 00000012 0000000c 00000001 00000000 00000042
          00000001 00000000 00000009 00000001 62000000 00000001 00000012 0000000c 00000002 00000000 00000000
          00000000 00000001""");
    Compound.Result r = Compound.decode(new XdrReader(reply), "p", c.opcodes(), 4, 1 << 20);
    assertTrue(r.ok());
    assertEquals("000000010a0b0c0d0e0f101112131415", HexFormat.of().formatHex(r.stateid(open)));
    assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, r.fileHandle(fh));
    Compound.DirPage page = r.dirPage(rd);
    assertTrue(page.eof());
    assertEquals(2, page.entries().size());
    assertEquals("a", page.entries().get(0).name());
    assertEquals(NfsAttributes.Type.REGULAR, page.entries().get(0).attributes().type());
    assertEquals(0x42, page.entries().get(0).attributes().size());
    assertEquals(NfsAttributes.Type.DIRECTORY, page.entries().get(1).attributes().type());
    assertEquals(9, page.entries().get(1).cookie());
  }

  @Test
  void decodingStopsAtTheFailedOperationAndNamesIt() throws Exception {
    Compound c = new Compound("dir/file");
    c.putFh(new byte[] {1});
    c.setAttr(new byte[16], NfsMetadata.builder().mode(0644).build(), -1);
    c.getFh();
    // SETATTR fails with NFS4ERR_PERM; its attrsset bitmap still follows the status
    byte[] reply = hex("00000016 00000000 00000022 00000001 00000000");
    Compound.Result r = Compound.decode(new XdrReader(reply), "dir/file", c.opcodes(), 2, 1 << 20);
    assertFalse(r.ok());
    assertEquals(2, r.answered());
    io.foxing.nfs.NfsException e = assertThrows(io.foxing.nfs.NfsException.class, r::check);
    assertEquals("dir/file: SETATTR failed: NFS4ERR_PERM", e.getMessage());
  }

  @Test
  void malformedRepliesAreNamedNotCrashes() {
    Compound c = new Compound("p");
    c.getFh();
    assertThrows(
        XdrException.class,
        () ->
            Compound.decode(new XdrReader(hex("00000009 00000000")), "p", c.opcodes(), 1, 1 << 20),
        "a result for the wrong operation");
    assertThrows(
        XdrException.class,
        () ->
            Compound.decode(
                new XdrReader(hex("0000000a 00000000 00000200")), "p", c.opcodes(), 1, 1 << 20),
        "a file handle longer than 128 bytes");
    assertThrows(
        XdrException.class,
        () ->
            Compound.decode(
                new XdrReader(hex("0000000a 00000000 00000008 0102")),
                "p",
                c.opcodes(),
                1,
                1 << 20),
        "truncated");
    assertThrows(
        XdrException.class,
        () -> Compound.decode(new XdrReader(hex("")), "p", c.opcodes(), 5, 1 << 20),
        "more results than operations");
  }
}
