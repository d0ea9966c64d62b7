// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One request of the metrics API ({@code /api/metrics/*}, {@code MetricsQueryService}), validated by the handler.
 *
 * @param services at least one service name
 * @param groupByOperation also group by operation ({@code span_name})
 * @param endTsMillis end of the range, Unix milliseconds
 * @param lookbackMillis the range is [endTs − lookback, endTs]
 * @param stepMillis distance between points, > 0
 * @param ratePerMillis window of the per-second rate, > 0
 * @param spanKinds OTel kinds as {@code SPAN_KIND_SERVER} etc., at least one
 * @param quantile in [0, 1]; used by latencies only
 * @param bearerToken the caller's bearer token, "" when none (Prometheus' token-override-from-context)
 * @param tenant the caller's tenant, "" for the default tenant (tenancy off): only that tenant's series are read
 */
public record MetricsQuery(List<String> services, boolean groupByOperation, long endTsMillis, long lookbackMillis,
    long stepMillis, long ratePerMillis, List<String> spanKinds, double quantile, String bearerToken, String tenant) {

  public static final long DEFAULT_LOOKBACK_MILLIS = 3_600_000;
  public static final long DEFAULT_STEP_MILLIS = 5_000;
  public static final long DEFAULT_RATE_PER_MILLIS = 600_000;
  public static final List<String> DEFAULT_SPAN_KINDS = List.of("SPAN_KIND_SERVER");

  public MetricsQuery {
    services = List.copyOf(services);
    spanKinds = spanKinds.isEmpty() ? DEFAULT_SPAN_KINDS : List.copyOf(spanKinds);
    bearerToken = Objects.requireNonNullElse(bearerToken, "");
    tenant = Objects.requireNonNull(tenant, "tenant");
    if (services.isEmpty()) {
      throw new IllegalArgumentException("services: [] (expected: at least one)");
    }
    if (stepMillis <= 0 || ratePerMillis <= 0 || lookbackMillis < 0) {
      throw new IllegalArgumentException("step " + stepMillis + ", ratePer " + ratePerMillis + ", lookback "
          + lookbackMillis + " (expected: step > 0, ratePer > 0, lookback >= 0)");
    }
  }

  /** A query of the default tenant. */
  public MetricsQuery(List<String> services, boolean groupByOperation, long endTsMillis, long lookbackMillis,
      long stepMillis, long ratePerMillis, List<String> spanKinds, double quantile, String bearerToken) {
    this(services, groupByOperation, endTsMillis, lookbackMillis, stepMillis, ratePerMillis, spanKinds, quantile,
        bearerToken, "");
  }

  /** The same query with another token. */
  public MetricsQuery withBearerToken(String token) {
    return new MetricsQuery(services, groupByOperation, endTsMillis, lookbackMillis, stepMillis, ratePerMillis,
        spanKinds, quantile, token, tenant);
  }

  /** The same query for another tenant. */
  public MetricsQuery withTenant(String t) {
    return new MetricsQuery(services, groupByOperation, endTsMillis, lookbackMillis, stepMillis, ratePerMillis,
        spanKinds, quantile, bearerToken, t);
  }

  /** The API's lower-case kind names ({@code server}) as OTel enum names ({@code SPAN_KIND_SERVER}). */
  public static String kindName(String apiKind) {
    switch (apiKind) {
      case "unspecified": case "internal": case "server": case "client": case "producer": case "consumer":
        return "SPAN_KIND_" + apiKind.toUpperCase(Locale.ROOT);
      default:
        throw new IllegalArgumentException("unsupported span kind: '" + apiKind + "'");
    }
  }
}
