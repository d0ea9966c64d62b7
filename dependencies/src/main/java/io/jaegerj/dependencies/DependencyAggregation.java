// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.model.Trace;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running aggregator of a collector or ingester: wraps the span writer so that every acknowledged batch is
 * counted, expires and resolves entries every second, and writes the counted links of each tenant as one record every
 * flush interval (and once more on {@link #close()}) through the backend's {@link DependencyWriter}. A failed write is
 * retried with the next flush; nothing counted is lost while the process runs.
 */
public final class DependencyAggregation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DependencyAggregation.class);

  private final DependencyAggregator aggregator;
  private final DependencyWriter writer;
  private final DependencyAggregator.ParentLookup lookup;
  private final AggregatorOptions options;
  private final Clock clock;
  private final LongSupplier monotonicMillis;
  private final ScheduledExecutorService timer;
  private final AtomicLong flushFailures = new AtomicLong();
  private final AtomicLong recordsWritten = new AtomicLong();
  private volatile long lastFlushMillis;

  private DependencyAggregation(AggregatorOptions options, DependencyWriter writer,
      DependencyAggregator.ParentLookup lookup, Clock clock, MeterRegistry meters) {
    this.options = options;
    this.aggregator = new DependencyAggregator(options.window().toMillis(), options.maxEntries(),
        options.maxLookups());
    this.writer = writer;
    this.lookup = lookup;
    this.clock = clock;
    this.monotonicMillis = () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    this.lastFlushMillis = monotonicMillis.getAsLong();
    register(meters);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dependency-aggregator");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::tickSafely, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Starts the aggregator when {@code options} enable it and the backend stores dependencies; else empty (with a
   * warning when enabled on a backend that cannot store them).
   *
   * @param reader the span reader used to find parents that never came by this instance, or null
   */
  public static Optional<DependencyAggregation> start(AggregatorOptions options, Optional<DependencyWriter> writer,
      Supplier<SpanReader> reader, Clock clock, MeterRegistry meters) {
    if (!options.enabled()) {
      return Optional.empty();
    }
    if (writer.isEmpty()) {
      LOG.warn("--{} is set but the dependency storage computes dependencies itself or cannot store them: "
          + "the aggregator stays off", AggregatorOptions.ENABLED);
      return Optional.empty();
    }
    DependencyAggregator.ParentLookup lookup = DependencyAggregator.ParentLookup.NONE;
    try {
      SpanReader r = reader.get();
      if (r != null) {
        lookup = readerLookup(r);
      }
    } catch (UnsupportedOperationException e) {
      LOG.info("The span storage cannot be read: children whose parent came by another instance are not counted");
    }
    LOG.info("Dependency aggregator on: window {}, flush every {}, at most {} spans remembered (~{} MiB)",
        options.window(), options.flushInterval(), options.maxEntries(),
        (long) options.maxEntries() * DependencyAggregator.BYTES_PER_ENTRY >> 20);
    return Optional.of(new DependencyAggregation(options, writer.get(), lookup, clock, meters));
  }

  /** Looks a stored trace up with the span reader: span ID → service. */
  static DependencyAggregator.ParentLookup readerLookup(SpanReader reader) {
    return (tenant, traceId) -> {
      Optional<Trace> t = reader.getTrace(GetTraceQuery.of(tenant, traceId));
      if (t.isEmpty()) {
        return Map.of();
      }
      Map<Long, String> out = new HashMap<>();
      for (Span s : t.get().spans()) {
        out.putIfAbsent(s.spanId(), s.process().serviceName());
      }
      return out;
    };
  }

  /** A span writer that counts every batch {@code delegate} acknowledged. */
  public SpanWriter wrap(SpanWriter delegate) {
    return (tenant, spans) -> {
      CompletionStage<Void> stage = delegate.write(tenant, spans);
      return stage.whenComplete((ok, err) -> {
        if (err == null) {
          aggregator.offer(tenant, spans, monotonicMillis.getAsLong());
        }
      });
    };
  }

  /** Counts a batch directly (tests, benchmarks). */
  public void offer(String tenant, List<Span> spans) {
    aggregator.offer(tenant, spans, monotonicMillis.getAsLong());
  }

  DependencyAggregator aggregator() {
    return aggregator;
  }

  private void tickSafely() {
    try {
      aggregator.tick(monotonicMillis.getAsLong(), lookup);
      if (monotonicMillis.getAsLong() - lastFlushMillis >= options.flushInterval().toMillis()) {
        flush();
      }
    } catch (RuntimeException e) {
      LOG.warn("Dependency aggregator tick failed", e);
    }
  }

  /** Writes what was counted so far: one record per tenant, stamped with the current time. */
  public synchronized void flush() {
    lastFlushMillis = monotonicMillis.getAsLong();
    long ts = TimeUnit.MILLISECONDS.toMicros(clock.millis());
    for (Map.Entry<String, List<DependencyLink>> e : aggregator.drain().entrySet()) {
      try {
        writer.writeDependencies(e.getKey(), ts, e.getValue());
        recordsWritten.incrementAndGet();
      } catch (UnsupportedOperationException ex) {
        flushFailures.incrementAndGet();
        LOG.warn("Dependencies of tenant \"{}\" cannot be stored: {}", e.getKey(), ex.getMessage());
      } catch (Exception ex) {
        flushFailures.incrementAndGet();
        aggregator.restore(e.getKey(), e.getValue());
        LOG.warn("Writing dependencies failed, retrying with the next flush: {}", ex.toString());
      }
    }
  }

  private void register(MeterRegistry m) {
    DependencyAggregator a = aggregator;
    FunctionCounter.builder("jaegerj_dependencies_spans", a.spansSeen, AtomicLong::get)
        .description("Spans the dependency aggregator counted edges for").register(m);
    FunctionCounter.builder("jaegerj_dependencies_duplicate_spans", a.duplicates, AtomicLong::get)
        .description("Spans seen twice within the window, counted once").register(m);
    FunctionCounter.builder("jaegerj_dependencies_calls", a.edgesCounted, AtomicLong::get)
        .description("Parent-to-child calls counted").register(m);
    FunctionCounter.builder("jaegerj_dependencies_late_parents", a.lateParents, AtomicLong::get)
        .description("Calls counted when the parent span arrived after its child").register(m);
    FunctionCounter.builder("jaegerj_dependencies_parents_looked_up", a.lookedUp, AtomicLong::get)
        .description("Calls counted after finding the parent span in storage").register(m);
    FunctionCounter.builder("jaegerj_dependencies_unresolved", a.unresolved, AtomicLong::get)
        .description("Children whose parent span was never found (not counted)").register(m);
    FunctionCounter.builder("jaegerj_dependencies_evicted_early", a.evictedEarly, AtomicLong::get)
        .description("Entries dropped before the window ended because the memory cap was reached").register(m);
    FunctionCounter.builder("jaegerj_dependencies_flush_failures", flushFailures, AtomicLong::get)
        .description("Dependency records that could not be written").register(m);
    FunctionCounter.builder("jaegerj_dependencies_records_written", recordsWritten, AtomicLong::get)
        .description("Dependency records written").register(m);
    Gauge.builder("jaegerj_dependencies_cache_entries", a, DependencyAggregator::entries)
        .description("Spans and waiting parents remembered").register(m);
    Gauge.builder("jaegerj_dependencies_cache_bytes", a, DependencyAggregator::estimatedBytes)
        .description("Estimated heap held by the remembered spans").register(m);
  }

  /** Ends every window, resolves what waits, writes the last record and stops the timer. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    aggregator.expireAll(lookup);
    flush();
  }
}
