// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.es.EsTestServer;
import io.jaegerj.testing.Poll;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Storage slower than ingest, end to end (issue 23): an all-in-one in this JVM writes into a real OpenSearch 2.19.1
 * (child JVM, started once), an OTLP/HTTP sender (the JDK HTTP client posting protobuf, as exporters do) keeps sending
 * while OpenSearch is frozen with SIGSTOP for a few seconds and then resumed. During the stall the clients must see
 * retryable refusals (503 + Retry-After); afterwards every trace answered 200 must be stored exactly once, readable
 * through the query API, and no span may have been dropped after acknowledgement — in both acknowledgement modes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITOpenSearchBackpressureTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SPANS_PER_TRACE = 5;
  private static final int TRACES_PER_REQUEST = 10;
  /** Requests outstanding at once: more than the collector holds in stored mode, so that refusals show. */
  private static final int IN_FLIGHT = 32;

  private EsTestServer opensearch;

  @BeforeAll
  void startOpenSearch() throws Exception {
    opensearch = EsTestServer.start(EsTestServer.Kind.OPENSEARCH_2);
  }

  @AfterAll
  void stopOpenSearch() {
    if (opensearch != null) {
      opensearch.stop();
    }
  }

  /** What the senders saw. */
  private static final class Seen {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong refusedWhilePaused = new AtomicLong();
    final AtomicLong refusedWithoutRetryAfter = new AtomicLong();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    final AtomicBoolean paused = new AtomicBoolean();
    final AtomicBoolean stop = new AtomicBoolean();
  }

  @ParameterizedTest
  @ValueSource(strings = {"queued", "stored"})
  void stalledOpenSearch_clientsGetRetryableRefusals_andNothingAcknowledgedIsLost(String ack) throws Exception {
    String prefix = "bp" + ack;
    int queryPort = freePort();
    int otlpPort = freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPAN_STORAGE_TYPE", "opensearch");
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        int port = f.name().equals("query.http-server.host-port") ? queryPort
            : f.name().equals("collector.otlp.http.host-port") ? otlpPort : freePort();
        args.add("--" + f.name() + "=127.0.0.1:" + port);
      }
    }
    // a small pipeline and bulk buffer, so that a stall of a few seconds fills them all
    args.addAll(List.of("--es.server-urls=" + opensearch.url(), "--es.index-prefix=" + prefix,
        "--es.bulk.actions=50", "--es.bulk.flush-interval=50ms", "--collector.queue-size=500",
        "--collector.num-workers=8", "--collector.acknowledge=" + ack));
    Seen seen = new Seen();
    MeterRegistry meters;
    try (JaegerMain.Running binary = JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env)) {
      meters = binary.meters();
      Thread sender = new Thread(() -> send(otlpPort, seen), "bp-sender");
      sender.start();
      awaitAcked(seen, 200, Duration.ofSeconds(30));
      opensearch.pause();
      long refusedBefore = seen.refused.get();
      try {
        seen.paused.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // stay paused until the refusals have gone on for a while (the buffers fill within a second or two)
        while (seen.refusedWhilePaused.get() < 50 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Thread.sleep(1000);
      } finally {
        seen.paused.set(false);
        opensearch.resume();
      }
      assertThat(seen.refusedWhilePaused.get()).as("retryable refusals while OpenSearch was paused")
          .isGreaterThanOrEqualTo(50);
      long ackedAtResume = seen.acked.size();
      awaitAcked(seen, ackedAtResume + 200, Duration.ofSeconds(60));
      seen.stop.set(true);
      sender.join(TimeUnit.SECONDS.toMillis(90));
      assertThat(sender.isAlive()).as("sender finished").isFalse();
      assertThat(seen.errors).as("answers other than 200 and 503").isEmpty();
      assertThat(seen.refusedWithoutRetryAfter.get()).isZero();
      assertThat(seen.refused.get()).isGreaterThan(refusedBefore);

      // every acknowledged trace is stored once, whole, and no refused one is
      Map<String, Long> stored = awaitStored(prefix, seen.acked, Duration.ofSeconds(60));
      assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(seen.acked);
      assertThat(stored.values()).allMatch(n -> n == SPANS_PER_TRACE);
      // and is readable through the query API (a sample: the stored set is checked above)
      int checked = 0;
      for (String id : seen.acked) {
        if (checked++ == 100) {
          break;
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + queryPort + "/api/traces/" + id)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("trace %s", id).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("data").path(0).path("spans").size()).isEqualTo(SPANS_PER_TRACE);
      }

      System.out.printf(Locale.ROOT, "backpressure %s: %d traces acknowledged, %d requests refused (%d while paused),"
              + " %.1f worker-s waiting on storage, %.0f writes waited for the bulk buffer%n", ack, seen.acked.size(),
          seen.refused.get(), seen.refusedWhilePaused.get(),
          functionCounter(meters, "jaegerj_collector_storage_wait_seconds"), counter(meters, "jaeger.es.bulk.waited"));
      assertThat(counter(meters, "jaegerj_collector_spans_dropped_after_ack")).isZero();
      assertThat(counter(meters, "jaegerj_collector_spans_refused")
          + counter(meters, "jaegerj_collector_requests_refused")).isPositive();
      assertThat(functionCounter(meters, "jaegerj_collector_storage_wait_seconds")).isPositive();
      assertThat(counter(meters, "jaeger.es.bulk.waited")).as("writes that waited for the bulk buffer").isPositive();
    }
  }

  /** Sends requests of fresh traces with up to {@link #IN_FLIGHT} outstanding, until told to stop. */
  private static void send(int port, Seen seen) {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/traces");
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong refusedInARow = new AtomicLong();
    try {
      while (!seen.stop.get()) {
        slots.acquire();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TRACES_PER_REQUEST; i++) {
          ids.add(newTraceId());
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(ids).toByteArray())).build();
        boolean pausedAtSend = seen.paused.get();
        HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          long backoff = 0;
          if (e != null) {
            seen.errors.add(e.toString());
          } else if (r.statusCode() == 200) {
            seen.acked.addAll(ids);
            refusedInARow.set(0);
          } else if (r.statusCode() == 503) {
            seen.refused.incrementAndGet();
            if (pausedAtSend && seen.paused.get()) {
              seen.refusedWhilePaused.incrementAndGet();
            }
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              seen.refusedWithoutRetryAfter.incrementAndGet();
            }
            // back off as exporters do, but shorter than Retry-After so that the test stays short
            backoff = Math.min(200, 10L << Math.min(refusedInARow.getAndIncrement(), 4));
          } else {
            seen.errors.add("HTTP " + r.statusCode());
          }
          if (backoff > 0) {
            CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(slots::release);
          } else {
            slots.release();
          }
        });
      }
      if (!slots.tryAcquire(IN_FLIGHT, 90, TimeUnit.SECONDS)) {
        seen.errors.add("requests still outstanding 90 s after the load stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAcked(Seen seen, long count, Duration timeout) throws Exception {
    int acked = Poll.read(timeout, seen.acked::size, n -> n >= count);
    assertThat(acked).as("%d traces acknowledged within %s (errors %s)", count, timeout, seen.errors)
        .isGreaterThanOrEqualTo((int) count);
  }

  /** Span documents per trace ID in the span indices, once their count reached the acknowledged spans. */
  private Map<String, Long> awaitStored(String prefix, Set<String> acked, Duration timeout) throws Exception {
    long expected = (long) acked.size() * SPANS_PER_TRACE;
    long count = Poll.read(timeout, () -> {
      es("POST", "/" + prefix + "-jaeger-span-*/_refresh", null);
      return es("GET", "/" + prefix + "-jaeger-span-*/_count", null).path("count").asLong();
    }, c -> c >= expected);
    assertThat(count).as("span documents stored").isEqualTo(expected);
    Map<String, Long> perTrace = new LinkedHashMap<>();
    JsonNode after = null;
    while (true) {
      Map<String, Object> composite = new LinkedHashMap<>();
      composite.put("size", 5000);
      composite.put("sources", List.of(Map.of("id", Map.of("terms", Map.of("field", "traceID")))));
      if (after != null) {
        composite.put("after", after);
      }
      String body = JSON.writeValueAsString(Map.of("size", 0, "aggs", Map.of("t", Map.of("composite", composite))));
      JsonNode agg = es("POST", "/" + prefix + "-jaeger-span-*/_search", body).path("aggregations").path("t");
      for (JsonNode b : agg.path("buckets")) {
        perTrace.put(b.path("key").path("id").asText(), b.path("doc_count").asLong());
      }
      if (agg.path("buckets").isEmpty() || !agg.has("after_key")) {
        return perTrace;
      }
      after = agg.path("after_key");
    }
  }

  private JsonNode es(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(opensearch.url() + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static double counter(MeterRegistry meters, String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static double functionCounter(MeterRegistry meters, String name) {
    return meters.find(name).functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
  }

  /** 32 hex digits, the high half without a leading zero, as Jaeger prints 128-bit IDs. */
  private static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = r.nextLong() | 0x1000_0000_0000_0000L;
    high &= 0x7fff_ffff_ffff_ffffL;
    return String.format(Locale.ROOT, "%016x%016x", high, r.nextLong());
  }

  private static ExportTraceServiceRequest request(List<String> traceIds) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (String traceIdHex : traceIds) {
      addTrace(scope, ByteString.copyFrom(hex(traceIdHex)), now);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("backpressure-svc"))))
        .addScopeSpans(scope)).build();
  }

  private static void addTrace(ScopeSpans.Builder scope, ByteString traceId, long now) {
    for (int i = 0; i < SPANS_PER_TRACE; i++) {
      Span.Builder s = Span.newBuilder().setTraceId(traceId)
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1L).array()))
          .setName("op-" + i).setStartTimeUnixNano(now + i * 1000L).setEndTimeUnixNano(now + i * 1000L + 500_000)
          .addAttributes(KeyValue.newBuilder().setKey("i").setValue(AnyValue.newBuilder().setIntValue(i)));
      if (i > 0) {
        s.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(1L).array()));
      }
      scope.addSpans(s);
    }
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private static synchronized int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
