// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.badger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durability of the persistent embedded store behind the real collector: the all-in-one runs as a child JVM
 * ({@code SPAN_STORAGE_TYPE=badger}, not ephemeral), receives OTLP/HTTP protobuf requests from several threads, is
 * killed with SIGKILL in the middle of the load and restarted on the same directories.
 *
 * <p>HTTP 200 from the collector means "accepted into the queue", not "stored" (as in Jaeger). So the test asserts
 * that (a) every span of the first batch, which the storage reported saved ({@code jaeger_collector_spans_saved_by_svc}
 * caught up with the acknowledged spans) before the load that is interrupted, is readable after the restart, (b)
 * every span acknowledged more than N ms before the kill is readable, N derived from the measured queue drain time,
 * and (c) each trace (one request, one storage batch) is whole or absent; it reports how many in-flight acknowledged
 * spans were lost.
 */
final class ITAllInOneBadgerKill9Test {
  private static final Logger LOG = LoggerFactory.getLogger(ITAllInOneBadgerKill9Test.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SPANS_PER_REQUEST = 5;
  private static final int THREADS = 4;
  private static final int SETTLED_REQUESTS_PER_THREAD = 50;
  private static final String SERVICE = "kill9-svc";

  @TempDir
  Path dir;

  private final long runId = ThreadLocalRandom.current().nextLong() | 1L;
  private final AtomicLong nextTrace = new AtomicLong(1);

  /** A request the collector answered with 200, and when. */
  private record Ack(String traceId, long ackNanos) {}

  @Test
  void kill9_underOtlpLoad_settledSpansSurviveAndBatchesAreWholeOrAbsent() throws Exception {
    Child first = Child.start(dir, "first");
    List<Ack> settled = new ArrayList<>();
    List<Ack> inFlight = new ArrayList<>();
    long drainMillis;
    long killNanos;
    int sentRequests;
    try {
      // (1) settled batch: acknowledged, then saved by the storage according to the collector's own counter
      ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
      AtomicLong sent = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        threads.add(started(() -> {
          for (int i = 0; i < SETTLED_REQUESTS_PER_THREAD; i++) {
            sent.incrementAndGet();
            post(first, acks);
          }
        }));
      }
      for (Thread t : threads) {
        t.join();
      }
      long lastAck = System.nanoTime();
      settled.addAll(acks);
      assertThat(settled).hasSize(THREADS * SETTLED_REQUESTS_PER_THREAD);
      long want = (long) settled.size() * SPANS_PER_REQUEST;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Metrics m = first.metrics();
      while (m.savedOk() < want || m.queueLength() > 0) {
        assertThat(System.nanoTime()).as("saved %s of %s spans", m.savedOk(), want).isLessThan(deadline);
        Thread.sleep(20);
        m = first.metrics();
      }
      drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAck);

      // (2) load that is interrupted by SIGKILL
      ConcurrentLinkedQueue<Ack> loadAcks = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong loadSent = new AtomicLong();
      threads.clear();
      for (int t = 0; t < THREADS; t++) {
        threads.add(started(() -> {
          while (!stop.get()) {
            loadSent.incrementAndGet();
            if (!post(first, loadAcks)) {
              return;
            }
          }
        }));
      }
      Thread.sleep(4_000);
      killNanos = System.nanoTime();
      first.process.destroyForcibly();
      stop.set(true);
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(first.process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
      for (Thread t : threads) {
        t.join(30_000);
      }
      inFlight.addAll(loadAcks);
      sentRequests = (int) (sent.get() + loadSent.get());
    } finally {
      first.process.destroyForcibly();
    }
    assertThat(inFlight).as("acknowledged during the interrupted load").isNotEmpty();

    // (3) restart on the same directories: the store opens, and the answers are checked over the query API
    Child second = Child.start(dir, "second");
    try {
      for (Ack a : settled) {
        assertThat(second.spansOf(a.traceId)).as("settled trace %s", a.traceId).isEqualTo(SPANS_PER_REQUEST);
      }
      long n = TimeUnit.MILLISECONDS.toNanos(Math.max(1_000, 5 * drainMillis));
      int oldEnough = 0;
      int readable = 0;
      int lost = 0;
      long oldestLostMillis = -1;
      for (Ack a : inFlight) {
        int spans = second.spansOf(a.traceId);
        assertThat(spans).as("trace %s is one storage batch: whole or absent", a.traceId)
            .isIn(0, SPANS_PER_REQUEST);
        if (killNanos - a.ackNanos >= n) {
          oldEnough++;
          assertThat(spans).as("trace %s acknowledged %s ms before the kill", a.traceId,
              TimeUnit.NANOSECONDS.toMillis(killNanos - a.ackNanos)).isEqualTo(SPANS_PER_REQUEST);
        }
        if (spans == 0) {
          lost++;
          oldestLostMillis = Math.max(oldestLostMillis, TimeUnit.NANOSECONDS.toMillis(killNanos - a.ackNanos));
        } else {
          readable++;
        }
      }
      assertThat(oldEnough).as("acknowledged more than N ms before the kill").isPositive();
      LOG.info("kill -9 figures: requests sent {} ({} spans each); acknowledged {} ({} spans); settled {} spans, "
              + "all readable after restart; in-flight acknowledged {} spans: {} readable, {} lost (the oldest "
              + "lost one acknowledged {} ms before the kill, negative if its answer raced the kill); {} requests not acknowledged (503 or cut); queue drain "
              + "after the settled batch {} ms, N = {} ms, {} in-flight spans older than N all readable",
          sentRequests, SPANS_PER_REQUEST, settled.size() + inFlight.size(),
          (settled.size() + inFlight.size()) * SPANS_PER_REQUEST, settled.size() * SPANS_PER_REQUEST,
          inFlight.size() * SPANS_PER_REQUEST, readable * SPANS_PER_REQUEST, lost * SPANS_PER_REQUEST, oldestLostMillis,
          sentRequests - settled.size() - inFlight.size(), drainMillis,
          TimeUnit.NANOSECONDS.toMillis(n), oldEnough * SPANS_PER_REQUEST);
      // the restarted binary still takes writes on the recovered store
      ConcurrentLinkedQueue<Ack> after = new ConcurrentLinkedQueue<>();
      assertThat(post(second, after)).isTrue();
      String id = after.peek().traceId;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (second.spansOf(id) < SPANS_PER_REQUEST) {
        assertThat(System.nanoTime()).as("new trace readable after restart").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      second.stop();
    }
  }

  private static Thread started(Runnable r) {
    Thread t = new Thread(r, "kill9-sender");
    t.start();
    return t;
  }

  /** Posts one request with a new trace; true if the collector answered 200 (recorded), false if it is gone. */
  private boolean post(Child child, ConcurrentLinkedQueue<Ack> acks) {
    long low = nextTrace.getAndIncrement();
    byte[] traceId = ByteBuffer.allocate(16).putLong(runId).putLong(low).array();
    String hex = String.format("%016x%016x", runId, low);
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
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(
        ResourceSpans.newBuilder().setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder()
            .setKey("service.name").setValue(AnyValue.newBuilder().setStringValue(SERVICE))))
            .addScopeSpans(scope)).build();
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(child.otlpUrl))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray())).build(),
          HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) {
        acks.add(new Ack(hex, System.nanoTime()));
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private record Metrics(long savedOk, long queueLength) {}

  /** The all-in-one in a child JVM on free loopback ports, with the store in {@code dir/keys} and {@code dir/values}. */
  private static final class Child {
    final Process process;
    final Path log;
    final String adminUrl;
    final String queryUrl;
    final String otlpUrl;

    private Child(Process process, Path log, int admin, int query, int otlp) {
      this.process = process;
      this.log = log;
      this.adminUrl = "http://127.0.0.1:" + admin + "/";
      this.queryUrl = "http://127.0.0.1:" + query + "/";
      this.otlpUrl = "http://127.0.0.1:" + otlp + "/v1/traces";
    }

    static Child start(Path dir, String name) throws Exception {
      for (int attempt = 1; ; attempt++) {
        Child c = startOnce(dir, name + "-" + attempt);
        if (c.awaitHealthy()) {
          return c;
        }
        String out = Files.readString(c.log);
        c.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        // a port probed free can be taken before the child binds it: retry with new ports
        if (attempt >= 3 || !out.contains("address already in use")) {
          throw new AssertionError("all-in-one did not become healthy; its output:\n" + tail(out));
        }
      }
    }

    private static Child startOnce(Path dir, String name) throws IOException {
      Map<String, String> env = Map.of(
          "SPAN_STORAGE_TYPE", "badger",
          "BADGER_EPHEMERAL", "false",
          "BADGER_DIRECTORY_KEY", dir.resolve("keys").toString(),
          "BADGER_DIRECTORY_VALUE", dir.resolve("values").toString());
      int admin = freePort();
      int query = freePort();
      int otlp = freePort();
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), AllInOneMain.class.getName()));
      for (Flag f : JaegerMain.flags(AllInOneMain.spec(), env)) {
        if (f.type() != Flag.Type.HOST_PORT || f.defaultValue().isEmpty()) {
          continue;
        }
        int port = switch (f.name()) {
          case "admin.http.host-port" -> admin;
          case "query.http-server.host-port" -> query;
          case "collector.otlp.http.host-port" -> otlp;
          default -> freePort();
        };
        cmd.add("--" + f.name() + "=127.0.0.1:" + port);
      }
      Path log = dir.resolve("child-" + name + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return new Child(pb.start(), log, admin, query, otlp);
    }

    private boolean awaitHealthy() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          if (get(adminUrl).statusCode() == 200) {
            return true;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      return false;
    }

    Metrics metrics() throws Exception {
      long saved = 0;
      long queue = 0;
      for (String line : get(adminUrl + "metrics").body().split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (line.startsWith("jaeger_collector_spans_saved_by_svc") && line.contains("result=\"ok\"")) {
          saved += (long) v;
        } else if (line.startsWith("jaeger_collector_queue_length")) {
          queue += (long) v;
        }
      }
      return new Metrics(saved, queue);
    }

    /** Spans of the trace readable over /api/traces, 0 if it is not found. */
    int spansOf(String traceId) throws Exception {
      HttpResponse<String> r = get(queryUrl + "api/traces/" + traceId + "?raw=true");
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

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(String s) {
      return s.length() <= 4_000 ? s : s.substring(s.length() - 4_000);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
