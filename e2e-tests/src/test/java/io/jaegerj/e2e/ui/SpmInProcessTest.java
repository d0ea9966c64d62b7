// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.query.QueryMain;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.testing.Poll;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code METRICS_STORAGE_TYPE=in-process}: the all-in-one answers /api/metrics from its own span metrics, with no
 * Prometheus. The counts are exact (no scrape, no extrapolation): the rate over a window that holds all the traffic
 * is the number of spans divided by the window.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpmInProcessTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final int CALLS = 120;
  static final int ERRORS = 30;

  JaegerMain.Running running;
  final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPAN_STORAGE_TYPE", "memory");
    env.put("METRICS_STORAGE_TYPE", "in-process");
    running = AllInOne.startInProcess(env, ports);
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + ports.get("collector.otlp.http.host-port") + "/v1/traces").build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "inproc-svc")))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
    try {
      Tracer t = provider.get("spm-test");
      for (int i = 0; i < CALLS; i++) {
        long end = System.currentTimeMillis() * 1_000_000L;
        Span s = t.spanBuilder(i % 2 == 0 ? "op-a" : "op-b").setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(end - 5_000_000L, TimeUnit.NANOSECONDS).startSpan();
        if (i < ERRORS) {
          s.setStatus(StatusCode.ERROR);
        }
        s.end(end, TimeUnit.NANOSECONDS);
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    // the collector's queue is asynchronous: wait until every span was counted
    Poll.read(Duration.ofSeconds(30), () -> lastValue(metrics("calls", "service=inproc-svc"), "inproc-svc"),
        v -> v >= CALLS / 60.0 - 1e-9);
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  JsonNode metrics(String kind, String query) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + ports.get("query.http-server.host-port") + "/api/metrics/" + kind + "?" + query + "&endTs="
        + System.currentTimeMillis() + "&lookback=30000&step=5000&ratePer=60000")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static double lastValue(JsonNode family, String key) {
    for (JsonNode m : family.path("metrics")) {
      String k = "";
      for (JsonNode l : m.path("labels")) {
        k += (k.isEmpty() ? "" : "/") + l.path("value").asText();
      }
      if (k.equals(key)) {
        JsonNode p = m.path("metricPoints");
        return p.get(p.size() - 1).path("gaugeValue").path("doubleValue").asDouble();
      }
    }
    return Double.NaN;
  }

  @Test
  void calls_exactRate() throws Exception {
    JsonNode f = metrics("calls", "service=inproc-svc");
    assertThat(f.path("name").asText()).isEqualTo("service_call_rate");
    assertThat(lastValue(f, "inproc-svc")).isCloseTo(CALLS / 60.0, within(1e-9));
    JsonNode ops = metrics("calls", "service=inproc-svc&groupByOperation=true");
    assertThat(lastValue(ops, "op-a/inproc-svc")).isCloseTo(CALLS / 2 / 60.0, within(1e-9));
    assertThat(metrics("calls", "service=inproc-svc&spanKind=client").has("metrics")).isFalse();
  }

  @Test
  void errors_exactFraction() throws Exception {
    assertThat(lastValue(metrics("errors", "service=inproc-svc"), "inproc-svc"))
        .isCloseTo((double) ERRORS / CALLS, within(1e-9));
  }

  @Test
  void latencies_inTheSpansBucket() throws Exception {
    // 5 ms spans: the (4, 6] ms bucket
    assertThat(lastValue(metrics("latencies", "service=inproc-svc&quantile=0.5"), "inproc-svc")).isBetween(4.0, 6.0);
  }

  @Test
  void minstep_isTheSnapshotInterval() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + ports.get("query.http-server.host-port") + "/api/metrics/minstep")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(r.body()).path("data").asLong()).isEqualTo(5000);
  }

  @Test
  void queryAlone_refusesInProcessWithOneLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = JaegerMain.run(QueryMain.spec(), new String[] {"--query.http-server.host-port=127.0.0.1:0",
            "--query.grpc-server.host-port=127.0.0.1:0", "--admin.http.host-port=127.0.0.1:0"},
        Map.of("SPAN_STORAGE_TYPE", "memory", "METRICS_STORAGE_TYPE", "in-process"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(
        "Error: METRICS_STORAGE_TYPE=in-process answers from the span metrics of this process' collector");
  }
}
