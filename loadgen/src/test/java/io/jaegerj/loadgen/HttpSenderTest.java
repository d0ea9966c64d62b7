// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Netty sender against the JDK's independent HTTP server. */
class HttpSenderTest {
  HttpServer server;
  final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();
  final Set<String> peers = ConcurrentHashMap.newKeySet();
  final AtomicInteger status = new AtomicInteger(200);
  final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/traces", ex -> {
      requests.incrementAndGet();
      bodies.add(ex.getRequestBody().readAllBytes());
      contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
      peers.add(ex.getRemoteAddress().toString());
      ex.sendResponseHeaders(status.get(), -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  @Test
  void send_keepAlive_bodiesArriveIntactOverReusedConnections() throws Exception {
    try (HttpSender s = new HttpSender(endpoint(), "application/x-protobuf")) {
      for (int i = 0; i < 50; i++) {
        byte[] body = new byte[1000 + i * 997];
        Arrays.fill(body, (byte) i);
        assertThat(s.send(body).get(5, TimeUnit.SECONDS)).isEqualTo(Sender.Result.OK);
      }
    }
    assertThat(bodies).hasSize(50);
    for (int i = 0; i < 50; i++) {
      assertThat(bodies.get(i)).hasSize(1000 + i * 997).containsOnly((byte) i);
    }
    assertThat(contentTypes).containsOnly("application/x-protobuf");
    // one request at a time: one connection reused throughout
    assertThat(peers).hasSize(1);
  }

  @Test
  void send_statusCodes_classified() throws Exception {
    try (HttpSender s = new HttpSender(endpoint(), "application/json")) {
      status.set(202);
      assertThat(s.send(new byte[10]).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACCEPTED);
      status.set(503);
      assertThat(s.send(new byte[10]).get(5, TimeUnit.SECONDS)).isEqualTo(new Sender.Result(Outcome.REJECTED,
          "HTTP 503"));
      status.set(429);
      assertThat(s.send(new byte[10]).get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.REJECTED);
      status.set(400);
      assertThat(s.send(new byte[10]).get(5, TimeUnit.SECONDS)).isEqualTo(new Sender.Result(Outcome.ERROR,
          "HTTP 400"));
    }
  }

  @Test
  void send_nothingListening_error() throws Exception {
    server.stop(0);
    try (HttpSender s = new HttpSender(endpoint(), "application/json")) {
      assertThat(s.send(new byte[10]).get(10, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ERROR);
    }
  }

  @Test
  void ingest_rejected_countedAndSlotBacksOff() throws Exception {
    status.set(503);
    Ingest.Stats st = Ingest.run(new Ingest.Config(Protocol.OTLP_HTTP, endpoint(),
        new Workload(2, 2, 2, 2, 0, 2, 5), 2, 1, Duration.ZERO, Duration.ofSeconds(1), 0, 1, 1,
        Duration.ofMillis(100)), new Reservoir(10), new PrintStream(OutputStream.nullOutputStream()));
    assertThat(st.errorRequests()).isZero();
    assertThat(st.acceptedRequests()).isZero();
    assertThat(st.rejectedRequests()).isEqualTo(requests.get()).isPositive();
    // two slots waiting 100, 200, 400 ms... after refusals in a row: a handful of requests in the second, not
    // thousands
    assertThat(requests.get()).isBetween(2, 12);
  }

  @Test
  void ingest_fixedRate_pacesTheOfferedSpans() throws Exception {
    status.set(200);
    // 4 spans per request at 200 spans/s for 1 s: 50 requests, never more (the pace), not a handful (it sends)
    Ingest.Stats st = Ingest.run(new Ingest.Config(Protocol.OTLP_HTTP, endpoint(),
        new Workload(2, 2, 2, 2, 0, 2, 5), 8, 1, Duration.ZERO, Duration.ofSeconds(1), 0, 1, 1,
        Duration.ZERO, 200), new Reservoir(10), new PrintStream(OutputStream.nullOutputStream()));
    assertThat(st.errorRequests()).isZero();
    assertThat(requests.get()).isBetween(10, 51);
  }
}
