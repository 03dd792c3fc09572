// SPDX-License-Identifier: Apache-2.0
package io.foxing.copy.internal;

import io.foxing.api.CopyMethod;
import io.foxing.api.spi.CopyTier;
import io.foxing.api.spi.FileCopyRequest;
import io.foxing.api.spi.TierUnavailableException;
import io.foxing.posix.NativeSupport;
import io.foxing.posix.Posix;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What the built-in tiers share: the once-only probe with its kill switch ({@code
 * -Dfoxing.tier.NAME.disable=true}), and a memory of filesystem pairs that refused the tier so a
 * tree of 10,000 files across two filesystems costs one failed call, not 10,000.
 */
abstract class BuiltinTier implements CopyTier {
  private final String name;
  private final CopyMethod method;
  private final int priority;
  private volatile @Nullable String cause;
  private volatile boolean probed;
  private final ConcurrentHashMap<Long, String> refusedPairs = new ConcurrentHashMap<>();

  BuiltinTier(String name, CopyMethod method, int priority) {
    this.name = name;
    this.method = method;
    this.priority = priority;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final CopyMethod method() {
    return method;
  }

  @Override
  public final int priority() {
    return priority;
  }

  @Override
  public final boolean isAvailable() {
    return unavailabilityCause() == null;
  }

  @Override
  public final @Nullable String unavailabilityCause() {
    if (!probed) {
      synchronized (this) {
        if (!probed) {
          cause = probe();
          probed = true;
        }
      }
    }
    return cause;
  }

  private @Nullable String probe() {
    if (Boolean.getBoolean("foxing.tier." + name + ".disable")) {
      return "tier " + name + " is switched off by -Dfoxing.tier." + name + ".disable=true";
    }
    return NativeSupport.problem();
  }

  private static long pairKey(FileCopyRequest r) {
    return r.sourceDevice() * 31 + r.targetDevice();
  }

  /** Throws if this filesystem pair already refused the tier. */
  final void checkPair(FileCopyRequest r) throws TierUnavailableException {
    String why = refusedPairs.get(pairKey(r));
    if (why != null) {
      throw new TierUnavailableException(why);
    }
  }

  /** Remembers that this filesystem pair refuses the tier, and says why. */
  final TierUnavailableException refusePair(FileCopyRequest r, int errno) {
    String why = name + " not supported between these filesystems (" + Posix.errnoName(errno) + ")";
    refusedPairs.put(pairKey(r), why);
    return new TierUnavailableException(why);
  }

  /** errno values that mean "this kind of copy does not work here", as opposed to a failed copy. */
  static boolean meansUnsupported(int errno) {
    return errno == Posix.EXDEV
        || errno == Posix.EOPNOTSUPP
        || errno == Posix.EINVAL
        || errno == Posix.ENOSYS
        || errno == 25 /* ENOTTY */
        || errno == Posix.EBADF;
  }

  @Override
  public String toString() {
    return name;
  }
}
