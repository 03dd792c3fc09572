// SPDX-License-Identifier: Apache-2.0
/**
 * Foxing's value types ({@link io.foxing.api.CopyOptions}, {@link io.foxing.api.CopyReport}, {@link
 * io.foxing.api.FilterRules}), {@link io.foxing.api.Copiers} to open a copier for any target, the
 * service-provider interfaces through which the copy engine, copy tiers and targets plug in ({@link
 * io.foxing.api.spi}), and the file-event API ({@link io.foxing.api.events}).
 */
module io.foxing.api {
  requires static transitive org.jspecify; // @NullMarked, @Nullable: compile time only

  exports io.foxing.api;
  exports io.foxing.api.spi;
  exports io.foxing.api.events;

  uses io.foxing.api.events.EventSource;
  uses io.foxing.api.spi.CopyEngine;
  uses io.foxing.api.spi.TargetProvider;
}
