// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.ValueType;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * RED metrics computed from the spans the collector receives, with the OpenTelemetry spanmetrics connector's names
 * and labels: {@code traces_span_metrics_calls_total} and the {@code traces_span_metrics_duration_milliseconds}
 * histogram (the connector's default buckets), by {@code service_name}, {@code span_name}, {@code span_kind}
 * ({@code SPAN_KIND_*}) and {@code status_code} ({@code STATUS_CODE_UNSET|OK|ERROR}).
 *
 * <p>Cardinality is capped: at most {@link #maxServices} services and {@link #maxOperations} operations per service;
 * the spans beyond are counted under the service or span name {@value #OVERFLOW}, so that a client sending random
 * names cannot grow /metrics without bound.
 *
 * <p>Thread-safe; {@link #record} is lock-free once a series exists (two map lookups, two adders).
 */
public final class SpanMetrics implements MultiCollector {
  /** Label value that collects the services or operations beyond the caps. */
  public static final String OVERFLOW = "__overflow__";
  /** The spanmetrics connector's default histogram buckets, in milliseconds. */
  static final double[] BOUNDS_MS = {2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000};
  static final String[] KINDS = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
      "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
  static final String[] STATUSES = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};
  static final int STATUS_ERROR = 2;
  static final String CALLS = "traces_span_metrics_calls";
  static final String DURATION = "traces_span_metrics_duration_milliseconds";
  /** The label naming a non-default tenant's series; the default tenant's series have no such label. */
  public static final String TENANT_LABEL = "tenant";

  private static volatile SpanMetrics shared;

  private final int maxServices;
  private final int maxOperations;
  private final ConcurrentHashMap<String, Service> services = new ConcurrentHashMap<>();
  private final AtomicInteger serviceCount = new AtomicInteger();

  /**
   * @param maxServices services tracked before {@value #OVERFLOW}, > 0
   * @param maxOperations operations per service tracked before {@value #OVERFLOW}, > 0
   */
  public SpanMetrics(int maxServices, int maxOperations) {
    if (maxServices <= 0 || maxOperations <= 0) {
      throw new IllegalArgumentException("maxServices " + maxServices + ", maxOperations " + maxOperations
          + " (expected: > 0)");
    }
    this.maxServices = maxServices;
    this.maxOperations = maxOperations;
  }

  /** The instance of this process' collector, for the in-process metrics reader; null when none computes. */
  public static SpanMetrics shared() {
    return shared;
  }

  public static void share(SpanMetrics metrics) {
    shared = metrics;
  }

  /** Counts one span of the default tenant (its duration in the histogram). */
  public void record(Span span) {
    record("", span);
  }

  /**
   * Counts one span of {@code tenant} ("" = the default tenant). A non-default tenant's series carry a
   * {@value #TENANT_LABEL} label, so that the readers can keep tenants apart; the service cap is shared by all tenants.
   */
  public void record(String tenant, Span span) {
    Service svc = service(tenant, span.process().serviceName());
    Series s = svc.series(span.operationName(), kind(span), status(span));
    s.record(span.durationMicros());
  }

  private Service service(String tenant, String name) {
    String key = tenant.isEmpty() ? name : tenant + '\u0000' + name;
    Service s = services.get(key);
    if (s != null) {
      return s;
    }
    if (serviceCount.get() >= maxServices) {
      String overflow = tenant.isEmpty() ? OVERFLOW : tenant + '\u0000' + OVERFLOW;
      return services.computeIfAbsent(overflow, k -> new Service(tenant, OVERFLOW, maxOperations));
    }
    return services.computeIfAbsent(key, k -> {
      serviceCount.incrementAndGet();
      return new Service(tenant, name, maxOperations);
    });
  }

  /** OTel's span kind from the {@code span.kind} tag (absent: unspecified). */
  static int kind(Span span) {
    switch (span.spanKind()) {
      case "internal":
        return 1;
      case "server":
        return 2;
      case "client":
        return 3;
      case "producer":
        return 4;
      case "consumer":
        return 5;
      default:
        return 0;
    }
  }

  /** ERROR when {@code error=true} or {@code otel.status_code=ERROR}; OK for {@code otel.status_code=OK}. */
  static int status(Span span) {
    int status = 0;
    List<KeyValue> tags = span.tags();
    for (int i = 0, n = tags.size(); i < n; i++) {
      KeyValue kv = tags.get(i);
      String k = kv.key();
      if (k.equals("error")) {
        boolean err = kv.type() == ValueType.BOOL ? kv.boolValue() : kv.asString().equalsIgnoreCase("true");
        if (err) {
          return STATUS_ERROR;
        }
      } else if (k.equals("otel.status_code")) {
        String v = kv.asString();
        if (v.equals("ERROR")) {
          return STATUS_ERROR;
        }
        if (v.equals("OK")) {
          status = 1;
        }
      }
    }
    return status;
  }

  /** Visits every series (for the in-process reader's snapshots). */
  void forEach(Consumer<Series> visitor) {
    for (Service svc : services.values()) {
      for (AtomicReferenceArray<Series> arr : svc.operations.values()) {
        for (int i = 0; i < arr.length(); i++) {
          Series s = arr.get(i);
          if (s != null) {
            visitor.accept(s);
          }
        }
      }
    }
  }

  @Override
  public MetricSnapshots collect() {
    List<CounterSnapshot.CounterDataPointSnapshot> calls = new ArrayList<>();
    List<HistogramSnapshot.HistogramDataPointSnapshot> durations = new ArrayList<>();
    double[] bounds = new double[BOUNDS_MS.length + 1];
    System.arraycopy(BOUNDS_MS, 0, bounds, 0, BOUNDS_MS.length);
    bounds[BOUNDS_MS.length] = Double.POSITIVE_INFINITY;
    forEach(s -> {
      Labels labels = Labels.of("service_name", s.service, "span_name", s.operation, "span_kind", KINDS[s.kind],
          "status_code", STATUSES[s.status]);
      if (!s.tenant.isEmpty()) {
        labels = labels.add(TENANT_LABEL, s.tenant);
      }
      long[] counts = new long[bounds.length];
      long total = 0;
      for (int i = 0; i < counts.length; i++) {
        counts[i] = s.buckets[i].sum();
        total += counts[i];
      }
      calls.add(new CounterSnapshot.CounterDataPointSnapshot(total, labels, null, 0));
      durations.add(new HistogramSnapshot.HistogramDataPointSnapshot(ClassicHistogramBuckets.of(bounds, counts),
          s.sumMs.sum(), labels, Exemplars.EMPTY, 0));
    });
    return new MetricSnapshots(
        new CounterSnapshot(new MetricMetadata(CALLS, "Number of calls per service, operation, span kind and status"),
            calls),
        new HistogramSnapshot(new MetricMetadata(DURATION, "Span durations in milliseconds per service, operation, "
            + "span kind and status"), durations));
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(CALLS, DURATION);
  }

  /** The series of one service. */
  private static final class Service {
    final String tenant;
    final String name;
    final int maxOperations;
    final ConcurrentHashMap<String, AtomicReferenceArray<Series>> operations = new ConcurrentHashMap<>();
    final AtomicInteger operationCount = new AtomicInteger();

    Service(String tenant, String name, int maxOperations) {
      this.tenant = tenant;
      this.name = name;
      this.maxOperations = maxOperations;
    }

    Series series(String operation, int kind, int status) {
      AtomicReferenceArray<Series> arr = operations.get(operation);
      String op = operation;
      if (arr == null) {
        if (operationCount.get() >= maxOperations) {
          op = OVERFLOW;
          arr = operations.computeIfAbsent(OVERFLOW, o -> new AtomicReferenceArray<>(KINDS.length * 3));
        } else {
          arr = operations.computeIfAbsent(operation, o -> {
            operationCount.incrementAndGet();
            return new AtomicReferenceArray<>(KINDS.length * 3);
          });
        }
      }
      int slot = kind * 3 + status;
      Series s = arr.get(slot);
      if (s == null) {
        Series created = new Series(tenant, name, op, kind, status);
        s = arr.compareAndExchange(slot, null, created);
        if (s == null) {
          s = created;
        }
      }
      return s;
    }
  }

  /** Cumulative counts of one label combination. */
  static final class Series {
    final String tenant;
    final String service;
    final String operation;
    final int kind;
    final int status;
    /** Per-bucket (not cumulative) counts; the last is +Inf. */
    final LongAdder[] buckets = new LongAdder[BOUNDS_MS.length + 1];
    final DoubleAdder sumMs = new DoubleAdder();

    Series(String tenant, String service, String operation, int kind, int status) {
      this.tenant = tenant;
      this.service = service;
      this.operation = operation;
      this.kind = kind;
      this.status = status;
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void record(long durationMicros) {
      double ms = durationMicros / 1000.0;
      int i = 0;
      while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]) {
        i++;
      }
      buckets[i].increment();
      sumMs.add(ms);
    }

    /** Cumulative: index 0 = calls, then the cumulative bucket counts (le = bound), the last being +Inf. */
    long[] snapshot() {
      long[] out = new long[buckets.length + 1];
      long cum = 0;
      for (int i = 0; i < buckets.length; i++) {
        cum += buckets[i].sum();
        out[i + 1] = cum;
      }
      out[0] = cum;
      return out;
    }
  }
}
