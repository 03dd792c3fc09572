// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code fxcp} and {@code foxingd} command lines. Not an API: embed {@code io.foxing.copy}
 * instead.
 */
module io.foxing.cli {
  requires io.foxing.copy;
  requires io.foxing.posix;
  requires io.foxing.merkle;
  requires io.foxing.fxar;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires io.prometheus.metrics.config;
  requires io.prometheus.metrics.exporter.httpserver;
  requires io.prometheus.writer.text;
  requires org.jline.terminal;
  requires jdk.unsupported; // sun.misc.Signal (see Signals): SIGTERM ends foxingd sync --watch with

  // exit 0

  opens io.foxing.cli to
      info.picocli;

  uses io.foxing.api.spi.TargetProvider;
  uses io.foxing.api.events.EventSource;
}
