// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.badger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.e2e.badger.Kill9Harness.Load;
import io.jaegerj.e2e.badger.Kill9Harness.Readback;
import io.jaegerj.query.QueryMain;
import io.jaegerj.remotestorage.RemoteStorageMain;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.testing.Poll;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split deployment of issue 14: jaeger-remote-storage on a persistent badger store, jaeger-collector and
 * jaeger-query with {@code SPAN_STORAGE_TYPE=grpc} pointing at it, three processes started from their runnable jars
 * on free loopback ports. Beside them an all-in-one (also from its runnable jar, also on badger) receives the very
 * same traffic: the real OpenTelemetry SDK exporting OTLP/HTTP to both, and Zipkin JSON v2 posted to both. Every
 * endpoint the UI reads must answer the same over the split query as over the all-in-one. Then remote-storage is
 * restarted while OTLP requests keep coming: the collector ({@code --collector.acknowledge=stored}) answers either
 * with success once stored or with a retryable status, and every request it acknowledged is read back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class ITSplitDeploymentTest {
  private static final Logger LOG = LoggerFactory.getLogger(ITSplitDeploymentTest.class);
  private static final String ZIPKIN = "collector.zipkin.host-port";

  @TempDir
  static Path dir;
  Node storage;
  Node collector;
  Node query;
  Node allInOne;

  /** A binary started from its runnable jar; its ports are chosen once, so that it comes back on the same ones. */
  static final class Node {
    final String name;
    final Path jar;
    final Map<String, String> env;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final List<String> args;
    final Path dir;
    Process process;
    Path log;
    int starts;

    Node(String module, BinarySpec spec, Path dir, Map<String, String> env, List<String> extraPortFlags,
        List<String> args) throws IOException {
      this.name = module;
      this.jar = execJar(module);
      this.env = env;
      this.args = args;
      this.dir = dir;
      for (Flag f : JaegerMain.flags(spec, env)) {
        if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
          ports.put(f.name(), Kill9Harness.freePort());
        }
      }
      for (String flag : extraPortFlags) {
        ports.put(flag, Kill9Harness.freePort());
      }
    }

    /** The shaded jar the module's package phase built ({@code -am} in the reactor builds it before this test). */
    static Path execJar(String module) throws IOException {
      Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
      try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
        return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
            .orElseThrow(() -> new AssertionError("no runnable jar in " + target
                + "; build the reactor with the package phase (e.g. ./mvnw verify -pl e2e-tests -am)"));
      }
    }

    Node start() throws Exception {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-jar", jar.toString()));
      ports.forEach((flag, port) -> cmd.add("--" + flag + "=127.0.0.1:" + port));
      cmd.addAll(args);
      log = dir.resolve(name + "-" + (++starts) + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      process = pb.start();
      boolean healthy = Poll.read(Duration.ofSeconds(120), () -> {
        try {
          return Kill9Harness.Child.get(url("admin.http.host-port")).statusCode() == 200;
        } catch (IOException e) {
          return false; // not listening yet
        }
      }, h -> h || !process.isAlive());
      if (healthy) {
        return this;
      }
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      String out = Files.readString(log);
      throw new AssertionError(name + " did not become healthy:\n"
          + out.substring(Math.max(0, out.length() - 4000)));
    }

    String url(String flag) {
      return "http://127.0.0.1:" + ports.get(flag) + "/";
    }

    void stop() throws Exception {
      if (process == null) {
        return;
      }
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static Map<String, String> badger(Path dir) {
    return Map.of("SPAN_STORAGE_TYPE", "badger", "BADGER_EPHEMERAL", "false",
        "BADGER_DIRECTORY_KEY", dir.resolve("keys").toString(),
        "BADGER_DIRECTORY_VALUE", dir.resolve("values").toString());
  }

  @BeforeAll
  void startAll() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(this::killAll));
    storage = new Node("remote-storage", RemoteStorageMain.spec(), dir, badger(dir.resolve("split")), List.of(),
        List.of()).start();
    String server = "--grpc-storage.server=127.0.0.1:" + storage.ports.get("grpc.host-port");
    Map<String, String> grpc = Map.of("SPAN_STORAGE_TYPE", "grpc");
    collector = new Node("collector", CollectorMain.spec(), dir, grpc, List.of(ZIPKIN),
        List.of(server, "--collector.acknowledge=stored")).start();
    query = new Node("query", QueryMain.spec(), dir, grpc, List.of(), List.of(server)).start();
    allInOne = new Node("all-in-one", AllInOneMain.spec(), dir, badger(dir.resolve("aio")), List.of(ZIPKIN),
        List.of("--collector.acknowledge=stored")).start();
  }

  void killAll() {
    for (Node n : new Node[] {allInOne, query, collector, storage}) {
      if (n != null && n.process != null) {
        n.process.destroyForcibly();
      }
    }
  }

  @AfterAll
  void stopAll() throws Exception {
    for (Node n : new Node[] {allInOne, query, collector, storage}) {
      if (n != null) {
        n.stop();
      }
    }
  }

  static HttpResponse<String> get(Node node, String path) throws Exception {
    return Kill9Harness.Child.get(node.url("query.http-server.host-port") + path);
  }

  static JsonNode api(Node node, String path) throws Exception {
    HttpResponse<String> r = get(node, path);
    assertThat(r.statusCode()).as("%s GET %s: %s", node.name, path, r.body()).isEqualTo(200);
    return Kill9Harness.JSON.readTree(r.body());
  }

  /** Sends the same spans to both collectors: one SDK, one span processor per destination. */
  static SdkTracerProvider sdk(String service, Node... targets) {
    SdkTracerProviderBuilder b = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)));
    for (Node n : targets) {
      b.addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
          .setEndpoint(n.url("collector.otlp.http.host-port") + "v1/traces").build()));
    }
    return b.build();
  }

  static String zipkinJson(String traceId, String front, String db, long startMicros) {
    return "[{\"traceId\":\"" + traceId + "\",\"id\":\"00000000000000a1\",\"name\":\"get /zipkin\","
        + "\"kind\":\"SERVER\",\"timestamp\":" + startMicros + ",\"duration\":4000,"
        + "\"localEndpoint\":{\"serviceName\":\"" + front + "\",\"ipv4\":\"10.0.0.1\"},"
        + "\"tags\":{\"http.path\":\"/zipkin\",\"http.status_code\":\"200\"}},"
        + "{\"traceId\":\"" + traceId + "\",\"parentId\":\"00000000000000a1\",\"id\":\"00000000000000a2\","
        + "\"name\":\"select\",\"kind\":\"CLIENT\",\"timestamp\":" + (startMicros + 100) + ",\"duration\":2000,"
        + "\"localEndpoint\":{\"serviceName\":\"" + front + "\"},\"remoteEndpoint\":{\"serviceName\":\"" + db
        + "\"},\"annotations\":[{\"timestamp\":" + (startMicros + 150) + ",\"value\":\"query sent\"}]}]";
  }

  static void postZipkin(Node node, String json) throws Exception {
    HttpResponse<String> r = Kill9Harness.HTTP.send(HttpRequest.newBuilder(URI.create(node.url(ZIPKIN)
        + "api/v2/spans")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s zipkin answer: %s", node.name, r.body()).isEqualTo(202);
  }

  /**
   * The answer with its order-free parts put in one order: lists of names sorted, traces by ID, spans by span ID,
   * dependency links by parent and child. Everything else (span content, process keys, tags, warnings) is compared
   * as answered.
   */
  static JsonNode normalized(JsonNode answer) {
    JsonNode copy = answer.deepCopy();
    JsonNode data = copy.path("data");
    if (data instanceof ArrayNode arr) {
      List<JsonNode> items = new ArrayList<>();
      arr.forEach(items::add);
      for (JsonNode item : items) {
        if (item.path("spans") instanceof ArrayNode spans) {
          sortArray(spans, Comparator.comparing(s -> s.path("spanID").asText()));
        }
      }
      items.sort(Comparator.comparing(ITSplitDeploymentTest::sortKey));
      arr.removeAll();
      arr.addAll(items);
    }
    return copy;
  }

  static String sortKey(JsonNode item) {
    if (item.isTextual()) {
      return item.asText();
    }
    if (item.has("traceID")) {
      return item.path("traceID").asText();
    }
    return item.path("parent").asText() + "\u0000" + item.path("child").asText() + "\u0000"
        + item.path("name").asText() + "\u0000" + item.path("spanKind").asText();
  }

  static void sortArray(ArrayNode arr, Comparator<JsonNode> order) {
    List<JsonNode> items = new ArrayList<>();
    arr.forEach(items::add);
    items.sort(order);
    arr.removeAll();
    arr.addAll(items);
  }

  /** Asserts both queries answer {@code path} alike and returns the split deployment's answer. */
  JsonNode same(String path) throws Exception {
    JsonNode split = normalized(api(query, path));
    JsonNode single = normalized(api(allInOne, path));
    assertThat(split).as("GET %s: split deployment vs all-in-one", path).isEqualTo(single);
    return split;
  }

  @Test
  @Order(1)
  void realClients_splitDeploymentAnswersAsAllInOne() throws Exception {
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
    String front = "split-frontend-" + suffix;
    String back = "split-backend-" + suffix;
    SdkTracerProvider frontend = sdk(front, collector, allInOne);
    SdkTracerProvider backend = sdk(back, collector, allInOne);
    String traceId;
    try {
      Tracer ft = frontend.get("split");
      Tracer bt = backend.get("split");
      Span root = ft.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER)
          .setAttribute("http.status_code", 200L).startSpan();
      traceId = root.getSpanContext().getTraceId();
      try (Scope ignored = root.makeCurrent()) {
        Span call = ft.spanBuilder("POST /charge").setSpanKind(SpanKind.CLIENT).startSpan();
        try (Scope inner = call.makeCurrent()) {
          Span serve = bt.spanBuilder("charge").setSpanKind(SpanKind.SERVER).setAttribute("amount", 42L)
              .startSpan();
          serve.addEvent("charged");
          serve.end();
        }
        call.end();
      }
      root.end();
      // a second trace on the frontend only, so the search has more than one to answer
      ft.spanBuilder("GET /cart").setSpanKind(SpanKind.SERVER).setAttribute("http.status_code", 404L).startSpan()
          .end();
      assertThat(frontend.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(backend.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      frontend.shutdown().join(10, TimeUnit.SECONDS);
      backend.shutdown().join(10, TimeUnit.SECONDS);
    }
    String zipkinFront = "split-zipkin-" + suffix;
    String zipkinDb = "split-db-" + suffix;
    String zipkinTrace = String.format("%016x%016x", ThreadLocalRandom.current().nextLong(), 0xabcL);
    String json = zipkinJson(zipkinTrace, zipkinFront, zipkinDb, System.currentTimeMillis() * 1000 - 5_000);
    postZipkin(collector, json);
    postZipkin(allInOne, json);

    // the Zipkin receiver answers 202 before the spans are stored: wait until both stores have them
    Poll.read(Duration.ofSeconds(30), () -> get(query, "api/traces/" + zipkinTrace).statusCode() == 200
        && get(allInOne, "api/traces/" + zipkinTrace).statusCode() == 200, Boolean::booleanValue);

    JsonNode trace = same("api/traces/" + traceId);
    assertThat(trace.path("data").get(0).path("spans")).hasSize(3);
    assertThat(trace.path("data").get(0).path("processes").toString()).contains(front).contains(back);
    JsonNode zipkin = same("api/traces/" + zipkinTrace);
    assertThat(zipkin.path("data").get(0).path("spans")).hasSize(2);
    assertThat(zipkin.toString()).contains("query sent").contains(zipkinDb);

    JsonNode services = same("api/services");
    assertThat(services.path("data")).extracting(JsonNode::asText).contains(front, back, zipkinFront);
    assertThat(same("api/services/" + front + "/operations").path("data")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("GET /checkout", "GET /cart", "POST /charge");
    assertThat(same("api/operations?service=" + front).path("data")).hasSize(3);
    assertThat(same("api/operations?service=" + front + "&spanKind=server").path("data")).hasSize(2);
    assertThat(same("api/operations?service=" + zipkinFront + "&spanKind=client").path("data")).hasSize(1);

    long now = System.currentTimeMillis();
    String window = "&start=" + (now - 3_600_000) * 1000 + "&end=" + (now + 60_000) * 1000;
    assertThat(same("api/traces?service=" + front + window + "&limit=20").path("data")).hasSize(2);
    JsonNode byTag = same("api/traces?service=" + front + window + "&limit=20&tags="
        + URLEncoder.encode("{\"http.status_code\":\"200\"}", StandardCharsets.UTF_8));
    assertThat(byTag.path("data")).hasSize(1);
    assertThat(byTag.path("data").get(0).path("traceID").asText()).isEqualTo(traceId);
    assertThat(same("api/traces?service=" + front + window + "&operation="
        + URLEncoder.encode("GET /cart", StandardCharsets.UTF_8)).path("data")).hasSize(1);
    assertThat(same("api/traces?service=" + back + window + "&minDuration=1us&limit=5").path("data")).hasSize(1);
    assertThat(same("api/traces?traceID=" + traceId + "&traceID=" + zipkinTrace).path("data")).hasSize(2);

    JsonNode deps = same("api/dependencies?endTs=" + (now + 60_000) + "&lookback=3600000");
    assertThat(deps.path("data").toString()).contains("\"parent\":\"" + front + "\"")
        .contains("\"child\":\"" + back + "\"");

    // the UI itself is served by the split query as by the all-in-one
    HttpResponse<String> ui = get(query, "search");
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).contains("<html").isEqualTo(get(allInOne, "search").body());
  }

  @Test
  @Order(2)
  void remoteStorageRestartedUnderLoad_retryableAnswersOnly_noAcknowledgedTraceLost() throws Exception {
    Kill9Harness harness = Kill9Harness.create();
    ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unacked = new ConcurrentLinkedQueue<>();
    Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger(1);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          long low = next.getAndIncrement();
          String id = harness.traceIdHex(low);
          String answer;
          try {
            int status = postOtlp(harness.request(low));
            answer = "HTTP " + status;
            (status == 200 ? acked : unacked).add(id);
          } catch (Exception e) {
            answer = e.getClass().getSimpleName();
            unacked.add(id);
          }
          answers.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
        }
      }, "split-sender");
      th.start();
      senders.add(th);
    }
    awaitCount(acked, 50);
    int ackedBefore = acked.size();
    long downAt = System.nanoTime();
    storage.stop();
    // while remote-storage is down: reads fail at once with a clear error (not a hang, not an empty answer)
    HttpResponse<String> whileDown = get(query, "api/services");
    int ackedWhileDown = acked.size();
    Thread.sleep(1000);
    storage.start();
    long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAt);
    awaitCount(acked, acked.size() + 50);
    stop.set(true);
    for (Thread th : senders) {
      th.join(120_000);
      assertThat(th.isAlive()).as("sender stopped").isFalse();
    }
    LOG.info("remote-storage down for {} ms; collector answers during the run: {}; query while down: {} {}",
        downMillis, answers, whileDown.statusCode(), whileDown.body());
    // as Jaeger's query: a storage failure is a 500 whose message names the remote storage and gRPC's status
    assertThat(whileDown.statusCode()).as("query answer while remote-storage is down: %s", whileDown.body())
        .isEqualTo(500);
    assertThat(whileDown.body()).contains("remote storage 127.0.0.1:" + storage.ports.get("grpc.host-port"))
        .contains("UNAVAILABLE");
    assertThat(answers.keySet()).as("the collector answers with success or a retryable status only")
        .allMatch(a -> a.equals("HTTP 200") || a.equals("HTTP 503") || a.equals("HTTP 429"));
    assertThat(ackedBefore).isGreaterThanOrEqualTo(50);
    assertThat(acked.size()).as("acknowledged after the restart").isGreaterThan(ackedWhileDown);

    Load load = new Load(List.copyOf(acked), List.copyOf(unacked), downAt);
    Readback rb = readBack(load);
    Kill9Harness.reportAndAssertNoAcknowledgedLoss(LOG,
        "collector -> remote-storage (restarted) -> badger, acknowledge=stored", load, rb);
  }

  static void awaitCount(ConcurrentLinkedQueue<String> queue, int count) throws Exception {
    Poll.until(count + " acknowledged requests", Duration.ofSeconds(120), () -> queue.size() >= count);
  }

  int postOtlp(ExportTraceServiceRequest request) throws Exception {
    return Kill9Harness.HTTP.send(HttpRequest.newBuilder(URI.create(collector.url("collector.otlp.http.host-port")
            + "v1/traces")).timeout(Duration.ofSeconds(90)).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Reads every trace of the load back over the split query: each is one batch, whole or absent. */
  Readback readBack(Load load) throws Exception {
    Map<Boolean, int[]> counts = new HashMap<>(Map.of(true, new int[2], false, new int[2]));
    for (boolean ack : new boolean[] {true, false}) {
      for (String id : ack ? load.acknowledged() : load.unacknowledged()) {
        int spans = spansOf(id);
        assertThat(spans).as("trace %s is one storage batch: whole or absent", id)
            .isIn(0, Kill9Harness.SPANS_PER_REQUEST);
        counts.get(ack)[spans == 0 ? 1 : 0]++;
      }
    }
    return new Readback(counts.get(true)[0], counts.get(true)[1], counts.get(false)[0], counts.get(false)[1]);
  }

  int spansOf(String traceId) throws Exception {
    // right after the restart the query's channel may still be reconnecting: retry a retryable 500 for a while
    HttpResponse<String> r = Poll.read(Duration.ofSeconds(30), () -> get(query, "api/traces/" + traceId + "?raw=true"),
        a -> !(a.statusCode() == 500 && a.body().contains("UNAVAILABLE")));
    if (r.statusCode() == 404) {
      return 0;
    }
    assertThat(r.statusCode()).as("GET trace %s: %s", traceId, r.body()).isEqualTo(200);
    JsonNode data = Kill9Harness.JSON.readTree(r.body()).path("data");
    return data.isEmpty() ? 0 : data.get(0).path("spans").size();
  }
}
