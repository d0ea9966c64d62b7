// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code METRICS_STORAGE_TYPE}: unset (the metrics API answers 501), {@code prometheus} (Jaeger's), or
 * {@code in-process} (ours: this process' span metrics, all-in-one only).
 */
public final class MetricsStorage {
  public static final String ENV = "METRICS_STORAGE_TYPE";
  public static final String PROMETHEUS = "prometheus";
  public static final String IN_PROCESS = "in-process";
  /** Snapshot interval and retention of {@code in-process}. */
  static final long IN_PROCESS_RESOLUTION_MILLIS = 5_000;
  static final long IN_PROCESS_RETENTION_MILLIS = 2 * 3_600_000 + 600_000;

  private MetricsStorage() {}

  /**
   * The selected type, "" when unset.
   *
   * @throws IllegalArgumentException for an unknown type
   */
  public static String type(Map<String, String> env) {
    String type = env.getOrDefault(ENV, "").trim();
    if (type.isEmpty() || type.equals(PROMETHEUS) || type.equals(IN_PROCESS)) {
      return type;
    }
    throw new IllegalArgumentException("unknown metrics type \"" + type + "\". Valid types are [" + PROMETHEUS + " "
        + IN_PROCESS + "]");
  }

  /** The flags the type registers ({@code prometheus.*} for Prometheus, none otherwise). */
  public static List<Flag> flags(String type) {
    return type.equals(PROMETHEUS) ? PrometheusOptions.flags() : List.of();
  }

  /**
   * Opens the reader of the type, wrapped with Jaeger's storage metrics ({@code role="metricstore"}); null for "".
   *
   * @throws IllegalArgumentException for a bad flag value, or {@code in-process} without a collector in the process
   */
  public static MetricsReader open(String type, Settings settings, MeterRegistry meters, Clock clock,
      String binaryName) {
    switch (type) {
      case "":
        return null;
      case PROMETHEUS:
        return new Metered(new PrometheusReader(PrometheusOptions.from(settings)), PROMETHEUS, meters);
      case IN_PROCESS:
        SpanMetrics metrics = SpanMetrics.shared();
        if (metrics == null || !binaryName.equals("jaeger-all-in-one")) {
          throw new IllegalArgumentException(ENV + "=" + IN_PROCESS + " answers from the span metrics of this "
              + "process' collector: use it with jaeger-all-in-one");
        }
        return new Metered(new InProcessReader(metrics, clock, IN_PROCESS_RESOLUTION_MILLIS,
            IN_PROCESS_RETENTION_MILLIS, true), IN_PROCESS, meters);
      default:
        throw new IllegalArgumentException("unknown metrics type \"" + type + "\"");
    }
  }

  /** {@code jaeger_storage_requests_total} and {@code jaeger_storage_latency} per operation and result. */
  static final class Metered implements MetricsReader {
    private final MetricsReader delegate;
    private final Op latencies;
    private final Op calls;
    private final Op errors;
    private final Op minStep;

    Metered(MetricsReader delegate, String kind, MeterRegistry meters) {
      this.delegate = delegate;
      latencies = new Op(meters, kind, "get_latencies");
      calls = new Op(meters, kind, "get_call_rates");
      errors = new Op(meters, kind, "get_error_rates");
      minStep = new Op(meters, kind, "get_min_step_duration");
    }

    MetricsReader delegate() {
      return delegate;
    }

    @Override
    public MetricFamily latencies(MetricsQuery q) throws IOException {
      return latencies.call(() -> delegate.latencies(q));
    }

    @Override
    public MetricFamily callRates(MetricsQuery q) throws IOException {
      return calls.call(() -> delegate.callRates(q));
    }

    @Override
    public MetricFamily errorRates(MetricsQuery q) throws IOException {
      return errors.call(() -> delegate.errorRates(q));
    }

    @Override
    public long minStepMillis() {
      long t0 = System.nanoTime();
      long v = delegate.minStepMillis();
      minStep.ok.increment();
      minStep.okLatency.record(Duration.ofNanos(System.nanoTime() - t0));
      return v;
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private interface IoCall {
    MetricFamily get() throws IOException;
  }

  private static final class Op {
    final Counter ok;
    final Counter err;
    final Timer okLatency;
    final Timer errLatency;

    Op(MeterRegistry m, String kind, String operation) {
      ok = Counter.builder("jaeger_storage_requests").tags("kind", kind, "role", "metricstore", "operation",
          operation, "result", "ok").register(m);
      err = Counter.builder("jaeger_storage_requests").tags("kind", kind, "role", "metricstore", "operation",
          operation, "result", "err").register(m);
      okLatency = Timer.builder("jaeger_storage_latency").tags("kind", kind, "role", "metricstore", "operation",
          operation, "result", "ok").register(m);
      errLatency = Timer.builder("jaeger_storage_latency").tags("kind", kind, "role", "metricstore", "operation",
          operation, "result", "err").register(m);
    }

    MetricFamily call(IoCall c) throws IOException {
      long t0 = System.nanoTime();
      try {
        MetricFamily f = c.get();
        ok.increment();
        okLatency.record(Duration.ofNanos(System.nanoTime() - t0));
        return f;
      } catch (IOException | RuntimeException e) {
        err.increment();
        errLatency.record(Duration.ofNanos(System.nanoTime() - t0));
        throw e;
      }
    }
  }
}
