// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default (unbounded) memory store in a small heap: an all-in-one child JVM with {@code -Xmx96m} and
 * {@code -XX:+ExitOnOutOfMemoryError} receives about twice its heap in spans. It must keep serving (every
 * export accepted, the query API answering), evict its oldest traces with a warning and a metric, and never die of
 * an {@link OutOfMemoryError}.
 */
class MemoryHeapGuardTest {
  private static final int REQUESTS = 1000;
  private static final int SPANS_PER_REQUEST = 50;
  private static final int ATTRIBUTE_BYTES = 4096;

  @Test
  void unboundedStore_smallHeap_evictsOldestTraces_keepsServing_neverOutOfMemory() throws Exception {
    int otlpHttp = AllInOneMainTest.freePort();
    int queryHttp = AllInOneMainTest.freePort();
    int admin = AllInOneMainTest.freePort();
    Path log = Files.createTempFile("heap-guard", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx96m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), AllInOneMain.class.getName(),
        "--admin.http.host-port=127.0.0.1:" + admin,
        "--collector.otlp.http.host-port=127.0.0.1:" + otlpHttp,
        "--query.http-server.host-port=127.0.0.1:" + queryHttp,
        "--collector.otlp.grpc.host-port=127.0.0.1:" + AllInOneMainTest.freePort(),
        "--collector.grpc-server.host-port=127.0.0.1:" + AllInOneMainTest.freePort(),
        "--collector.http-server.host-port=127.0.0.1:" + AllInOneMainTest.freePort(),
        "--query.grpc-server.host-port=127.0.0.1:" + AllInOneMainTest.freePort(),
        "--agent.http-server.host-port=", "--processor.jaeger-compact.server-host-port=",
        "--processor.jaeger-binary.server-host-port=", "--processor.zipkin-compact.server-host-port="));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Thread killer = new Thread(child::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(killer);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      awaitHealthy(http, admin, child);
      String attribute = "x".repeat(ATTRIBUTE_BYTES);
      for (int i = 1; i <= REQUESTS; i++) {
        byte[] body = request(i, attribute).toByteArray();
        int status = 0;
        for (int attempt = 0; attempt < 20 && status != 200; attempt++) {
          try {
            status = post(http, otlpHttp, body);
          } catch (IOException e) {
            // keep what the child logged: a connection closed without an answer is a server-side failure to explain
            throw new AssertionError("export " + i + " (attempt " + attempt + ") failed: " + e
                + "; child alive: " + child.isAlive() + "; last lines of its log:\n" + tail(log, 40), e);
          }
          if (status == 503) {
            Thread.sleep(20); // backpressure: retry as an OTLP exporter does
          }
        }
        assertThat(status).as("export %s (log: %s)", i, log).isEqualTo(200);
        if (i % 250 == 0) {
          assertThat(get(http, queryHttp, "/api/services").statusCode()).isEqualTo(200);
        }
      }
      assertThat(child.isAlive()).as("child alive (log: %s)", log).isTrue();
      assertThat(get(http, queryHttp, "/api/traces/" + traceHex(REQUESTS)).statusCode()).isEqualTo(200);
      assertThat(get(http, queryHttp, "/api/traces/" + traceHex(1)).statusCode())
          .as("the oldest trace was evicted").isEqualTo(404);
      String metrics = get(http, admin, "/metrics").body();
      double evicted = 0;
      for (String line : metrics.split("\n")) {
        if (line.startsWith("jaeger_memory_heap_guard_evicted_traces_total")) {
          evicted = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertThat(evicted).isPositive();
      String out = Files.readString(log);
      assertThat(out).contains("the memory store evicted its").doesNotContain("OutOfMemoryError")
          .as("no accepted span failed to reach the store").doesNotContain("Failed to save");
    } finally {
      child.destroy();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Runtime.getRuntime().removeShutdownHook(killer);
    }
    Files.deleteIfExists(log);
  }

  private static void awaitHealthy(HttpClient http, int admin, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("child started").isTrue();
      try {
        if (get(http, admin, "/").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("all-in-one child not healthy within 60 s");
  }

  private static String tail(Path log, int lines) throws IOException {
    List<String> all = Files.readAllLines(log);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static int post(HttpClient http, int port, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String traceHex(int i) {
    return String.format("%032x", i);
  }

  private static byte[] id(int bytes, long value) {
    return ByteBuffer.allocate(bytes).putLong(bytes - 8, value).array();
  }

  /** One trace of {@link #SPANS_PER_REQUEST} spans, each with a {@link #ATTRIBUTE_BYTES} attribute. */
  private static ExportTraceServiceRequest request(int trace, String attribute) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int s = 1; s <= SPANS_PER_REQUEST; s++) {
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(id(16, trace)))
          .setSpanId(ByteString.copyFrom(id(8, s)))
          .setName("op-" + (s % 5))
          .setStartTimeUnixNano(now).setEndTimeUnixNano(now + 1000)
          .addAttributes(KeyValue.newBuilder().setKey("payload")
              .setValue(AnyValue.newBuilder().setStringValue(trace + "-" + s + attribute))));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("heap-guard"))))
        .addScopeSpans(scope)).build();
  }
}
