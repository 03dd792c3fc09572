// SPDX-License-Identifier: Apache-2.0
package io.foxing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CopyOptionsTest {
  @Test
  void defaultsAreWhatFxcpDashADoes() {
    CopyOptions o = CopyOptions.archive();
    assertEquals(Preserve.ARCHIVE, o.preserve());
    assertTrue(o.recursive());
    assertFalse(o.delete() || o.dryRun() || o.checksum() || o.inplace());
    assertEquals(CopyMethod.AUTO, o.copyMethod());
    assertTrue(o.filters().isEmpty());
    assertEquals(0, o.threads(), "0: the copier chooses");
  }

  @Test
  void toBuilderChangesOnlyWhatItIsTold() {
    CopyOptions a =
        CopyOptions.builder().delete(true).threads(3).preserve(EnumSet.of(Preserve.MODE)).build();
    CopyOptions b = a.toBuilder().dryRun(true).build();
    assertTrue(b.delete() && b.dryRun());
    assertEquals(3, b.threads());
    assertEquals(EnumSet.of(Preserve.MODE), b.preserve());
    assertFalse(a.dryRun(), "the original is unchanged");
  }

  @Test
  void preserveSetCannotBeChangedFromOutside() {
    EnumSet<Preserve> mine = EnumSet.of(Preserve.MODE);
    CopyOptions o = CopyOptions.builder().preserve(mine).build();
    mine.add(Preserve.OWNER);
    assertEquals(EnumSet.of(Preserve.MODE), o.preserve());
    assertThrows(UnsupportedOperationException.class, () -> o.preserve().add(Preserve.TIMES));
  }

  @Test
  void badValuesAreRejectedWithTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CopyOptions.builder().threads(-1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    IllegalArgumentException m =
        assertThrows(IllegalArgumentException.class, () -> CopyMethod.fromCliName("warp"));
    assertTrue(
        m.getMessage().contains("'warp'") && m.getMessage().contains("reflink"), m.getMessage());
    assertEquals(CopyMethod.COPY_FILE_RANGE, CopyMethod.fromCliName("cfr"));
  }
}
