// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventSource;
import io.foxing.api.events.EventSources;
import io.foxing.api.events.EventStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The choice falls back to the next source with every reason it passed over, also when a source
 * fails to start (the unprivileged case runs for real in FoxingdCommandTest, with capabilities
 * dropped; each BPF reason is checked in BpfProgramTest).
 */
class FallbackTest {
  record Fake(String name, int preference, String unavailabilityCause) implements EventSource {
    @Override
    public boolean isAvailable() {
      return unavailabilityCause == null;
    }

    @Override
    public EventStream open(Path root, EventOptions options) throws IOException {
      throw new IOException(name + " refused to start");
    }
  }

  @Test
  void aSourceThatFailsToStartIsPassedOverWithItsReason(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    EventSource broken = new Fake("bpf", 30, null);
    EventSources.Opened o =
        EventSources.open(
            null, dir, EventOptions.defaults(), List.of(broken, new InotifyEventSource()));
    try (EventStream s = o.stream()) {
      assertEquals("inotify", s.source());
      assertEquals("bpf failed to start: bpf refused to start", o.reason());
    }
    assertEquals(
        "bpf refused to start",
        assertThrows(
                IOException.class,
                () -> EventSources.open("bpf", dir, EventOptions.defaults(), List.of(broken)))
            .getMessage());
  }

  @Test
  void theChoiceFallsBackAndSaysWhy() throws IOException {
    Fake bpf = new Fake("bpf", 30, "tracefs is not mounted");
    Fake fanotify = new Fake("fanotify", 20, "needs root");
    Fake inotify = new Fake("inotify", 10, null);
    List<EventSource> all = List.of(bpf, fanotify, inotify);
    EventSources.Choice c = EventSources.choose(null, all);
    assertSame(inotify, c.source());
    assertEquals(
        "bpf unavailable: tracefs is not mounted; fanotify unavailable: needs root", c.reason());
    assertEquals("the best source", EventSources.choose(null, List.of(inotify)).reason());
    assertEquals("asked for", EventSources.choose("inotify", all).reason());
    assertEquals(
        "event source bpf is not available: tracefs is not mounted",
        assertThrows(IOException.class, () -> EventSources.choose("bpf", all)).getMessage());
    assertEquals(
        "no event source available: bpf unavailable: tracefs is not mounted; fanotify unavailable: needs root",
        assertThrows(IOException.class, () -> EventSources.choose(null, List.of(bpf, fanotify)))
            .getMessage());
  }
}
