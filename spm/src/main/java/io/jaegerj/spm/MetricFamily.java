// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import java.util.List;

/**
 * A result of the metrics API: Jaeger's {@code jaeger.api_v2.metrics.MetricFamily} restricted to what it returns
 * (gauges of doubles). Immutable.
 *
 * @param name e.g. {@code service_call_rate}
 * @param help e.g. {@code calls/sec, grouped by service}
 * @param metrics one entry per series, in the backend's order
 */
public record MetricFamily(String name, String help, List<Series> metrics) {
  public MetricFamily {
    metrics = List.copyOf(metrics);
  }

  /** A label of a series ({@code service_name}, {@code operation}). */
  public record Label(String name, String value) {}

  /** A point; {@code value} may be NaN (no data in the window). */
  public record Point(long timestampMillis, double value) {}

  /** One series: its labels and its points in time order. */
  public record Series(List<Label> labels, List<Point> points) {
    public Series {
      labels = List.copyOf(labels);
      points = List.copyOf(points);
    }

    /** The value of a label, "" when absent. */
    public String label(String name) {
      for (Label l : labels) {
        if (l.name().equals(name)) {
          return l.value();
        }
      }
      return "";
    }
  }

  /** Jaeger's names and help texts of the three families. */
  enum Kind {
    LATENCIES("latencies"),
    CALLS("call_rate"),
    ERRORS("error_rate");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    String name(boolean byOperation) {
      return (byOperation ? "service_operation_" : "service_") + suffix;
    }

    String help(MetricsQuery q) {
      String group = q.groupByOperation() ? "grouped by service & operation" : "grouped by service";
      switch (this) {
        case LATENCIES:
          return PromQl.quantile(q.quantile()) + "th quantile latency, " + group;
        case CALLS:
          return "calls/sec, " + group;
        default:
          return "error rate, computed as a fraction of errors/sec over calls/sec, " + group;
      }
    }

    MetricFamily family(MetricsQuery q, List<Series> series) {
      return new MetricFamily(name(q.groupByOperation()), help(q), series);
    }
  }
}
