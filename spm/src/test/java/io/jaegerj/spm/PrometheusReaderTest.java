// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jaegerj.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's HTTP side against a stand-in Prometheus API that records the requests (the answers to real PromQL
 * are checked against a real Prometheus in e2e-tests' SpmEndToEndTest).
 */
class PrometheusReaderTest {
  record Seen(String uri, String authorization, Map<String, String> form) {}

  HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile Function<String, String> answer = q -> matrix("");

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      Map<String, String> form = new HashMap<>();
      for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          form.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      seen.add(new Seen(ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"), form));
      byte[] body = answer.apply(form.get("query")).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(body.length > 0 && new String(body).contains("\"error\"") ? 400 : 200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static String matrix(String series) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + series + "]}}";
  }

  PrometheusReader reader(Map<String, String> flags) {
    Map<String, String> m = new HashMap<>(flags);
    m.put("prometheus.server-url", "http://127.0.0.1:" + server.getAddress().getPort());
    return new PrometheusReader(PrometheusOptions.from(Settings.defaults(PrometheusOptions.flags(), m)));
  }

  static MetricsQuery query(String token) {
    return new MetricsQuery(List.of("a"), true, 1_700_000_000_500L, 60_000, 5_000, 600_000, List.of(), 0.95, token);
  }

  @Test
  void calls_postsRangeQueryAndTranslatesSeries() throws IOException {
    answer = q -> matrix("{\"metric\":{\"service_name\":\"a\",\"span_name\":\"GET /\"},"
        + "\"values\":[[1699999995.5,\"0.25\"],[1700000000.5,\"NaN\"]]}");
    MetricFamily f = reader(Map.of("prometheus.query.extra-query-params", "dedup=false,partial=true"))
        .callRates(query(""));
    Seen s = seen.get(0);
    assertThat(s.uri()).isEqualTo("/api/v1/query_range?dedup=false&partial=true");
    assertThat(s.form()).containsEntry("start", "1699999940.5").containsEntry("end", "1700000000.5")
        .containsEntry("step", "5").containsEntry("query", "sum(rate(traces_span_metrics_calls{service_name =~ "
            + "\"a\", span_kind =~ \"SPAN_KIND_SERVER\"}[10m])) by (service_name,span_name)");
    assertThat(s.authorization()).isNull();
    assertThat(f.name()).isEqualTo("service_operation_call_rate");
    assertThat(f.help()).isEqualTo("calls/sec, grouped by service & operation");
    assertThat(f.metrics()).hasSize(1);
    assertThat(f.metrics().get(0).labels()).containsExactly(new MetricFamily.Label("operation", "GET /"),
        new MetricFamily.Label("service_name", "a"));
    assertThat(f.metrics().get(0).points().get(0)).isEqualTo(new MetricFamily.Point(1_699_999_995_500L, 0.25));
    assertThat(f.metrics().get(0).points().get(1).value()).isNaN();
  }

  @Test
  void errors_fallBackToZeroedCallsWhenNoErrorSeries() throws IOException {
    answer = q -> q.contains("STATUS_CODE_ERROR") ? matrix("")
        : matrix("{\"metric\":{\"service_name\":\"a\"},\"values\":[[1700000000,\"3\"]]}");
    MetricFamily f = reader(Map.of()).errorRates(query(""));
    assertThat(seen).hasSize(2);
    assertThat(f.name()).isEqualTo("service_operation_error_rate");
    assertThat(f.metrics().get(0).points()).containsExactly(new MetricFamily.Point(1_700_000_000_000L, 0.0));
    answer = q -> matrix("");
    assertThat(reader(Map.of()).errorRates(query("")).metrics()).isEmpty();
  }

  @Test
  void backendError_isIoExceptionNamingIt() {
    answer = q -> "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}";
    assertThatThrownBy(() -> reader(Map.of()).latencies(query(""))).isInstanceOf(IOException.class)
        .hasMessage("failed executing metrics query: bad_data: parse error");
    answer = q -> "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";
    assertThatThrownBy(() -> reader(Map.of()).latencies(query(""))).hasMessageContaining("vector");
  }

  @Test
  void unreachableServer_failsTheQueryNotTheReader() throws IOException {
    server.stop(0);
    assertThatThrownBy(() -> reader(Map.of()).callRates(query(""))).isInstanceOf(IOException.class)
        .hasMessageStartingWith("failed executing metrics query: http://127.0.0.1:");
  }

  @Test
  void bearerToken_fileThenCallerOverride(@TempDir Path dir) throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "from-file\r\n");
    PrometheusReader r = reader(Map.of("prometheus.token-file", token.toString()));
    r.callRates(query(""));
    r.callRates(query("from-caller"));
    assertThat(seen).extracting(Seen::authorization).containsExactly("Bearer from-file", "Bearer from-caller");
    PrometheusReader noOverride = reader(Map.of("prometheus.token-file", token.toString(),
        "prometheus.token-override-from-context", "false"));
    noOverride.callRates(query("from-caller"));
    assertThat(seen.get(2).authorization()).isEqualTo("Bearer from-file");
    Files.delete(token);
    assertThat(r.token("")).isEqualTo("from-file"); // not re-read within 10 s; afterwards the last good one is kept
    assertThatThrownBy(() -> reader(Map.of("prometheus.token-file", token.toString())))
        .hasMessageStartingWith("--prometheus.token-file: failed to get token from file");
  }
}
