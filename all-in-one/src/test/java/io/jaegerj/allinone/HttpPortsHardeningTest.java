// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.server.JaegerMain;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP port of the all-in-one (OTLP 4318, Jaeger 14268, Zipkin 9411, agent sampling 5778, query 16686, admin
 * 14269, here on free loopback ports) with its default limits: a client sending its headers slowly is disconnected
 * after the 2 s read-header timeout while other clients are served, and a request that cannot be framed reliably
 * (RFC 9112) is answered 400 and its connection closed.
 */
class HttpPortsHardeningTest {
  private static JaegerMain.Running running;
  private static final Map<String, Integer> PORTS = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    String[] names = {"otlp-http", "jaeger-http", "zipkin", "agent-sampling", "query-http"};
    String[] flags = {"collector.otlp.http.host-port", "collector.http-server.host-port",
        "collector.zipkin.host-port", "agent.http-server.host-port", "query.http-server.host-port"};
    String[] args = new String[flags.length + 7];
    for (int i = 0; i < flags.length; i++) {
      int port = AllInOneMainTest.freePort();
      PORTS.put(names[i], port);
      args[i] = "--" + flags[i] + "=127.0.0.1:" + port;
    }
    int i = flags.length;
    args[i++] = "--admin.http.host-port=127.0.0.1:0";
    args[i++] = "--collector.otlp.grpc.host-port=127.0.0.1:" + AllInOneMainTest.freePort();
    args[i++] = "--collector.grpc-server.host-port=127.0.0.1:" + AllInOneMainTest.freePort();
    args[i++] = "--query.grpc-server.host-port=127.0.0.1:" + AllInOneMainTest.freePort();
    args[i++] = "--processor.jaeger-compact.server-host-port=";
    args[i++] = "--processor.jaeger-binary.server-host-port=";
    args[i] = "--processor.zipkin-compact.server-host-port=";
    running = JaegerMain.start(AllInOneMain.spec(), args, Map.of());
    PORTS.put("admin", running.adminPort());
  }

  @AfterAll
  static void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Test
  void everyPort_slowHeaders_disconnectedAfterReadHeaderTimeout_whileOthersServed() throws Exception {
    Map<String, CompletableFuture<Long>> slow = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> p : PORTS.entrySet()) {
      slow.put(p.getKey(), RawHttp.trickleHeaders(p.getValue(), Duration.ofMillis(100)));
    }
    Thread.sleep(300); // the slow clients are connected and trickling
    for (Map.Entry<String, Integer> p : PORTS.entrySet()) {
      String answer = RawHttp.exchange(p.getValue(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(answer).as("%s serves others meanwhile", p.getKey()).matches("(?s)HTTP/1\\.1 [2-5]\\d\\d .*");
    }
    for (Map.Entry<String, CompletableFuture<Long>> s : slow.entrySet()) {
      Duration cutOff = Duration.ofNanos(s.getValue().get(20, TimeUnit.SECONDS));
      assertThat(cutOff).as("%s cuts off a slow-header client after the 2 s read-header timeout", s.getKey())
          .isGreaterThan(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(6));
    }
  }

  @Test
  void everyPort_conflictingFraming_400AndConnectionClosed() throws Exception {
    for (Map.Entry<String, Integer> p : PORTS.entrySet()) {
      RawHttp.assertRefusedAndClosed(p.getValue(), "POST /api/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", "400");
      RawHttp.assertRefusedAndClosed(p.getValue(), "POST /api/traces HTTP/1.1\r\nHost: x\r\n"
          + "Transfer-Encoding: xchunked\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", "400");
      RawHttp.assertRefusedAndClosed(p.getValue(), "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "400");
    }
  }
}
