// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.tls.ClientTlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the metrics API with range queries ({@code POST /api/v1/query_range}) against a Prometheus-compatible
 * server, using Jaeger's PromQL over the spanmetrics connector's metrics. Thread-safe.
 */
public final class PrometheusReader implements MetricsReader {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusReader.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Largest Prometheus answer read (a day at 5 s steps for a few hundred operations fits easily). */
  static final int MAX_RESPONSE_BYTES = 64 << 20;
  static final long TOKEN_RELOAD_NANOS = 10_000_000_000L;
  /** Whole-request timeout on top of the connect timeout, so that a stuck server cannot hold a query thread. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final PrometheusOptions options;
  private final PromQl promQl;
  private final HttpClient client;
  private final URI queryRange;
  private final Object tokenLock = new Object();
  private volatile String fileToken;
  private volatile long tokenReadNanos;

  /**
   * @throws IllegalArgumentException when the token file cannot be read or the TLS files are invalid
   */
  public PrometheusReader(PrometheusOptions options) {
    this.options = options;
    this.promQl = new PromQl(options.callsMetric(), options.latencyMetric());
    HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL);
    if (!options.connectTimeout().isZero()) {
      b.connectTimeout(options.connectTimeout());
    }
    if (options.tls().isPresent()) {
      ClientTlsConfig tls = options.tls().get();
      SSLContext ctx = tls.sslContext();
      b.sslContext(ctx).sslParameters(tls.apply(ctx.getDefaultSSLParameters()));
    }
    this.client = b.build();
    StringBuilder u = new StringBuilder(options.serverUrl().toString()).append("/api/v1/query_range");
    char sep = '?';
    for (Map.Entry<String, String> e : options.extraQueryParams().entrySet()) {
      u.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = '&';
    }
    this.queryRange = URI.create(u.toString());
    if (options.tokenFile() != null) {
      try {
        fileToken = readToken(options.tokenFile());
      } catch (IOException e) {
        throw new IllegalArgumentException("--" + PrometheusOptions.TOKEN_FILE + ": failed to get token from file: "
            + e.getMessage(), e);
      }
      tokenReadNanos = System.nanoTime();
    }
    LOG.info("Prometheus reader initialized (addr {})", options.serverUrl());
  }

  @Override
  public MetricFamily latencies(MetricsQuery q) throws IOException {
    return MetricFamily.Kind.LATENCIES.family(q, query(promQl.latencies(q), q));
  }

  @Override
  public MetricFamily callRates(MetricsQuery q) throws IOException {
    return MetricFamily.Kind.CALLS.family(q, query(promQl.calls(q), q));
  }

  /**
   * Jaeger's fallback: with no error series, the calls query tells "no errors" (each call series with its values
   * replaced by 0) from "no data" (empty).
   */
  @Override
  public MetricFamily errorRates(MetricsQuery q) throws IOException {
    List<MetricFamily.Series> errors;
    try {
      errors = query(promQl.errors(q), q);
    } catch (IOException e) {
      throw new IOException("failed getting error metrics: " + e.getMessage(), e);
    }
    if (errors.isEmpty()) {
      List<MetricFamily.Series> calls;
      try {
        calls = query(promQl.calls(q), q);
      } catch (IOException e) {
        throw new IOException("failed getting call metrics: " + e.getMessage(), e);
      }
      errors = zeroed(calls);
    }
    return MetricFamily.Kind.ERRORS.family(q, errors);
  }

  static List<MetricFamily.Series> zeroed(List<MetricFamily.Series> calls) {
    List<MetricFamily.Series> out = new ArrayList<>(calls.size());
    for (MetricFamily.Series s : calls) {
      List<MetricFamily.Point> points = new ArrayList<>(s.points().size());
      for (MetricFamily.Point p : s.points()) {
        points.add(new MetricFamily.Point(p.timestampMillis(), 0.0));
      }
      out.add(new MetricFamily.Series(s.labels(), points));
    }
    return out;
  }

  @Override
  public long minStepMillis() {
    return 1;
  }

  /** The query URL including the extra parameters (for tests). */
  URI queryRangeUri() {
    return queryRange;
  }

  PromQl promQl() {
    return promQl;
  }

  private List<MetricFamily.Series> query(String promQuery, MetricsQuery q) throws IOException {
    long end = q.endTsMillis();
    long start = end - q.lookbackMillis();
    String form = "query=" + encode(promQuery) + "&start=" + seconds(start) + "&end=" + seconds(end) + "&step="
        + seconds(q.stepMillis());
    HttpRequest.Builder req = HttpRequest.newBuilder(queryRange).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    String token = token(q.bearerToken());
    if (!token.isEmpty()) {
      req.header("Authorization", "Bearer " + token);
    }
    int status;
    byte[] body;
    try {
      HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = resp.statusCode();
      try (InputStream in = resp.body()) {
        body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("failed executing metrics query: interrupted", e);
    } catch (IOException e) {
      throw new IOException("failed executing metrics query: " + options.serverUrl() + ": " + describe(e), e);
    }
    LOG.debug("Prometheus query {} answered {}", promQuery, status);
    return parse(status, body);
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  /** Parses a query_range answer; a non-matrix result or an error status is an {@link IOException}. */
  static List<MetricFamily.Series> parse(int status, byte[] body) throws IOException {
    if (body.length > MAX_RESPONSE_BYTES) {
      throw new IOException("failed executing metrics query: response of " + body.length + " bytes is too large");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IOException("failed executing metrics query: server returned HTTP status " + status
          + " with a body that is not JSON", e);
    }
    if (root == null || !"success".equals(root.path("status").asText())) {
      String type = root == null ? "" : root.path("errorType").asText();
      String msg = root == null ? "" : root.path("error").asText();
      throw new IOException("failed executing metrics query: " + (type.isEmpty() ? "HTTP " + status : type) + ": "
          + msg);
    }
    JsonNode data = root.path("data");
    String type = data.path("resultType").asText();
    if (!type.equals("matrix")) {
      throw new IOException("unexpected metrics result type: " + type + " (expected: matrix)");
    }
    List<MetricFamily.Series> out = new ArrayList<>();
    for (JsonNode series : data.path("result")) {
      List<MetricFamily.Label> labels = new ArrayList<>();
      Map<String, String> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = series.path("metric").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey().equals("span_name") ? "operation" : e.getKey(), e.getValue().asText());
      }
      sorted.forEach((k, v) -> labels.add(new MetricFamily.Label(k, v)));
      List<MetricFamily.Point> points = new ArrayList<>();
      for (JsonNode v : series.path("values")) {
        long ts = Math.round(v.get(0).asDouble() * 1000);
        points.add(new MetricFamily.Point(ts, parseValue(v.get(1).asText())));
      }
      out.add(new MetricFamily.Series(labels, points));
    }
    return out;
  }

  private static double parseValue(String v) {
    switch (v) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(v);
    }
  }

  /** The caller's token when allowed and present, else the file's (re-read at most every 10 s), else "". */
  String token(String callerToken) {
    if (options.tokenOverrideFromContext() && !callerToken.isEmpty()) {
      return callerToken;
    }
    if (options.tokenFile() == null) {
      return "";
    }
    if (System.nanoTime() - tokenReadNanos > TOKEN_RELOAD_NANOS) {
      synchronized (tokenLock) {
        if (System.nanoTime() - tokenReadNanos > TOKEN_RELOAD_NANOS) {
          try {
            fileToken = readToken(options.tokenFile());
          } catch (IOException e) {
            LOG.warn("Cannot re-read the Prometheus token file {}, keeping the last token: {}", options.tokenFile(),
                e.toString());
          }
          tokenReadNanos = System.nanoTime();
        }
      }
    }
    return fileToken;
  }

  static String readToken(Path file) throws IOException {
    String t = Files.readString(file, StandardCharsets.UTF_8);
    int end = t.length();
    while (end > 0 && (t.charAt(end - 1) == '\n' || t.charAt(end - 1) == '\r')) {
      end--;
    }
    return t.substring(0, end);
  }

  /** Seconds with millisecond precision, as Prometheus' API takes them. */
  static String seconds(long millis) {
    return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
