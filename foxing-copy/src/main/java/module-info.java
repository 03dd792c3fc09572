// SPDX-License-Identifier: Apache-2.0
/**
 * The local copy engine: {@link io.foxing.copy.SmartCopier}. Copy tiers are found through {@link
 * io.foxing.api.spi.CopyTier} providers; the built-in ones live in the unexported {@code
 * io.foxing.copy.internal} package.
 */
module io.foxing.copy {
  requires static transitive org.jspecify; // the API's @Nullable: compile time only
  requires transitive io.foxing.api;
  requires io.foxing.merkle;
  requires io.foxing.posix;
  requires com.sun.jna;
  requires org.slf4j;

  exports io.foxing.copy;
  exports io.foxing.copy.mirror;
  // the governor and storage stack the CLI shows (fxcp --debug, foxingd status and metrics)
  exports io.foxing.copy.internal to
      io.foxing.cli;

  uses io.foxing.api.spi.CopyTier;

  provides io.foxing.api.spi.CopyEngine with
      io.foxing.copy.internal.LocalEngine;
  provides io.foxing.api.spi.CopyTier with
      io.foxing.copy.internal.ReflinkTier,
      io.foxing.copy.internal.CopyFileRangeTier,
      io.foxing.copy.internal.SendfileTier,
      io.foxing.copy.internal.ReadWriteTier;
}
