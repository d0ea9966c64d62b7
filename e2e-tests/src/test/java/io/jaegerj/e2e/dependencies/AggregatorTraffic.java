// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.dependencies;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jaegerj.dependencies.DependenciesJob;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.testing.Poll;
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
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The dependency aggregator's end-to-end traffic, shared by the backend tests: OTLP/HTTP requests with known edges sent
 * to two collectors - whole traces (one request retried), parents that arrive after their child, and traces split
 * between the two collectors in both directions - and the links they must give.
 */
final class AggregatorTraffic {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  /** The links of {@link #send}, as "parent->child" to call count. */
  static final Map<String, Long> EXPECTED =
      new TreeMap<>(Map.of("front->back", 9L, "back->db", 7L, "front->cache", 2L));
  /** Calls counted by both collectors together, and spans they saw twice (the retried request). */
  static final double CALLS = 18;
  static final double DUPLICATE_SPANS = 3;
  static final double PARENTS_LOOKED_UP = 6;

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private AggregatorTraffic() {}

  /** One span to send: its trace, ID, parent (0 for a root) and service. */
  private record S(byte[] trace, long id, long parent, String service) {}

  /** Sends the traffic to the collectors' OTLP/HTTP ports; returns the spans stored (retried ones included). */
  static int send(int otlp1, int otlp2) throws Exception {
    int spans = 0;
    // whole traces on collector 1, one request retried: front->back 3, back->db 3
    for (int i = 0; i < 3; i++) {
      byte[] t = traceId();
      List<S> trace = List.of(new S(t, 1, 0, "front"), new S(t, 2, 1, "back"), new S(t, 3, 2, "db"));
      export(otlp1, trace);
      spans += 3;
      if (i == 0) {
        export(otlp1, trace);
        spans += 3;
      }
    }
    // parents arriving after their child, same collector: front->back 2
    for (int i = 0; i < 2; i++) {
      byte[] t = traceId();
      export(otlp1, List.of(new S(t, 2, 1, "back")));
      export(otlp1, List.of(new S(t, 1, 0, "front")));
      spans += 2;
    }
    // split: the parent on collector 1, the children on collector 2 (half of them first): front->back 4, back->db 4
    for (int i = 0; i < 4; i++) {
      byte[] t = traceId();
      List<S> children = List.of(new S(t, 2, 1, "back"), new S(t, 3, 2, "db"));
      if (i % 2 == 0) {
        export(otlp2, children);
        export(otlp1, List.of(new S(t, 1, 0, "front")));
      } else {
        export(otlp1, List.of(new S(t, 1, 0, "front")));
        export(otlp2, children);
      }
      spans += 3;
    }
    // split the other way: the parent on collector 2, the child on collector 1: front->cache 2
    for (int i = 0; i < 2; i++) {
      byte[] t = traceId();
      export(otlp2, List.of(new S(t, 1, 0, "front")));
      export(otlp1, List.of(new S(t, 2, 1, "cache")));
      spans += 2;
    }
    return spans;
  }

  private static void export(int port, List<S> spans) throws Exception {
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()) - TimeUnit.MINUTES.toNanos(1);
    Map<String, ScopeSpans.Builder> byService = new LinkedHashMap<>();
    for (S s : spans) {
      Span.Builder b = Span.newBuilder().setTraceId(ByteString.copyFrom(s.trace()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(s.id()).array()))
          .setName("op-" + s.id()).setStartTimeUnixNano(now + s.id() * 1000).setEndTimeUnixNano(now + 500_000);
      if (s.parent() != 0) {
        b.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(s.parent()).array()));
      }
      byService.computeIfAbsent(s.service(), k -> ScopeSpans.newBuilder()).addSpans(b);
    }
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    byService.forEach((service, scope) -> req.addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeSpans(scope)));
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(req.build().toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("OTLP export: %s", r.body()).isEqualTo(200);
  }

  /**
   * Polls {@code /api/dependencies} of the last day until it shows {@code expected} or the timeout passes; returns the
   * last answer. {@code beforePoll} runs before each request (e.g. an index refresh).
   */
  static Map<String, Long> awaitDependencies(int queryPort, Map<String, Long> expected, Duration timeout,
      ThrowingRunnable beforePoll) throws Exception {
    return Poll.read(timeout, () -> {
      beforePoll.run();
      long end = System.currentTimeMillis() + 60_000;
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + queryPort
          + "/api/dependencies?endTs=" + end + "&lookback=86400000")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      Map<String, Long> m = new TreeMap<>();
      for (JsonNode l : JSON.readTree(r.body()).path("data")) {
        m.merge(l.path("parent").asText() + "->" + l.path("child").asText(), l.path("callCount").asLong(), Long::sum);
      }
      return m;
    }, expected::equals);
  }

  /** The aggregator's counters summed over the given collectors' registries. */
  static Map<String, Double> counters(List<MeterRegistry> registries) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (MeterRegistry m : registries) {
      for (String name : List.of("jaegerj_dependencies_calls", "jaegerj_dependencies_late_parents",
          "jaegerj_dependencies_parents_looked_up", "jaegerj_dependencies_unresolved",
          "jaegerj_dependencies_duplicate_spans", "jaegerj_dependencies_records_written")) {
        double v = m.find(name).functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
        out.merge(name, v, Double::sum);
      }
    }
    return out;
  }

  /**
   * Runs the batch job with spark-dependencies' environment {@code jobEnv} on {@code day}: it must read {@code spans}
   * spans and find exactly {@link #EXPECTED}; its record adds to the aggregator's, so the query then shows every
   * count doubled.
   */
  static void assertBatchJobAgrees(Map<String, String> jobEnv, LocalDate day, int spans, int queryPort,
      ThrowingRunnable beforePoll) throws Exception {
    DependenciesJob.Result r = DependenciesJob.run(jobEnv::get, day.toString());
    Map<String, Long> batch = new TreeMap<>();
    for (DependencyLink l : r.links()) {
      batch.merge(l.parent() + "->" + l.child(), l.callCount(), Long::sum);
    }
    assertThat(batch).as("links found by the batch job").isEqualTo(EXPECTED);
    assertThat(r.spans()).as("spans read by the batch job").isEqualTo(spans);
    Map<String, Long> doubled = new TreeMap<>();
    EXPECTED.forEach((k, v) -> doubled.put(k, 2 * v));
    assertThat(awaitDependencies(queryPort, doubled, Duration.ofSeconds(30), beforePoll)).isEqualTo(doubled);
  }

  static synchronized int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }

  private static byte[] traceId() {
    byte[] b = new byte[16];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 0x10;
    return b;
  }

  /** A step that may throw, run before each poll. */
  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
