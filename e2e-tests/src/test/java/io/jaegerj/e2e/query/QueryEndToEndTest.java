// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.GetTraceRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import io.jaegerj.proto.api_v2.SpansResponseChunk;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.testing.Poll;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The all-in-one binary end to end: spans sent by the OpenTelemetry Java SDK's OTLP/HTTP exporter to the collector's
 * receiver, read back over the query's HTTP API (compared with golden responses), api_v3 over HTTP, and gRPC api_v2.
 * The SDK runs with fixed IDs and timestamps so that the responses are byte-stable. One instance per class, so that
 * a subclass can choose another storage type through {@link #storageEnv()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryEndToEndTest {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final long T0_NANOS = 1_700_000_000_000_000_000L;

  static JaegerMain.Running running;
  static int httpPort;
  static int grpcPort;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The environment that selects the storage; subclasses run the same checks on other storage types. */
  Map<String, String> storageEnv() throws IOException {
    return Map.of("SPAN_STORAGE_TYPE", "memory");
  }

  @BeforeAll
  void start() throws Exception {
    Map<String, String> env = storageEnv();
    httpPort = freePort();
    grpcPort = freePort();
    int otlpHttp = freePort();
    // every listener the binary declares goes to a free loopback port, so parallel builds cannot collide
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
      if (f.type() != Flag.Type.HOST_PORT || f.defaultValue().isEmpty()) {
        continue;
      }
      int port;
      switch (f.name()) {
        case "query.http-server.host-port":
          port = httpPort;
          break;
        case "query.grpc-server.host-port":
          port = grpcPort;
          break;
        case "collector.otlp.http.host-port":
          port = otlpHttp;
          break;
        default:
          port = freePort();
          break;
      }
      args.add("--" + f.name() + "=127.0.0.1:" + port);
    }
    args.add("--query.max-clock-skew-adjustment=1s");
    running = JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env);
    sendWithOtelSdk("http://127.0.0.1:" + otlpHttp + "/v1/traces");
    awaitSpans(3);
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  /** Fixed IDs: the trace ID above and span IDs ...01, ...02, ... in creation order. */
  static final class FixedIds implements IdGenerator {
    private long next = 1;

    @Override
    public synchronized String generateSpanId() {
      return String.format("%016x", next++);
    }

    @Override
    public String generateTraceId() {
      return TRACE_ID;
    }
  }

  /**
   * frontend "GET /checkout" (server) → frontend "call backend" (client) → backend "POST /pay" (server, on a host
   * whose clock runs 5 ms behind, so it appears to start before its caller).
   */
  static void sendWithOtelSdk(String endpoint) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
    FixedIds ids = new FixedIds();
    SdkTracerProvider frontend = SdkTracerProvider.builder().setIdGenerator(ids)
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "frontend",
            AttributeKey.stringKey("ip"), "10.0.0.1")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    SdkTracerProvider backend = SdkTracerProvider.builder().setIdGenerator(ids)
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "backend",
            AttributeKey.stringKey("ip"), "10.0.0.2")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    try {
      Tracer ft = frontend.get("e2e-frontend", "1.0.0");
      Tracer bt = backend.get("e2e-backend", "2.0.0");
      Span root = ft.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER)
          .setStartTimestamp(T0_NANOS, TimeUnit.NANOSECONDS)
          .setAttribute("http.request.method", "GET").setAttribute("http.response.status_code", 200L)
          .setAttribute("telemetry.sdk.language", "java").startSpan();
      Context rootCtx = Context.root().with(root);
      Span call = ft.spanBuilder("call backend").setSpanKind(SpanKind.CLIENT)
          .setParent(rootCtx).setStartTimestamp(T0_NANOS + 1_000_000, TimeUnit.NANOSECONDS).startSpan();
      Span pay = bt.spanBuilder("POST /pay").setSpanKind(SpanKind.SERVER)
          .setParent(Context.root().with(call))
          .setStartTimestamp(T0_NANOS + 1_000_000 - 5_000_000, TimeUnit.NANOSECONDS)
          .setAttribute("payment.amount", 12.5).startSpan();
      pay.addEvent("card declined", Attributes.of(AttributeKey.longKey("retry"), 1L),
          T0_NANOS - 3_000_000, TimeUnit.NANOSECONDS);
      pay.setStatus(StatusCode.ERROR, "declined");
      pay.end(T0_NANOS + 1_000_000 - 5_000_000 + 2_000_000, TimeUnit.NANOSECONDS);
      call.end(T0_NANOS + 5_000_000, TimeUnit.NANOSECONDS);
      root.end(T0_NANOS + 6_000_000, TimeUnit.NANOSECONDS);
    } finally {
      // Both providers share one exporter, and shutting one down shuts the exporter down: wait for every export
      // first (with acknowledge=stored an answer waits for the storage write, so exports stay in flight longer).
      assertThat(frontend.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(backend.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(frontend.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(backend.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void awaitSpans(int n) throws Exception {
    HttpResponse<String> r = Poll.read(Duration.ofSeconds(30), () -> get("/api/traces/" + TRACE_ID),
        a -> a.statusCode() == 200 && a.body().split("\"spanID\"", -1).length - 1 >= n);
    if (r.statusCode() != 200 || r.body().split("\"spanID\"", -1).length - 1 < n) {
      throw new AssertionError("trace not readable with " + n + " spans: " + r.body());
    }
  }

  /**
   * Compares with a checked-in pretty-printed JSON file; -Dgolden.update=true rewrites it. Storage order of spans is
   * unspecified (the UI sorts them itself), so UI traces are compared with spans sorted by ID and process keys
   * renumbered in that order, and OTLP resource/scope spans sorted likewise.
   */
  static void assertGolden(String name, String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    normalize(root);
    String pretty = JSON.writeValueAsString(root) + "\n";
    if (Boolean.getBoolean("golden.update")) {
      Path p = Path.of("src/test/resources/golden/query", name);
      Files.createDirectories(p.getParent());
      Files.writeString(p, pretty, StandardCharsets.UTF_8);
      return;
    }
    try (InputStream in = QueryEndToEndTest.class.getResourceAsStream("/golden/query/" + name)) {
      assertThat(in).as("golden %s", name).isNotNull();
      assertThat(pretty).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static void normalize(JsonNode root) {
    JsonNode data = root.get("data");
    if (data != null && data.isArray()) {
      for (JsonNode trace : data) {
        if (trace.has("spans")) {
          normalizeUiTrace((ObjectNode) trace);
        }
      }
    }
    JsonNode result = root.get("result");
    if (result != null && result.has("resourceSpans")) {
      ArrayNode rss = (ArrayNode) result.get("resourceSpans");
      for (JsonNode rs : rss) {
        for (JsonNode ss : rs.path("scopeSpans")) {
          sortArray((ArrayNode) ss.get("spans"), n -> n.get("spanId").asText());
        }
        sortArray((ArrayNode) rs.get("scopeSpans"), JsonNode::toString);
      }
      sortArray(rss, JsonNode::toString);
    }
  }

  private static void normalizeUiTrace(ObjectNode trace) {
    ArrayNode spans = (ArrayNode) trace.get("spans");
    sortArray(spans, n -> n.get("spanID").asText());
    ObjectNode oldProcesses = (ObjectNode) trace.get("processes");
    Map<String, String> renamed = new LinkedHashMap<>();
    ObjectNode processes = JSON.createObjectNode();
    for (JsonNode span : spans) {
      String old = span.get("processID").asText();
      String key = renamed.computeIfAbsent(old, o -> "p" + (renamed.size() + 1));
      processes.set(key, oldProcesses.get(old));
      ((ObjectNode) span).put("processID", key);
    }
    trace.set("processes", processes);
  }

  private static void sortArray(ArrayNode array, Function<JsonNode, String> key) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    items.sort(Comparator.comparing(key));
    array.removeAll();
    items.forEach(array::add);
  }

  @Test
  void uiApi_traceAdjustedForClockSkew_golden() throws Exception {
    HttpResponse<String> r = get("/api/traces/" + TRACE_ID);
    assertThat(r.statusCode()).isEqualTo(200);
    assertGolden("trace.json", r.body());
    JsonNode spans = JSON.readTree(r.body()).at("/data/0/spans");
    JsonNode pay = null;
    for (JsonNode s : spans) {
      if (s.get("operationName").asText().equals("POST /pay")) {
        pay = s;
      }
    }
    assertThat(pay).isNotNull();
    // centred in its 4 ms parent: starts 1 ms after the call (5 ms shift forward + 1 ms centring)
    assertThat(pay.get("startTime").asLong()).isEqualTo(T0_NANOS / 1000 + 2000);
    assertThat(pay.get("warnings").get(0).asText()).isEqualTo("This span's timestamps were adjusted by 6ms");
  }

  @Test
  void uiApi_rawTrace_keepsReportedTimes() throws Exception {
    JsonNode spans = JSON.readTree(get("/api/traces/" + TRACE_ID + "?raw=true").body()).at("/data/0/spans");
    boolean found = false;
    for (JsonNode s : spans) {
      if (s.get("operationName").asText().equals("POST /pay")) {
        found = true;
        assertThat(s.get("startTime").asLong()).isEqualTo(T0_NANOS / 1000 - 4000);
        assertThat(s.get("warnings").isNull()).isTrue();
      }
    }
    assertThat(found).isTrue();
  }

  @Test
  void uiApi_searchServicesOperationsDependencies_golden() throws Exception {
    long start = T0_NANOS / 1000 - 60_000_000;
    long end = T0_NANOS / 1000 + 60_000_000;
    assertGolden("search-backend.json", get("/api/traces?service=backend&tag=error:true&start=" + start + "&end="
        + end + "&limit=20").body());
    assertThat(JSON.readTree(get("/api/services").body()).get("data").toString())
        .contains("\"frontend\"", "\"backend\"");
    assertGolden("operations-frontend.json", get("/api/operations?service=frontend&spanKind=server").body());
    assertGolden("dependencies.json", get("/api/dependencies?endTs=" + (T0_NANOS / 1_000_000 + 60_000)
        + "&lookback=120000").body());
  }

  @Test
  void apiV3Http_otlpJson_golden() throws Exception {
    HttpResponse<String> r = get("/api/v3/traces/" + TRACE_ID);
    assertThat(r.statusCode()).isEqualTo(200);
    assertGolden("v3-trace.json", r.body());
  }

  @Test
  void grpcApiV2AndV3_readTheSameTrace() throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      Iterator<SpansResponseChunk> chunks = QueryServiceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getTrace(GetTraceRequest.newBuilder()
              .setTraceId(ProtoConverter.traceIdToBytes(TraceId.parse(TRACE_ID))).build());
      List<String> ops = new ArrayList<>();
      chunks.forEachRemaining(c -> c.getSpansList().forEach(s -> ops.add(s.getProcess().getServiceName() + ":"
          + s.getOperationName())));
      assertThat(ops).containsExactlyInAnyOrder("frontend:GET /checkout", "frontend:call backend",
          "backend:POST /pay");

      Iterator<TracesData> v3 = io.jaegerj.proto.api_v3.QueryServiceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getTrace(io.jaegerj.proto.api_v3.GetTraceRequest.newBuilder().setTraceId(TRACE_ID).build());
      TracesData td = v3.next();
      assertThat(v3.hasNext()).isFalse();
      int spans = td.getResourceSpansList().stream()
          .mapToInt(rs -> rs.getScopeSpansList().stream().mapToInt(ss -> ss.getSpansCount()).sum()).sum();
      assertThat(spans).isEqualTo(3);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void archive_withoutArchiveStorage_500() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/api/archive/" + TRACE_ID))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("archive span storage was not configured");
  }
}
