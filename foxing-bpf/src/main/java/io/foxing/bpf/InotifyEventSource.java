// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventSource;
import io.foxing.api.events.EventStream;
import io.foxing.bpf.internal.WatchServiceStream;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * File events from java.nio's WatchService (inotify), registered on every directory: works
 * unprivileged, sees renames as delete + create, no pids, no xattr or fsync events.
 */
public final class InotifyEventSource implements EventSource {
  @Override
  public String name() {
    return "inotify";
  }

  @Override
  public int preference() {
    return 10;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public @Nullable String unavailabilityCause() {
    return null;
  }

  @Override
  public EventStream open(Path root, EventOptions options) throws IOException {
    return WatchServiceStream.open(Roots.check(root), options);
  }
}
