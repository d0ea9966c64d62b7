// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.proto.api_v2.metrics.GetCallRatesRequest;
import io.jaegerj.proto.api_v2.metrics.GetMetricsResponse;
import io.jaegerj.proto.api_v2.metrics.MetricsQueryBaseRequest;
import io.jaegerj.proto.api_v2.metrics.MetricsQueryServiceGrpc;
import io.jaegerj.server.JaegerMain;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * SPM end to end with a real Prometheus: the OpenTelemetry SDK sends spans to the all-in-one's OTLP receiver, the
 * all-in-one computes span metrics ({@code --collector.span-metrics.enabled}), Prometheus scrapes its admin
 * /metrics every second, and {@code METRICS_STORAGE_TYPE=prometheus} answers /api/metrics, gRPC
 * MetricsQueryService and the UI's Monitor tab from Prometheus. The rates are compared with the traffic sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpmEndToEndTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final int FRONTEND_CALLS = 200;
  static final int FRONTEND_ERRORS = 20;
  static final int BACKEND_CALLS = 100;

  PrometheusServer prometheus;
  JaegerMain.Running running;
  final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    PrometheusServer.requireOrSkip();
    int admin = AllInOne.freePort();
    prometheus = PrometheusServer.start(AllInOne.freePort(), admin);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPAN_STORAGE_TYPE", "memory");
    env.put("METRICS_STORAGE_TYPE", "prometheus");
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        int port = f.name().equals("admin.http.host-port") ? admin : AllInOne.freePort();
        ports.put(f.name(), port);
        args.add("--" + f.name() + "=127.0.0.1:" + port);
      }
    }
    args.addAll(List.of("--collector.span-metrics.enabled=true", "--prometheus.server-url=" + prometheus.url,
        "--prometheus.query.normalize-calls=true", "--prometheus.query.normalize-duration=true"));
    running = JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env);
    prometheus.awaitValue("up{job=\"jaegerj\"}", 1, Duration.ofSeconds(30));
    sendTraffic();
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  /**
   * A first span per series, scraped before the burst (rate() needs a sample before the increase), then the burst;
   * returns once Prometheus has ten samples of the final counts in the rate window.
   */
  private void sendTraffic() throws Exception {
    String endpoint = "http://127.0.0.1:" + ports.get("collector.otlp.http.host-port") + "/v1/traces";
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
    SdkTracerProvider frontend = provider("spm-frontend", exporter);
    SdkTracerProvider backend = provider("spm-backend", exporter);
    try {
      Tracer f = frontend.get("spm-test");
      Tracer b = backend.get("spm-test");
      span(f, "GET /checkout", SpanKind.SERVER, false);
      span(f, "GET /checkout", SpanKind.SERVER, true);
      span(b, "GET /items", SpanKind.SERVER, false);
      span(b, "SELECT items", SpanKind.CLIENT, false);
      flush(frontend, backend);
      prometheus.awaitValue("sum(traces_span_metrics_calls_total{service_name=~\"spm-.*\"})", 4,
          Duration.ofSeconds(30));
      for (int i = 0; i < FRONTEND_CALLS; i++) {
        span(f, "GET /checkout", SpanKind.SERVER, i < FRONTEND_ERRORS);
      }
      for (int i = 0; i < BACKEND_CALLS; i++) {
        span(b, "GET /items", SpanKind.SERVER, false);
        span(b, "SELECT items", SpanKind.CLIENT, false);
      }
      flush(frontend, backend);
    } finally {
      frontend.shutdown().join(10, TimeUnit.SECONDS);
      backend.shutdown().join(10, TimeUnit.SECONDS);
    }
    prometheus.awaitValue("sum(traces_span_metrics_calls_total{service_name=\"spm-frontend\"})",
        2 + FRONTEND_CALLS, Duration.ofSeconds(30));
    prometheus.awaitValue("sum(traces_span_metrics_calls_total{service_name=\"spm-backend\"})",
        2 + 2 * BACKEND_CALLS, Duration.ofSeconds(30));
    // ten samples per series since the warm-up: the extrapolation of rate() stays within a few percent
    prometheus.awaitValue("count(count_over_time(traces_span_metrics_calls_total{service_name=~\"spm-.*\"}[1m])"
        + " >= 10)", 4, Duration.ofSeconds(30));
  }

  private static SdkTracerProvider provider(String service, OtlpHttpSpanExporter exporter) {
    return SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
  }

  /** One 30 ms span ending now. */
  private static void span(Tracer t, String name, SpanKind kind, boolean error) {
    long end = System.currentTimeMillis() * 1_000_000L;
    Span s = t.spanBuilder(name).setSpanKind(kind).setStartTimestamp(end - 30_000_000L, TimeUnit.NANOSECONDS)
        .startSpan();
    if (error) {
      s.setStatus(StatusCode.ERROR, "failed");
    }
    s.end(end, TimeUnit.NANOSECONDS);
  }

  private static void flush(SdkTracerProvider... providers) {
    for (SdkTracerProvider p : providers) {
      assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("query.http-server.host-port")
        + pathAndQuery)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode metrics(String kind, String query) throws Exception {
    HttpResponse<String> r = get("/api/metrics/" + kind + "?" + query + "&endTs=" + System.currentTimeMillis()
        + "&lookback=10000&step=1000&ratePer=60000");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The last point of each series, by service_name (and operation when grouped). */
  static Map<String, Double> last(JsonNode family) {
    Map<String, Double> out = new HashMap<>();
    for (JsonNode m : family.path("metrics")) {
      String key = "";
      for (JsonNode l : m.path("labels")) {
        key += (key.isEmpty() ? "" : "/") + l.path("value").asText();
      }
      JsonNode points = m.path("metricPoints");
      JsonNode v = points.get(points.size() - 1).path("gaugeValue").path("doubleValue");
      out.put(key, v.isTextual() ? Double.NaN : v.asDouble());
    }
    return out;
  }

  /**
   * rate() over 60 s sees the burst's increase extrapolated to the window's ends: at most by half a scrape interval
   * towards the start (less: the counter cannot go below zero) and by up to one interval towards the end, over at
   * least ten samples, so within [1, 1.25] of increase / 60 s.
   */
  static void assertRate(double actual, int increase) {
    assertThat(actual).isBetween(increase / 60.0 * 0.98, increase / 60.0 * 1.25);
  }

  @Test
  void calls_matchTheTraffic() throws Exception {
    JsonNode f = metrics("calls", "service=spm-frontend&service=spm-backend");
    assertThat(f.path("name").asText()).isEqualTo("service_call_rate");
    assertThat(f.path("type").asText()).isEqualTo("GAUGE");
    assertThat(f.path("help").asText()).isEqualTo("calls/sec, grouped by service");
    Map<String, Double> rates = last(f);
    assertThat(rates.keySet()).containsExactlyInAnyOrder("spm-frontend", "spm-backend");
    assertRate(rates.get("spm-frontend"), FRONTEND_CALLS);
    assertRate(rates.get("spm-backend"), BACKEND_CALLS); // server spans only: the client spans are not counted
    Map<String, Double> client = last(metrics("calls", "service=spm-backend&spanKind=client"));
    assertRate(client.get("spm-backend"), BACKEND_CALLS);
    JsonNode point = f.path("metrics").get(0).path("metricPoints").get(0);
    assertThat(point.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
  }

  @Test
  void calls_byOperation() throws Exception {
    JsonNode f = metrics("calls", "service=spm-backend&groupByOperation=true&spanKind=server&spanKind=client");
    assertThat(f.path("name").asText()).isEqualTo("service_operation_call_rate");
    assertThat(f.path("help").asText()).isEqualTo("calls/sec, grouped by service & operation");
    Map<String, Double> rates = last(f);
    assertThat(rates.keySet()).containsExactlyInAnyOrder("GET /items/spm-backend", "SELECT items/spm-backend");
  }

  @Test
  void errors_fractionOfCalls_andZeroWithoutErrors() throws Exception {
    JsonNode f = metrics("errors", "service=spm-frontend");
    assertThat(f.path("name").asText()).isEqualTo("service_error_rate");
    assertThat(last(f).get("spm-frontend")).isCloseTo((double) FRONTEND_ERRORS / FRONTEND_CALLS, within(0.02));
    // spm-backend never failed: Jaeger's fallback answers the call series with every value 0
    JsonNode b = metrics("errors", "service=spm-backend");
    assertThat(b.path("metrics")).hasSize(1);
    for (JsonNode p : b.path("metrics").get(0).path("metricPoints")) {
      assertThat(p.path("gaugeValue").path("doubleValue").asDouble()).isZero();
    }
    assertThat(metrics("errors", "service=nobody").has("metrics")).isFalse();
  }

  @Test
  void latencies_quantileInTheSpansBucket() throws Exception {
    JsonNode f = metrics("latencies", "service=spm-frontend&quantile=0.95");
    assertThat(f.path("name").asText()).isEqualTo("service_latencies");
    assertThat(f.path("help").asText()).isEqualTo("0.95th quantile latency, grouped by service");
    // every span took 30 ms: the (10, 50] ms bucket, interpolated by histogram_quantile
    assertThat(last(f).get("spm-frontend")).isGreaterThan(10).isLessThanOrEqualTo(50);
  }

  @Test
  void minstep_oneMillisecond() throws Exception {
    HttpResponse<String> r = get("/api/metrics/minstep");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"data\":1,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
  }

  /** The bad-input rows of the spec (storage-other.md §6.4), answered as Jaeger does; the server keeps serving. */
  @Test
  void badInput_400WithJaegersMessages() throws Exception {
    String[][] rows = {
        {"/api/metrics/calls", "unable to parse param 'service': please provide at least one service name"},
        {"/api/metrics/latencies?service=a", "unable to parse param 'quantile': strconv.ParseFloat: parsing \"\": "
            + "invalid syntax"},
        {"/api/metrics/latencies?service=a&quantile=x", "unable to parse param 'quantile': strconv.ParseFloat: "
            + "parsing \"x\": invalid syntax"},
        {"/api/metrics/calls?service=a&spanKind=bogus", "unable to parse param 'spanKind': unsupported span kind: "
            + "'bogus'"},
        {"/api/metrics/calls?service=a&groupByOperation=maybe", "unable to parse param 'groupByOperation': "
            + "strconv.ParseBool: parsing \"maybe\": invalid syntax"},
        {"/api/metrics/calls?service=a&endTs=soon", "unable to parse param 'endTs': strconv.ParseInt: parsing "
            + "\"soon\": invalid syntax"},
        {"/api/metrics/calls?service=a&step=0", "unable to parse param 'step': 0 (expected: > 0)"},
    };
    for (String[] row : rows) {
      HttpResponse<String> r = get(row[0]);
      assertThat(r.statusCode()).as(row[0]).isEqualTo(400);
      JsonNode err = JSON.readTree(r.body()).path("errors").get(0);
      assertThat(err.path("code").asInt()).isEqualTo(400);
      assertThat(err.path("msg").asText()).as(row[0]).isEqualTo(row[1]);
    }
    assertThat(get("/api/metrics/calls?service=spm-frontend").statusCode()).isEqualTo(200);
  }

  @Test
  void grpcMetricsQueryService_sameAnswers() throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", ports.get("query.grpc-server.host-port"))
        .usePlaintext().build();
    try {
      GetMetricsResponse r = MetricsQueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
          .getCallRates(GetCallRatesRequest.newBuilder().setBaseRequest(MetricsQueryBaseRequest.newBuilder()
              .addServiceNames("spm-frontend")
              .setLookback(com.google.protobuf.Duration.newBuilder().setSeconds(10))
              .setStep(com.google.protobuf.Duration.newBuilder().setSeconds(1))
              .setRatePer(com.google.protobuf.Duration.newBuilder().setSeconds(60))).build());
      assertThat(r.getMetrics().getName()).isEqualTo("service_call_rate");
      assertThat(r.getMetrics().getMetricsCount()).isEqualTo(1);
      var points = r.getMetrics().getMetrics(0).getMetricPointsList();
      assertRate(points.get(points.size() - 1).getGaugeValue().getDoubleValue(), FRONTEND_CALLS);
      assertThat(r.getMetrics().getMetrics(0).getLabels(0).getValue()).isEqualTo("spm-frontend");
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void monitorTab_drawsChartsAndLinksToSearch() throws Exception {
    try (Browser browser = Browser.open()) {
      String base = "http://127.0.0.1:" + ports.get("query.http-server.host-port") + "/";
      browser.get(base + "monitor?service=spm-frontend&timeframe=5m");
      browser.await(By.id("monitor-ops"));
      List<WebElement> lines = browser.driver.findElements(By.cssSelector("#monitor-body svg.chart polyline"));
      List<String> drawn = new ArrayList<>();
      for (WebElement l : lines) {
        String pts = l.getAttribute("points");
        if (pts != null && !pts.isBlank()) {
          drawn.add(pts);
        }
      }
      browser.screenshot("monitor-prometheus");
      // p95, p75, p50 latency, error rate and request rate
      assertThat(drawn).as("charts with points").hasSize(5);
      // 5 s steps over 5 minutes: the traffic of the last seconds gives several points per line
      assertThat(drawn).allSatisfy(pts -> assertThat(pts.trim().split(" ").length).isGreaterThan(1));
      assertThat(browser.driver.findElement(By.id("monitor-ops")).getText()).contains("GET /checkout");
      WebElement link = browser.driver.findElement(By.cssSelector("#monitor-body .chart-card a.chart-traces"));
      assertThat(link.getAttribute("href")).contains("search?service=spm-frontend");
      link.click();
      browser.await(By.id("search-start"));
      assertThat(browser.takeConsoleErrors()).isEmpty();
    }
  }
}
