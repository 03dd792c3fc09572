// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf.testing;

import io.foxing.api.events.EventSource;
import io.foxing.bpf.BpfEventSource;
import io.foxing.bpf.FanotifyEventSource;
import io.foxing.bpf.InotifyEventSource;
import io.foxing.testkit.Prerequisites;

/**
 * The event source a test names, with its prerequisites (root for bpf and fanotify) checked: under
 * CI=true a missing one fails.
 */
public final class Sources {
  private Sources() {}

  public static EventSource require(String name) {
    EventSource s =
        switch (name) {
          case "bpf" -> new BpfEventSource();
          case "fanotify" -> new FanotifyEventSource();
          case "inotify" -> new InotifyEventSource();
          default -> throw new IllegalArgumentException("no event source " + name);
        };
    if (!name.equals("inotify")) {
      Prerequisites.requireRoot(name + " capture");
    }
    Prerequisites.require(s.isAvailable(), name + " source: " + s.unavailabilityCause());
    return s;
  }
}
