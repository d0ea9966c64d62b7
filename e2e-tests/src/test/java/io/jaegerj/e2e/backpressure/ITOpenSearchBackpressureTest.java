// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.backpressure;

import static io.jaegerj.e2e.backpressure.RefusalCountingSender.SPANS_PER_TRACE;
import static io.jaegerj.e2e.backpressure.RefusalCountingSender.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.es.EsTestServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    MeterRegistry meters;
    try (JaegerMain.Running binary = JaegerMain.start(AllInOneMain.spec(), args.toArray(String[]::new), env);
        RefusalCountingSender load = RefusalCountingSender.start(otlpPort, IN_FLIGHT, "backpressure-svc")) {
      meters = binary.meters();
      load.awaitAcked(200, Duration.ofSeconds(30));
      opensearch.pause();
      long refusedBefore = load.refused.get();
      try {
        load.stalled(true);
        // stay paused until the refusals have gone on for a while (the buffers fill within a second or two)
        load.awaitRefusedWhileStalled(0, 50, Duration.ofSeconds(30));
        Thread.sleep(1000);
      } finally {
        load.stalled(false);
        opensearch.resume();
      }
      assertThat(load.refusedWhileStalled.get()).as("retryable refusals while OpenSearch was paused")
          .isGreaterThanOrEqualTo(50);
      long ackedAtResume = load.acked.size();
      load.awaitAcked(ackedAtResume + 200, Duration.ofSeconds(60));
      load.stop(Duration.ofSeconds(90));
      assertThat(load.errors).as("answers other than 200 and 503").isEmpty();
      assertThat(load.refusedWithoutRetryAfter.get()).isZero();
      assertThat(load.refused.get()).isGreaterThan(refusedBefore);

      // every acknowledged trace is stored once, whole, and no refused one is
      Map<String, Long> stored = awaitStored(prefix, load.acked, Duration.ofSeconds(60));
      assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(load.acked);
      assertThat(stored.values()).allMatch(n -> n == SPANS_PER_TRACE);
      // and is readable through the query API (a sample: the stored set is checked above)
      int checked = 0;
      for (String id : load.acked) {
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
              + " %.1f worker-s waiting on storage, %.0f writes waited for the bulk buffer%n", ack, load.acked.size(),
          load.refused.get(), load.refusedWhileStalled.get(),
          functionCounter(meters, "jaegerj_collector_storage_wait_seconds"), counter(meters, "jaeger.es.bulk.waited"));
      assertThat(counter(meters, "jaegerj_collector_spans_dropped_after_ack")).isZero();
      assertThat(counter(meters, "jaegerj_collector_spans_refused")
          + counter(meters, "jaegerj_collector_requests_refused")).isPositive();
      assertThat(functionCounter(meters, "jaegerj_collector_storage_wait_seconds")).isPositive();
      assertThat(counter(meters, "jaeger.es.bulk.waited")).as("writes that waited for the bulk buffer").isPositive();
    }
  }

  /** Span documents per trace ID in the span indices, once their count reached the acknowledged spans. */
  private Map<String, Long> awaitStored(String prefix, Set<String> acked, Duration timeout) throws Exception {
    long expected = (long) acked.size() * SPANS_PER_TRACE;
    assertThat(opensearch.awaitCount(prefix + "-jaeger-span-*", expected, timeout))
        .as("span documents stored (or the last answer of _count)").isEqualTo(Long.toString(expected));
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
    HttpResponse<String> r = opensearch.request(method, path, body);
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static double counter(MeterRegistry meters, String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static double functionCounter(MeterRegistry meters, String name) {
    return meters.find(name).functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
  }
}
