// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jaegerj.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching, bounded buffering, retries and per-item failures of the bulk processor, over real HTTP. */
class BulkProcessorTest {
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private String serve(Function<String, String[]> answer) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      bodies.add(body);
      String[] statusAndBody = answer.apply(body);
      byte[] out = statusAndBody[1].getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(Integer.parseInt(statusAndBody[0]), out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private BulkProcessor processor(String url, Map<String, String> flags) throws Exception {
    Map<String, String> o = new HashMap<>(flags);
    o.put("es.server-urls", url);
    o.put("es.http-compression", "false");
    EsConfig c = EsConfig.from(Settings.defaults(EsFlags.all(), o), "es");
    return new BulkProcessor(new EsClient(c, "es."), c, meters, "test");
  }

  private static List<byte[][]> actions(int n, String tag) {
    List<byte[][]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new byte[][] {"{\"index\":{\"_index\":\"i\"}}".getBytes(StandardCharsets.UTF_8),
          ("{\"n\":\"" + tag + i + "\"}").getBytes(StandardCharsets.UTF_8)});
    }
    return out;
  }

  private static String okItems(String body) {
    int n = (int) body.lines().count() / 2;
    StringBuilder b = new StringBuilder("{\"errors\":false,\"items\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"index\":{\"status\":201}}");
    }
    return b.append("]}").toString();
  }

  @Test
  void submit_splitsIntoBatchesOfBulkActions_andAcknowledgesAfterAll() throws Exception {
    String url = serve(body -> new String[] {"200", okItems(body)});
    try (BulkProcessor p = processor(url, Map.of("es.bulk.actions", "4", "es.bulk.flush-interval", "20ms"))) {
      p.submit(actions(10, "a")).get(10, TimeUnit.SECONDS);
    }
    assertThat(bodies).extracting(b -> b.lines().count()).containsExactly(8L, 8L, 4L);
    assertThat(String.join("", bodies)).contains("\"a0\"", "\"a9\"");
    assertThat(meters.get("jaeger.es.bulk.stored.items").counter().count()).isEqualTo(10);
  }

  @Test
  void itemFailures_failTheOwningWriteOnly_and429ItemsAreRetried() throws Exception {
    AtomicInteger throttled = new AtomicInteger();
    // by document: x0 is rejected for good, x1 throttled once, everything else stored
    String url = serve(body -> {
      StringBuilder b = new StringBuilder("{\"errors\":true,\"items\":[");
      String[] lines = body.split("\n");
      for (int i = 1; i < lines.length; i += 2) {
        String status = lines[i].contains("\"x0\"") ? "400,\"error\":{\"type\":\"mapper_parsing_exception\"}"
            : lines[i].contains("\"x1\"") && throttled.getAndIncrement() == 0 ? "429" : "201";
        b.append(i == 1 ? "" : ",").append("{\"index\":{\"status\":").append(status).append("}}");
      }
      return new String[] {"200", b.append("]}").toString()};
    });
    try (BulkProcessor p = processor(url, Map.of("es.bulk.actions", "4", "es.bulk.flush-interval", "0s"))) {
      CompletableFuture<Void> first = p.submit(actions(2, "x"));
      CompletableFuture<Void> second = p.submit(actions(2, "y"));
      assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasMessageContaining("status 400");
      second.get(10, TimeUnit.SECONDS);
    }
    // the idle committer took x at once; the retry of the throttled item carries only that item
    assertThat(bodies.get(0)).contains("\"x0\"", "\"x1\"");
    assertThat(bodies.get(1)).contains("\"x1\"").doesNotContain("\"x0\"").doesNotContain("\"y");
    assertThat(String.join("", bodies)).contains("\"y0\"", "\"y1\"");
    assertThat(meters.get("jaeger.es.bulk.failed.items").counter().count()).isEqualTo(1);
    assertThat(meters.get("jaeger.es.bulk.stored.items").counter().count()).isEqualTo(3);
  }

  @Test
  void idleCommitter_sendsAWriteAtOnce_withoutWaitingForTheFlushInterval() throws Exception {
    String url = serve(body -> new String[] {"200", okItems(body)});
    try (BulkProcessor p = processor(url, Map.of("es.bulk.actions", "1000", "es.bulk.flush-interval", "1h"))) {
      p.submit(actions(3, "n")).get(10, TimeUnit.SECONDS);
      p.submit(actions(2, "m")).get(10, TimeUnit.SECONDS);
    }
    assertThat(bodies).extracting(b -> b.lines().count()).containsExactly(6L, 4L);
  }

  @Test
  void busyCommitters_coalesceTheWritesArrivingMeanwhile_intoOneBulk() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String url = serve(body -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new String[] {"200", okItems(body)};
    });
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try (BulkProcessor p = processor(url, Map.of("es.bulk.actions", "1000", "es.bulk.workers", "2",
        "es.bulk.flush-interval", "1h"))) {
      all.add(p.submit(actions(1, "a")));
      all.add(p.submit(actions(1, "b")));
      // both committers busy: these 30 writes wait in one open batch
      for (int i = 0; i < 30; i++) {
        all.add(p.submit(actions(2, "c" + i + "-")));
      }
      assertThat(p.pendingActions()).isEqualTo(62);
      release.countDown();
      for (CompletableFuture<Void> f : all) {
        f.get(20, TimeUnit.SECONDS);
      }
    }
    // two single writes and one coalesced bulk; the second committer's request may reach the server after the
    // coalesced one when the first committer is released before the second one's request was read
    assertThat(bodies).extracting(b -> b.lines().count()).containsExactlyInAnyOrder(2L, 2L, 120L);
    assertThat(meters.get("jaegerj.es.bulk.requests").counter().count()).isEqualTo(3);
    assertThat(meters.get("jaegerj.es.bulk.actions").counter().count()).isEqualTo(62);
  }

  @Test
  void serverErrors_areRetried_thenTheWriteSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String url = serve(body -> calls.incrementAndGet() < 3
        ? new String[] {"503", "{\"error\":\"busy\"}"} : new String[] {"200", okItems(body)});
    try (BulkProcessor p = processor(url, Map.of("es.bulk.flush-interval", "10ms"))) {
      p.submit(actions(3, "r")).get(10, TimeUnit.SECONDS);
    }
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void badRequest_failsWithoutRetry() throws Exception {
    String url = serve(body -> new String[] {"400", "{\"error\":\"bad\"}"});
    try (BulkProcessor p = processor(url, Map.of("es.bulk.flush-interval", "10ms"))) {
      assertThatThrownBy(() -> p.submit(actions(1, "b")).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("status 400");
    }
    assertThat(bodies).hasSize(1);
  }

  @Test
  void fullBuffer_makesWritesWait_andCompletesThemInOrderOnceRoomFrees() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String url = serve(body -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new String[] {"200", okItems(body)};
    });
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try (BulkProcessor p = processor(url, Map.of("es.bulk.actions", "5", "es.bulk.workers", "1",
        "es.bulk.flush-interval", "0s"))) {
      for (int i = 0; i < 12; i++) {
        all.add(p.submit(actions(5, "w" + i + "-")));
      }
      // (1 worker + 4) x 5 actions may be pending; the 7 others wait without failing and without blocking us
      assertThat(p.pendingActions()).isEqualTo(25);
      assertThat(p.waitingWrites()).isEqualTo(7);
      assertThat(all).noneMatch(CompletableFuture::isDone);
      release.countDown();
      for (CompletableFuture<Void> f : all) {
        f.get(20, TimeUnit.SECONDS);
      }
      assertThat(p.pendingActions()).isZero();
      assertThat(p.waitingWrites()).isZero();
    }
    assertThat(meters.get("jaeger.es.bulk.waited").counter().count()).isEqualTo(7);
    assertThat(meters.get("jaeger.es.bulk.stored.items").counter().count()).isEqualTo(60);
    List<String> docs = new ArrayList<>();
    for (String body : bodies) {
      for (String line : body.split("\n")) {
        if (line.contains("\"w")) {
          docs.add(line);
        }
      }
    }
    assertThat(docs).hasSize(60);
    assertThat(docs.get(0)).contains("w0-");
    assertThat(docs.get(59)).contains("w11-");
  }

  @Test
  void tooManyRequests_isRetriedBeyondTheRetryWindowAsPushback() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String url = serve(body -> calls.incrementAndGet() <= 2
        ? new String[] {"429", "{\"error\":\"es_rejected_execution_exception\"}"}
        : new String[] {"200", okItems(body)});
    try (BulkProcessor p = processor(url, Map.of("es.bulk.flush-interval", "10ms"))) {
      p.submit(actions(2, "t")).get(10, TimeUnit.SECONDS);
    }
    assertThat(calls.get()).isEqualTo(3);
  }
}
