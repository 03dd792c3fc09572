// SPDX-License-Identifier: Apache-2.0
package io.foxing.bpf;

import io.foxing.api.events.EventSource;
import io.foxing.bpf.testing.Sources;
import io.foxing.testkit.EventSourceContract;

/** The event-source contract, run against bpf. */
class BpfSourceContractTest extends EventSourceContract {
  @Override
  protected EventSource source() {
    return Sources.require("bpf");
  }

  @Override
  protected boolean namesEveryChange() {
    return true; // every name, relative ones included, resolved from the events themselves
  }
}
