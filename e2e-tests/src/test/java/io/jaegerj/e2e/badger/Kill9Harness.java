// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.badger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jaegerj.config.Flag;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.testing.Poll;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Shared parts of the kill -9 tests: a binary in a child JVM on free loopback ports with a persistent badger store in
 * {@code dir/keys} and {@code dir/values}, a multi-threaded OTLP load that records which requests were answered with
 * success, and the read-back over the query API of a binary restarted on the same directories.
 */
final class Kill9Harness {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final int SPANS_PER_REQUEST = 5;
  static final String SERVICE = "kill9-svc";
  /** What the collector logs once it resolved {@code --collector.acknowledge}. */
  static final String STORED_LOG_LINE = "Receivers acknowledge spans once stored";

  private final long runId = ThreadLocalRandom.current().nextLong() | 1L;
  private final AtomicLong nextTrace = new AtomicLong(1);

  private Kill9Harness() {}

  static Kill9Harness create() {
    return new Kill9Harness();
  }

  /** Sends one request; throws when the binary did not answer with success. */
  interface Sender {
    void send(ExportTraceServiceRequest request) throws Exception;
  }

  /** The requests of a load: answered with success (acknowledged), or not (refused, failed or cut by the kill). */
  record Load(List<String> acknowledged, List<String> unacknowledged, long killNanos) {}

  /**
   * Runs {@code threads} senders for {@code duration}, then kills the child with SIGKILL while they are still
   * sending, and waits for the senders to stop.
   */
  Load runAndKill(Child child, Sender sender, int threads, Duration duration) throws Exception {
    ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unacked = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        while (!stop.get()) {
          long low = nextTrace.getAndIncrement();
          String id = traceIdHex(low);
          try {
            sender.send(request(low));
            acked.add(id);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unacked.add(id);
            return;
          } catch (Exception e) {
            unacked.add(id);
            if (!child.process.isAlive()) {
              return;
            }
          }
        }
      }, "kill9-sender");
      th.start();
      senders.add(th);
    }
    Thread.sleep(duration.toMillis());
    long killNanos = System.nanoTime();
    child.process.destroyForcibly();
    stop.set(true);
    assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    for (Thread t : senders) {
      t.join(60_000);
      assertThat(t.isAlive()).as("sender stopped").isFalse();
    }
    return new Load(List.copyOf(acked), List.copyOf(unacked), killNanos);
  }

  /** The trace ID of {@link #request(long) request(low)} in hex. */
  String traceIdHex(long low) {
    return String.format("%016x%016x", runId, low);
  }

  /** A request with a new trace of {@link #SPANS_PER_REQUEST} spans (one storage batch). */
  ExportTraceServiceRequest request(long low) {
    byte[] traceId = ByteBuffer.allocate(16).putLong(runId).putLong(low).array();
    ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("kill9"));
    long start = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1).array()))
          .setName("op-" + i).setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(start + i * 1_000L).setEndTimeUnixNano(start + i * 1_000L + 1_000_000L);
      if (i > 0) {
        s.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(1).array()));
      }
      scope.addSpans(s);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(
        ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
            .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue(SERVICE))))
            .addScopeSpans(scope)).build();
  }

  /** Posts OTLP/HTTP protobuf; success is HTTP 200. */
  static void postOtlpHttp(Child child, ExportTraceServiceRequest request) throws Exception {
    HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(child.otlpHttpUrl()))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
        HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode());
    }
  }

  /** What the read-back found. */
  record Readback(int acknowledgedReadable, int acknowledgedLost, int unacknowledgedReadable,
      int unacknowledgedAbsent) {}

  /**
   * Logs the figures of one kill -9 run under {@code label} and asserts that no acknowledged span was lost: every
   * request answered with success is readable, span for span.
   */
  static void reportAndAssertNoAcknowledgedLoss(Logger log, String label, Load load, Readback rb) {
    int sent = load.acknowledged().size() + load.unacknowledged().size();
    int spans = SPANS_PER_REQUEST;
    log.info("kill -9 figures ({}): requests sent {} ({} spans each, {} spans); acknowledged {} requests ({} spans): "
            + "{} spans readable after restart, {} lost; unacknowledged in flight at the kill {} requests ({} spans): "
            + "{} readable, {} absent",
        label, sent, spans, sent * spans, load.acknowledged().size(), load.acknowledged().size() * spans,
        rb.acknowledgedReadable() * spans, rb.acknowledgedLost() * spans, load.unacknowledged().size(),
        load.unacknowledged().size() * spans, rb.unacknowledgedReadable() * spans, rb.unacknowledgedAbsent() * spans);
    assertThat(rb.acknowledgedLost()).as("acknowledged spans lost (x%s)", spans).isZero();
    assertThat(rb.acknowledgedReadable()).isEqualTo(load.acknowledged().size());
  }

  /**
   * Reads every trace of the load over {@code /api/traces}. Every trace is one storage batch, so it must be whole or
   * absent; the caller asserts on the counts.
   */
  static Readback readBack(Child reader, Load load) throws Exception {
    int ackReadable = 0;
    int ackLost = 0;
    List<String> lost = new ArrayList<>();
    for (String id : load.acknowledged()) {
      int spans = reader.spansOf(id);
      assertThat(spans).as("trace %s is one storage batch: whole or absent", id).isIn(0, SPANS_PER_REQUEST);
      if (spans == SPANS_PER_REQUEST) {
        ackReadable++;
      } else {
        ackLost++;
        lost.add(id);
      }
    }
    int unackReadable = 0;
    int unackAbsent = 0;
    for (String id : load.unacknowledged()) {
      int spans = reader.spansOf(id);
      assertThat(spans).as("trace %s is one storage batch: whole or absent", id).isIn(0, SPANS_PER_REQUEST);
      if (spans == SPANS_PER_REQUEST) {
        unackReadable++;
      } else {
        unackAbsent++;
      }
    }
    if (!lost.isEmpty()) {
      System.err.println("lost acknowledged traces: " + lost.subList(0, Math.min(10, lost.size())));
    }
    return new Readback(ackReadable, ackLost, unackReadable, unackAbsent);
  }

  /** A binary in a child JVM on free loopback ports. */
  static final class Child {
    final Process process;
    final Path log;
    final Map<String, Integer> ports;

    private Child(Process process, Path log, Map<String, Integer> ports) {
      this.process = process;
      this.log = log;
      this.ports = ports;
    }

    String url(String flag) {
      return "http://127.0.0.1:" + ports.get(flag) + "/";
    }

    String otlpHttpUrl() {
      return url("collector.otlp.http.host-port") + "v1/traces";
    }

    int port(String flag) {
      return ports.get(flag);
    }

    /**
     * Starts {@code mainClass} (whose flags {@code spec} declares) with a persistent badger store in {@code dir},
     * extra environment and arguments; retries with new ports when a probed port was taken meanwhile.
     */
    static Child start(Class<?> mainClass, BinarySpec spec, Path dir, String name, Map<String, String> extraEnv,
        List<String> extraArgs) throws Exception {
      for (int attempt = 1; ; attempt++) {
        Child c = startOnce(mainClass, spec, dir, name + "-" + attempt, extraEnv, extraArgs);
        if (c.awaitHealthy()) {
          return c;
        }
        String out = Files.readString(c.log);
        c.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        if (attempt >= 3 || !out.contains("address already in use")) {
          throw new AssertionError(spec.name() + " did not become healthy; its output:\n" + tail(out));
        }
      }
    }

    private static Child startOnce(Class<?> mainClass, BinarySpec spec, Path dir, String name,
        Map<String, String> extraEnv, List<String> extraArgs) throws IOException {
      Map<String, String> env = new HashMap<>(Map.of(
          "SPAN_STORAGE_TYPE", "badger",
          "BADGER_EPHEMERAL", "false",
          "BADGER_DIRECTORY_KEY", dir.resolve("keys").toString(),
          "BADGER_DIRECTORY_VALUE", dir.resolve("values").toString()));
      env.putAll(extraEnv);
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
      Map<String, Integer> ports = new HashMap<>();
      for (Flag f : JaegerMain.flags(spec, env)) {
        if (f.type() != Flag.Type.HOST_PORT || f.defaultValue().isEmpty()) {
          continue;
        }
        int port = freePort();
        ports.put(f.name(), port);
        cmd.add("--" + f.name() + "=127.0.0.1:" + port);
      }
      cmd.addAll(extraArgs);
      Path log = dir.resolve("child-" + name + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return new Child(pb.start(), log, Map.copyOf(ports));
    }

    private boolean awaitHealthy() throws Exception {
      // healthy, or dead (no point in waiting then); false unless healthy within 90 s
      return Poll.read(Duration.ofSeconds(90), () -> {
        try {
          return get(url("admin.http.host-port")).statusCode() == 200;
        } catch (IOException e) {
          return false; // not listening yet
        }
      }, healthy -> healthy || !process.isAlive());
    }

    String output() throws IOException {
      return Files.readString(log);
    }

    /** Spans of the trace readable over the query's /api/traces, 0 if it is not found. */
    int spansOf(String traceId) throws Exception {
      HttpResponse<String> r = get(url("query.http-server.host-port") + "api/traces/" + traceId + "?raw=true");
      if (r.statusCode() == 404) {
        return 0;
      }
      assertThat(r.statusCode()).as("GET trace %s: %s", traceId, r.body()).isEqualTo(200);
      JsonNode data = JSON.readTree(r.body()).path("data");
      return data.isEmpty() ? 0 : data.get(0).path("spans").size();
    }

    void stop() throws Exception {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(String s) {
      return s.length() <= 4_000 ? s : s.substring(s.length() - 4_000);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
