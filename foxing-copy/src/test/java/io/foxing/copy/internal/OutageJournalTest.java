// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outage journal as a later run reads it: what was kept survives, damage never passes for data.
 */
class OutageJournalTest {
  @TempDir Path tmp;

  private final Path src = Path.of("/srv/data");

  @Test
  void whatIsKeptIsReadBackByTheNextRun() throws Exception {
    Path file = OutageJournal.fileFor(tmp, src, "/backup/data");
    OutageJournal j = OutageJournal.open(file, src, "/backup/data", 100);
    j.reset("uuid:0011");
    assertFalse(j.outage());
    j.add(List.of("a", "dir/b", "caf\u00e9", "a"), null);
    j.add(List.of("new\nline", ""), null);
    OutageJournal again = OutageJournal.open(file, src, "/backup/data", 100);
    assertEquals("uuid:0011", again.identity());
    assertTrue(again.outage());
    assertEquals(
        Set.of("a", "dir/b", "caf\u00e9", "new\nline", ""), new HashSet<>(again.entries()));
    assertNull(again.rescan());
    again.reset("uuid:0011");
    assertFalse(
        OutageJournal.open(file, src, "/backup/data", 100).outage(), "caught up: nothing left");
  }

  @Test
  void pastItsBoundItAsksForAFullComparisonInstead() throws Exception {
    Path file = OutageJournal.fileFor(tmp, src, "t");
    OutageJournal j = OutageJournal.open(file, src, "t", 3);
    j.reset("id");
    j.add(List.of("1", "2", "3", "4", "5"), null);
    long size = Files.size(file);
    j.add(List.of("6", "7"), null);
    assertEquals(size, Files.size(file), "nothing more is written once a full comparison is due");
    OutageJournal again = OutageJournal.open(file, src, "t", 3);
    assertEquals(3, again.size());
    assertTrue(again.rescan().contains("more than 3"), again.rescan());
  }

  @Test
  void aWriteCutShortByACrashMeansAFullComparison() throws Exception {
    Path file = OutageJournal.fileFor(tmp, src, "t");
    OutageJournal j = OutageJournal.open(file, src, "t", 100);
    j.reset("id");
    j.add(List.of("kept", "cut"), null);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - 3));
    OutageJournal again = OutageJournal.open(file, src, "t", 100);
    assertEquals(List.of("kept"), again.entries());
    assertTrue(again.rescan().contains("damaged"), again.rescan());
  }

  @Test
  void aFileThatIsNotThisMirrorsJournalIsAnErrorThatSaysWhatToDo() throws Exception {
    Path file = tmp.resolve("j.fxoj");
    Files.writeString(file, "not a journal at all");
    var e =
        assertThrows(
            OutageJournal.JournalException.class, () -> OutageJournal.open(file, src, "t", 10));
    assertTrue(
        e.getMessage().contains(file.toString()) && e.getMessage().contains("move it away"),
        e.getMessage());

    byte[] v2 = OutageJournal.header("/srv/data", "t", "id");
    v2[4] = 2;
    Files.write(file, v2);
    e =
        assertThrows(
            OutageJournal.JournalException.class, () -> OutageJournal.open(file, src, "t", 10));
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());

    byte[] damaged = OutageJournal.header("/srv/data", "t", "id");
    damaged[10] ^= 1;
    Files.write(file, damaged);
    e =
        assertThrows(
            OutageJournal.JournalException.class, () -> OutageJournal.open(file, src, "t", 10));
    assertTrue(e.getMessage().contains("header"), e.getMessage());

    Files.write(file, OutageJournal.header("/elsewhere", "t", "id"));
    e =
        assertThrows(
            OutageJournal.JournalException.class, () -> OutageJournal.open(file, src, "t", 10));
    assertTrue(e.getMessage().contains("another mirror"), e.getMessage());
  }

  @Test
  void inMemoryItKeepsTheSameThingsWithoutAFile() throws Exception {
    OutageJournal j = OutageJournal.open(null, src, "t", 2);
    j.reset("id");
    j.add(List.of("a", "b", "c"), null);
    assertEquals(2, j.size());
    assertTrue(j.rescan() != null);
    assertEquals(0, j.bytes());
  }
}
