// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live-tail event stream of the real query module over the real memory backend with tenancy on: new traces of
 * the service arrive as events, traces that existed before and other tenants' traces never do, and the number of
 * streams and bad requests are bounded with clear errors.
 */
class LiveTailHandlerTest {
  private static final long NOW = System.currentTimeMillis() * 1000;
  private static QueryServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> f = new HashMap<>();
    f.put("multi-tenancy.enabled", "true");
    f.put("multi-tenancy.header", "x-tenant");
    f.put("multi-tenancy.tenants", "acme,globex");
    server = new QueryServerFixture(false, f, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static List<Span> trace(TraceId id, String service) {
    return List.of(Span.builder().traceId(id).spanId(1).operationName("op").startTimeMicros(NOW - 1_000)
        .durationMicros(1000).process(Process.of(service)).build());
  }

  /** An open event stream whose lines a background reader puts into a queue. */
  private static final class Events implements AutoCloseable {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;

    Events(String tenant, String query) throws Exception {
      HttpRequest req = HttpRequest.newBuilder(URI.create(server.base() + "/api/live/traces" + query))
          .header("x-tenant", tenant).GET().build();
      response = server.http.send(req, HttpResponse.BodyHandlers.ofLines());
      Thread reader = new Thread(() -> {
        try {
          response.body().forEach(lines::add);
        } catch (RuntimeException e) {
          // the stream was closed
        }
      }, "live-tail-test-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** Lines up to and including the first one containing {@code needle}, waiting at most 15 s. */
    List<String> until(String needle) throws InterruptedException {
      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(200, TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
          if (line.contains(needle)) {
            return seen;
          }
        }
      }
      throw new AssertionError("no line with " + needle + " in 15 s; got " + seen);
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  @Test
  void newTraceOfTheTenantArrives_oldOnesAndOtherTenantsDoNot() throws Exception {
    TraceId old = new TraceId(0, 0x1001);
    TraceId other = new TraceId(0, 0x1002);
    TraceId fresh = new TraceId(0, 0x1003);
    server.write("acme", trace(old, "shop"));
    try (Events events = new Events("acme", "?service=shop")) {
      assertThat(events.response.statusCode()).isEqualTo(200);
      assertThat(events.response.headers().firstValue("content-type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("text/event-stream"));
      events.until("retry:");
      server.write("globex", trace(other, "shop"));
      server.write("acme", trace(fresh, "shop"));
      List<String> lines = events.until(fresh.toString());
      assertThat(lines).contains("event: trace", "data: {\"traceID\":\"" + fresh + "\"}");
      assertThat(String.join("\n", lines)).doesNotContain(old.toString()).doesNotContain(other.toString());
      // Reported once only: a later trace arrives without the first one again.
      TraceId next = new TraceId(0, 0x1004);
      server.write("acme", trace(next, "shop"));
      assertThat(String.join("\n", events.until(next.toString()))).doesNotContain(fresh.toString());
    }
  }

  @Test
  void badRequests_getClearErrors() throws Exception {
    HttpResponse<String> noService = server.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/live/traces"))
        .header("x-tenant", "acme").build());
    assertThat(noService.statusCode()).isEqualTo(400);
    assertThat(noService.body()).contains("parameter 'service' is required for live tail");
    HttpResponse<String> noTenant = server.get("/api/live/traces?service=shop");
    assertThat(noTenant.statusCode()).isEqualTo(401);
    HttpResponse<String> post = server.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/live/traces?service=shop"))
        .header("x-tenant", "acme").POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(post.statusCode()).isEqualTo(405);
    // The API next to it still answers.
    assertThat(server.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/services")).header("x-tenant", "acme")
        .build()).statusCode()).isEqualTo(200);
  }

  @Test
  void streamsAreBounded_503BeyondTheLimit() throws Exception {
    List<Events> open = new ArrayList<>();
    try {
      for (int i = 0; i < LiveTailHandler.MAX_CLIENTS; i++) {
        Events e = new Events("globex", "?service=s" + i);
        assertThat(e.response.statusCode()).isEqualTo(200);
        open.add(e);
      }
      assertThat(server.meters.get("jaegerj_query_live_tail_streams").gauge().value()).isEqualTo(LiveTailHandler.MAX_CLIENTS);
      HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> refused = fresh.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/live/traces?service=x"))
          .header("x-tenant", "globex").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("too many live tail streams open (at most " + LiveTailHandler.MAX_CLIENTS + ")");
    } finally {
      open.forEach(Events::close);
    }
    // Closed streams free their places.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    int status = 0;
    while (System.nanoTime() < deadline && status != 200) {
      HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<Stream<String>> r = fresh.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/live/traces?service=x"))
          .header("x-tenant", "globex").build(), HttpResponse.BodyHandlers.ofLines());
      status = r.statusCode();
      r.body().close();
      if (status != 200) {
        Thread.sleep(200);
      }
    }
    assertThat(status).isEqualTo(200);
  }
}
