// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Jaeger's PromQL for the three families (spec storage-other.md §6.3), given the metric names that
 * {@link PrometheusOptions} derives from the namespace, unit and normalize flags.
 */
final class PromQl {
  private final String callsMetric;
  private final String latencyMetric;

  PromQl(String callsMetric, String latencyMetric) {
    this.callsMetric = callsMetric;
    this.latencyMetric = latencyMetric;
  }

  String latencies(MetricsQuery q) {
    return "histogram_quantile(" + quantile(q.quantile()) + ", sum(rate(" + latencyMetric + "_bucket{"
        + selector(q, false) + "}[" + rateWindow(q.ratePerMillis()) + "])) by (" + groupBy(q) + ",le))";
  }

  String calls(MetricsQuery q) {
    return "sum(rate(" + callsMetric + "{" + selector(q, false) + "}[" + rateWindow(q.ratePerMillis()) + "])) by ("
        + groupBy(q) + ")";
  }

  String errors(MetricsQuery q) {
    return "sum(rate(" + callsMetric + "{" + selector(q, true) + "}[" + rateWindow(q.ratePerMillis()) + "])) by ("
        + groupBy(q) + ") / " + calls(q);
  }

  private static String selector(MetricsQuery q, boolean errorsOnly) {
    StringBuilder b = new StringBuilder("service_name =~ ").append(goQuote(String.join("|", q.services())));
    if (errorsOnly) {
      b.append(", status_code = \"STATUS_CODE_ERROR\"");
    }
    b.append(", span_kind =~ \"").append(String.join("|", q.spanKinds())).append('"');
    if (!q.tenant().isEmpty()) {
      // beyond Jaeger: with multi-tenancy each tenant reads only the series labelled with its name
      b.append(", ").append(SpanMetrics.TENANT_LABEL).append(" = ").append(goQuote(q.tenant()));
    }
    return b.toString();
  }

  private static String groupBy(MetricsQuery q) {
    return q.groupByOperation() ? "service_name,span_name" : "service_name";
  }

  /** Go's {@code %.2f}: the exact binary value rounded half to even (0.999 gives 1.00). */
  static String quantile(double q) {
    if (Double.isNaN(q) || Double.isInfinite(q)) {
      return Double.isNaN(q) ? "NaN" : (q > 0 ? "+Inf" : "-Inf");
    }
    return new BigDecimal(q).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * The rate window as a PromQL duration: whole units from hours down to milliseconds, e.g. {@code 10m},
   * {@code 1m30s}, {@code 1s500ms}. Jaeger renders a Go duration string and cuts it after its first letter, which
   * loses the seconds of 90 s ({@code 1m}) and turns 500 ms into 500 minutes ({@code 500m}); see the README's table
   * of fixed defects.
   */
  static String rateWindow(long millis) {
    StringBuilder b = new StringBuilder();
    long h = millis / 3_600_000;
    long m = millis / 60_000 % 60;
    long s = millis / 1000 % 60;
    long ms = millis % 1000;
    if (h > 0) {
      b.append(h).append('h');
    }
    if (m > 0) {
      b.append(m).append('m');
    }
    if (s > 0) {
      b.append(s).append('s');
    }
    if (ms > 0 || b.length() == 0) {
      b.append(ms).append("ms");
    }
    return b.toString();
  }

  /** Go's {@code strconv.Quote} for the characters that matter in a PromQL string literal. */
  static String goQuote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
