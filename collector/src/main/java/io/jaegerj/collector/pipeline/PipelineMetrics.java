// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Jaeger's collector metrics (names and labels of ingest spec §6.2). Meters are resolved once per label set and
 * cached in arrays, so per-span counting is an array read and an increment.
 */
final class PipelineMetrics {
  static final String[] FORMATS = {"jaeger", "proto", "zipkin", "unknown"};
  static final String[] TRANSPORTS = {"http", "grpc", "unknown"};
  static final String[] SAMPLER_TYPES = {"unrecognized", "probabilistic", "lowerbound", "ratelimiting", "const"};
  static final String[] RESULTS = {"ok", "err"};

  private final MeterRegistry registry;
  private final ServiceLabels labels = new ServiceLabels();
  private final ConcurrentHashMap<String, SvcMeters> bySvc = new ConcurrentHashMap<>();
  final String host;
  final Counter spansDropped;
  final Timer inQueueLatency;
  final Timer saveLatency;
  final Counter downsamplingDropped;
  final Counter downsamplingAccepted;
  final Counter spansRefused;
  final Counter requestsRefused;
  final Counter droppedAfterAck;
  final Counter ackDeadlinesPassed;
  final LongAdder storageWaitNanos = new LongAdder();

  PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.host = hostname();
    Tags hostTag = Tags.of("host", host);
    spansDropped = Counter.builder("jaeger_collector_spans_dropped").tags(hostTag)
        .description("spans dropped because the queue was full").register(registry);
    inQueueLatency = latency("jaeger_collector_in_queue_latency", hostTag);
    saveLatency = latency("jaeger_collector_save_latency", hostTag);
    downsamplingDropped = Counter.builder("jaeger_downsampling_writer_spans_dropped").register(registry);
    downsamplingAccepted = Counter.builder("jaeger_downsampling_writer_spans_accepted").register(registry);
    spansRefused = Counter.builder("jaegerj_collector_spans_refused").tags(hostTag)
        .description("decoded spans refused with a retryable answer before acknowledgement (queue full)")
        .register(registry);
    requestsRefused = Counter.builder("jaegerj_collector_requests_refused").tags(hostTag)
        .description("requests refused with a retryable answer before decoding (queue full or shutting down)")
        .register(registry);
    droppedAfterAck = Counter.builder("jaegerj_collector_spans_dropped_after_ack").tags(hostTag)
        .description("spans acknowledged to their client and then not stored (write failed after its retries, "
            + "or queued at shutdown)")
        .register(registry);
    ackDeadlinesPassed = Counter.builder("jaegerj_collector_spans_ack_deadline_passed").tags(hostTag)
        .description("spans answered with a retryable status (acknowledge=stored) because storage did not confirm "
            + "their write within the acknowledgement deadline; not acknowledged, they may still be stored")
        .register(registry);
    FunctionCounter.builder("jaegerj_collector_storage_wait_seconds", storageWaitNanos, a -> a.sum() / 1e9)
        .tags(hostTag).description("worker-seconds spent waiting for a write slot while storage was busy")
        .register(registry);
  }

  /**
   * A timer: the binaries' registry exports {@code jaeger_*} timers as histograms in seconds with Prometheus' default
   * buckets. (A distribution summary of seconds would not do: Micrometer's Prometheus histogram rounds a summary's
   * observations up to whole numbers, so every sub-second value landed in {@code le="1.0"}.)
   */
  private Timer latency(String name, Tags tags) {
    return Timer.builder(name).tags(tags).register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  static int samplerType(Span span) {
    KeyValue kv = span.tag("sampler.type");
    if (kv == null) {
      return 0;
    }
    switch (kv.asString()) {
      case "probabilistic":
        return 1;
      case "lowerbound":
        return 2;
      case "ratelimiting":
        return 3;
      case "const":
        return 4;
      default:
        return 0;
    }
  }

  void received(Span span, int format, int transport) {
    SvcMeters m = meters(span.process().serviceName());
    int debug = span.isDebug() ? 1 : 0;
    m.received(debug, format, transport).increment();
    if (span.parentSpanId() == 0) {
      m.tracesReceived(debug, format, transport, samplerType(span)).increment();
    }
  }

  void saved(Span span, boolean ok, boolean otlp) {
    SvcMeters m = meters(span.process().serviceName());
    int debug = !otlp && span.isDebug() ? 1 : 0;
    int result = ok ? 0 : 1;
    m.saved(debug, result).increment();
    if (span.parentSpanId() == 0) {
      m.tracesSaved(debug, result, otlp ? 0 : samplerType(span)).increment();
    }
  }

  private SvcMeters meters(String service) {
    String svc = labels.label(service);
    SvcMeters m = bySvc.get(svc);
    if (m == null) {
      m = bySvc.computeIfAbsent(svc, SvcMeters::new);
    }
    return m;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** Lazily registered counters of one {@code svc} label. */
  private final class SvcMeters {
    private final String svc;
    private final AtomicReferenceArray<Counter> received = new AtomicReferenceArray<>(2 * 4 * 3);
    private final AtomicReferenceArray<Counter> tracesReceived = new AtomicReferenceArray<>(2 * 4 * 3 * 5);
    private final AtomicReferenceArray<Counter> saved = new AtomicReferenceArray<>(2 * 2);
    private final AtomicReferenceArray<Counter> tracesSaved = new AtomicReferenceArray<>(2 * 2 * 5);

    SvcMeters(String svc) {
      this.svc = svc;
    }

    Counter received(int debug, int format, int transport) {
      int i = (debug * 4 + format) * 3 + transport;
      Counter c = received.get(i);
      if (c == null) {
        c = Counter.builder("jaeger_collector_spans_received")
            .tags("debug", Boolean.toString(debug == 1), "format", FORMATS[format], "svc", svc,
                "transport", TRANSPORTS[transport])
            .register(registry);
        received.set(i, c);
      }
      return c;
    }

    Counter tracesReceived(int debug, int format, int transport, int sampler) {
      int i = ((debug * 4 + format) * 3 + transport) * 5 + sampler;
      Counter c = tracesReceived.get(i);
      if (c == null) {
        c = Counter.builder("jaeger_collector_traces_received")
            .tags("debug", Boolean.toString(debug == 1), "format", FORMATS[format], "sampler_type",
                SAMPLER_TYPES[sampler], "svc", svc, "transport", TRANSPORTS[transport])
            .register(registry);
        tracesReceived.set(i, c);
      }
      return c;
    }

    Counter saved(int debug, int result) {
      int i = debug * 2 + result;
      Counter c = saved.get(i);
      if (c == null) {
        c = Counter.builder("jaeger_collector_spans_saved_by_svc")
            .tags("debug", Boolean.toString(debug == 1), "result", RESULTS[result], "svc", svc)
            .register(registry);
        saved.set(i, c);
      }
      return c;
    }

    Counter tracesSaved(int debug, int result, int sampler) {
      int i = (debug * 2 + result) * 5 + sampler;
      Counter c = tracesSaved.get(i);
      if (c == null) {
        c = Counter.builder("jaeger_collector_traces_saved_by_svc")
            .tags("debug", Boolean.toString(debug == 1), "result", RESULTS[result], "sampler_type",
                SAMPLER_TYPES[sampler], "svc", svc)
            .register(registry);
        tracesSaved.set(i, c);
      }
      return c;
    }
  }
}
