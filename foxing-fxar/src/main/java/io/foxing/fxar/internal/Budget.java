// SPDX-License-Identifier: Apache-2.0
package io.foxing.fxar.internal;

/**
 * Bytes of chunk data in flight. Producers wait when the budget is spent, except the one whose
 * output the consumer is waiting for (the head): it may overdraw, so the pipeline never stalls with
 * the budget held by work queued behind it. The caller bounds the head's own share.
 */
public final class Budget {
  private final long limit;
  private long used;

  public Budget(long limit) {
    this.limit = limit;
  }

  public synchronized void acquire(long n, java.util.function.BooleanSupplier isHead)
      throws InterruptedException {
    while (used + n > limit && used > 0 && !isHead.getAsBoolean()) {
      wait(50); // the head flag changes without a release; poll it
    }
    used += n;
  }

  public synchronized void release(long n) {
    used -= n;
    notifyAll();
  }

  public synchronized long used() {
    return used;
  }
}
