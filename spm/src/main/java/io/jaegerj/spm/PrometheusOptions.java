// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.tls.ClientTlsConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated {@code prometheus.*} settings of {@code METRICS_STORAGE_TYPE=prometheus}.
 *
 * @param serverUrl with scheme, no trailing slash
 * @param tokenFile bearer token file, or null
 * @param extraQueryParams appended to every request URL, in flag order
 * @param tls client TLS, empty when disabled
 */
public record PrometheusOptions(
    URI serverUrl,
    Duration connectTimeout,
    Path tokenFile,
    boolean tokenOverrideFromContext,
    String namespace,
    String durationUnit,
    boolean normalizeCalls,
    boolean normalizeDuration,
    Map<String, String> extraQueryParams,
    Optional<ClientTlsConfig> tls) {

  static final String SERVER_URL = "prometheus.server-url";
  static final String CONNECT_TIMEOUT = "prometheus.connect-timeout";
  static final String TOKEN_FILE = "prometheus.token-file";
  static final String TOKEN_OVERRIDE = "prometheus.token-override-from-context";
  static final String NAMESPACE = "prometheus.query.namespace";
  static final String DURATION_UNIT = "prometheus.query.duration-unit";
  static final String NORMALIZE_CALLS = "prometheus.query.normalize-calls";
  static final String NORMALIZE_DURATION = "prometheus.query.normalize-duration";
  static final String EXTRA_QUERY_PARAMS = "prometheus.query.extra-query-params";

  /** Jaeger 1.74's {@code prometheus.*} flags with their defaults and help texts. */
  public static List<Flag> flags() {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.duration(CONNECT_TIMEOUT, "30s",
        "The period to wait for a connection to Prometheus when executing queries."));
    f.add(Flag.string(DURATION_UNIT, "ms", "The units used for the \"latency\" histogram. It can be either \"ms\" or"
        + " \"s\" and should be consistent with the histogram unit value set in the spanmetrics connector (see: "
        + "https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/spanmetricsconnector"
        + "#configurations). This also helps jaeger-query determine the metric name when querying for \"latency\" "
        + "metrics."));
    f.add(Flag.string(EXTRA_QUERY_PARAMS, "", "A comma separated list of param=value pairs of query parameters, "
        + "which are appended on all API requests to the Prometheus API. Example: param1=value2,param2=value2"));
    f.add(Flag.string(NAMESPACE, "traces_span_metrics", "The metric namespace that is prefixed to the metric name. "
        + "A '.' separator will be added between the namespace and the metric name."));
    f.add(Flag.bool(NORMALIZE_CALLS, false, "Whether to normalize the \"calls\" metric name according to "
        + "https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/pkg/translator/prometheus/"
        + "README.md. For example: \"calls\" (not normalized) -> \"calls_total\" (normalized),"));
    f.add(Flag.bool(NORMALIZE_DURATION, false, "Whether to normalize the \"duration\" metric name according to "
        + "https://github.com/open-telemetry/opentelemetry-collector-contrib/blob/main/pkg/translator/prometheus/"
        + "README.md. For example: \"duration_bucket\" (not normalized) -> \"duration_milliseconds_bucket "
        + "(normalized)\""));
    f.add(Flag.string(SERVER_URL, "http://localhost:9090",
        "The Prometheus server's URL, must include the protocol scheme e.g. http://localhost:9090"));
    f.addAll(ClientTlsConfig.flags("prometheus"));
    f.add(Flag.string(TOKEN_FILE, "", "The path to a file containing the bearer token which will be included when "
        + "executing queries against the Prometheus API."));
    f.add(Flag.bool(TOKEN_OVERRIDE, true,
        "Whether the bearer token should be overridden from context (incoming request)"));
    return List.copyOf(f);
  }

  /**
   * Reads and validates the settings.
   *
   * @throws IllegalArgumentException naming the flag and the problem
   */
  public static PrometheusOptions from(Settings s) {
    String raw = s.getString(SERVER_URL).replace(" ", "");
    URI url;
    try {
      url = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--" + SERVER_URL + ": invalid URL \"" + raw + "\": " + e.getReason());
    }
    if (url.getScheme() == null || url.getHost() == null
        || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
      throw new IllegalArgumentException("--" + SERVER_URL + ": \"" + raw
          + "\" (expected: an http or https URL with the scheme, e.g. http://localhost:9090)");
    }
    Duration timeout = s.getDuration(CONNECT_TIMEOUT);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("--" + CONNECT_TIMEOUT + ": " + s.getString(CONNECT_TIMEOUT)
          + " (expected: >= 0)");
    }
    String unit = s.getString(DURATION_UNIT);
    if (!unit.equals("ms") && !unit.equals("s")) {
      throw new IllegalArgumentException("--" + DURATION_UNIT + ": duration-unit must be one of \"ms\" or \"s\", not \""
          + unit + "\"");
    }
    String tokenFile = s.getString(TOKEN_FILE);
    Optional<ClientTlsConfig> tls = ClientTlsConfig.from(s, "prometheus");
    return new PrometheusOptions(url, timeout, tokenFile.isEmpty() ? null : Path.of(tokenFile),
        s.getBool(TOKEN_OVERRIDE), s.getString(NAMESPACE), unit, s.getBool(NORMALIZE_CALLS),
        s.getBool(NORMALIZE_DURATION), extraParams(s.getString(EXTRA_QUERY_PARAMS)), tls);
  }

  static Map<String, String> extraParams(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw.isBlank()) {
      return out;
    }
    for (String pair : raw.split(",", -1)) {
      String[] kv = pair.split("=", -1);
      if (kv.length != 2 || kv[0].trim().isEmpty()) {
        throw new IllegalArgumentException("--" + EXTRA_QUERY_PARAMS + ": failed to parse extra query params: "
            + "\"" + pair + "\" is not a param=value pair");
      }
      out.put(kv[0].trim(), kv[1].trim());
    }
    return out;
  }

  /** {@code [ns_]calls[_total]}. */
  public String callsMetric() {
    String name = namespace.isEmpty() ? "calls" : namespace + "_calls";
    return normalizeCalls ? name + "_total" : name;
  }

  /** {@code [ns_]duration[_milliseconds|_seconds]} (the queries add {@code _bucket}). */
  public String latencyMetric() {
    String name = namespace.isEmpty() ? "duration" : namespace + "_duration";
    if (!normalizeDuration) {
      return name;
    }
    return name + (durationUnit.equals("s") ? "_seconds" : "_milliseconds");
  }
}
