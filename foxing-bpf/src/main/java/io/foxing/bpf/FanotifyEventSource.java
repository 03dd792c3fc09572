// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import io.foxing.api.events.EventOptions;
import io.foxing.api.events.EventStream;
import io.foxing.bpf.internal.FanotifyStream;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * File events from fanotify with a filesystem mark ({@code FAN_REPORT_DFID_NAME}, Linux 5.9+): no
 * BPF needed, still root. Does not see fsync; xattr changes arrive as attribute changes.
 */
public final class FanotifyEventSource extends ProbedSource {
  @Override
  public String name() {
    return "fanotify";
  }

  @Override
  public int preference() {
    return 20;
  }

  @Override
  @Nullable String probe() {
    return FanotifyStream.unavailabilityCause();
  }

  @Override
  public EventStream open(Path root, EventOptions options) throws IOException {
    return FanotifyStream.open(Roots.check(root), options);
  }
}
