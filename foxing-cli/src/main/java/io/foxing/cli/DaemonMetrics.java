// SPDX-License-Identifier: Apache-2.0
package io.foxing.cli;

import io.foxing.copy.internal.Governor;
import io.foxing.copy.mirror.Mirror;
import io.foxing.copy.mirror.TargetState;
import io.foxing.copy.mirror.TargetStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;

/**
 * foxingd's metrics, in the Prometheus Java client's registry. Gauges and counters are read from
 * the mirrors' {@link Mirror#status() status} when scraped (nothing is counted twice, and a scrape
 * costs a walk over the targets); the change-to-target latency is a histogram observed as batches
 * are applied. Names follow the original Foxing's where it had one.
 */
final class DaemonMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<Mirror> mirrors;
  private final Histogram latency;
  private static final long SNAPSHOT_TTL = 100_000_000L;
  private Map<Mirror, List<TargetStatus>> snapshot;
  private long snapshotAt;

  DaemonMetrics(List<Mirror> mirrors) {
    this.mirrors = mirrors;
    CounterWithCallback.builder()
        .name("foxing_events_dropped")
        .labelNames("source")
        .help(
            "Events the event source could not hold; each loss became a full comparison, so no change was lost")
        .callback(cb -> mirrors.forEach(m -> cb.call(m.eventsLost(), m.source().toString())))
        .register(registry);
    counter("foxing_events_applied", "File events applied to a target", t -> t.totals().events());
    counter(
        "foxing_batches_applied",
        "Batches of changes applied to a target",
        t -> t.totals().batches());
    counter(
        "foxing_rescans",
        "Full comparisons of a target after lost events, failures or hard links",
        t -> t.totals().rescans());
    counter(
        "foxing_events_repair_queued",
        "Entries queued for a retry after a failure",
        t -> t.totals().retriesQueued());
    counter(
        "foxing_events_repair_completed",
        "Retried entries that then went through",
        t -> t.totals().retriesCompleted());
    counter(
        "foxing_copy_timeout",
        "Runs found hanging on a target that did not answer a probe",
        t -> t.totals().hungRuns());
    counter(
        "foxing_hydration_dir_pruned",
        "Directories a comparison left alone because their records vouched for them",
        t -> t.totals().directoriesPruned());
    counter(
        "foxing_delta_copy_attempted",
        "Files updated by a delta copy (changed blocks only)",
        t -> t.totals().deltaFiles());
    counter(
        "foxing_delta_bytes_saved",
        "Bytes delta copies did not have to write",
        t -> t.totals().deltaBytesSaved());
    gauge(
        "foxing_worker_copy_in_flight",
        "Runs under way on a target (0 or 1)",
        t -> t.running() ? 1 : 0);
    gauge("foxing_worker_retry_queue_size", "Entries waiting for a retry", TargetStatus::retrying);
    gauge(
        "foxing_target_queue_size",
        "Entries waiting to be applied to a target",
        TargetStatus::queued);
    gauge(
        "foxing_target_lag_seconds",
        "How long the oldest change not yet applied to a target has waited",
        t -> t.lag().toNanos() / 1e9);
    gauge(
        "foxing_journal_entries", "Entries in a target's outage journal", TargetStatus::journaled);
    gauge(
        "foxing_journal_bytes",
        "Size of a target's outage journal on disk",
        TargetStatus::journalBytes);
    GaugeWithCallback.builder()
        .name("foxing_target_state")
        .labelNames("target", "state")
        .help(
            "1 for the state a target is in (hydrating, live, down, full, catching_up), 0 for the others")
        .callback(
            cb ->
                each(
                    (m, t) -> {
                      for (TargetState s : TargetState.values()) {
                        cb.call(
                            t.state() == s ? 1 : 0, t.target(), s.name().toLowerCase(Locale.ROOT));
                      }
                    }))
        .register(registry);
    Governor governor = Governor.system();
    GaugeWithCallback.builder()
        .name("foxing_governor_stressed")
        .help(
            "1 while background work (hydration, rescans, catching up) is paced because the machine is under pressure")
        .callback(cb -> cb.call(governor.read().stressed() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("foxing_pressure_ratio")
        .labelNames("resource")
        .help(
            "Share of the last moments tasks stalled (/proc/pressure): cpu some, io full, memory some")
        .callback(
            cb -> {
              Governor.Reading r = governor.read();
              if (r.available()) {
                cb.call(r.cpu(), "cpu");
                cb.call(r.io(), "io");
                cb.call(r.memory(), "memory");
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("foxing_governor_paused_seconds")
        .help("Time background work rested for the machine's pressure")
        .callback(cb -> cb.call(governor.pausedNanos() / 1e9))
        .register(registry);
    latency =
        Histogram.builder()
            .name("foxing_change_latency_seconds")
            .labelNames("target")
            .classicOnly()
            .classicUpperBounds(
                0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60)
            .help("From a change happening at the source to its batch being complete at a target")
            .register(registry);
  }

  /** A batch reached {@code target}: its oldest change waited {@code lag}. */
  void applied(String target, Duration lag) {
    latency.labelValues(target).observe(lag.toNanos() / 1e9);
  }

  PrometheusRegistry registry() {
    return registry;
  }

  /** The metrics in Prometheus' text format, as a scrape would return them. */
  String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create()
          .write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.ALLOW_UTF8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array does not fail
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void each(BiConsumer<Mirror, TargetStatus> call) {
    for (Map.Entry<Mirror, List<TargetStatus>> e : snapshot().entrySet()) {
      for (TargetStatus t : e.getValue()) {
        call.accept(e.getKey(), t);
      }
    }
  }

  /**
   * Every target's status, taken once per scrape: a scrape asks for each metric in turn, and taking
   * the status twenty times over would cost twenty walks and give numbers from different moments.
   * Kept for 100 ms, shorter than any scrape interval.
   */
  private synchronized Map<Mirror, List<TargetStatus>> snapshot() {
    long now = System.nanoTime();
    if (snapshot == null || now - snapshotAt > SNAPSHOT_TTL) {
      Map<Mirror, List<TargetStatus>> s = new LinkedHashMap<>();
      for (Mirror m : mirrors) {
        s.put(m, m.status());
      }
      snapshot = s;
      snapshotAt = now;
    }
    return snapshot;
  }

  private void counter(String name, String help, ToDoubleFunction<TargetStatus> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("target")
        .callback(cb -> each((m, t) -> cb.call(value.applyAsDouble(t), t.target())))
        .register(registry);
  }

  private void gauge(String name, String help, ToDoubleFunction<TargetStatus> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("target")
        .callback(cb -> each((m, t) -> cb.call(value.applyAsDouble(t), t.target())))
        .register(registry);
  }
}
