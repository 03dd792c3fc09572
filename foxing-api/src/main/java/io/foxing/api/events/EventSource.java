// SPDX-License-Identifier: Apache-2.0
package io.foxing.api.events;

import io.foxing.api.Availability;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A way to learn about changes from the kernel. Implementations are found through {@link
 * java.util.ServiceLoader} ({@code foxing-bpf} provides {@code bpf}, {@code fanotify} and {@code
 * inotify}); {@link EventSources} picks the best available one.
 */
public interface EventSource extends Availability {
  /** Short name, as given to {@code foxingd events --source}. */
  String name();

  /** Higher is preferred when several are available. */
  int preference();

  /**
   * Starts capturing changes under {@code root} (a directory). Events for paths outside it are
   * dropped by the source.
   *
   * @throws IOException if capture cannot start; the message names the root and the cause
   */
  EventStream open(Path root, EventOptions options) throws IOException;
}
