// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.allinone.AllInOneMain;
import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * Runs the generator end to end for about two seconds per protocol against an in-process all-in-one, after a
 * one-second warm-up (without it, on a loaded machine, a cold protocol's first requests could all complete after the
 * two-second window and leave it empty).
 */
class LoadGenSmokeTest {
  static JaegerMain.Running server;
  static Map<String, String> env = new HashMap<>();

  /**
   * Distinct free ports: the sockets stay open until all are chosen, so the system cannot hand out the same port
   * twice (it did: two listeners on one port failed the start in CI).
   */
  static int[] freePorts(int n) throws Exception {
    ServerSocket[] open = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        open[i] = new ServerSocket(0);
        ports[i] = open[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : open) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    String[] vars = {"COLLECTOR_GRPC_SERVER_HOST_PORT", "COLLECTOR_HTTP_SERVER_HOST_PORT",
        "COLLECTOR_OTLP_GRPC_HOST_PORT", "COLLECTOR_OTLP_HTTP_HOST_PORT", "COLLECTOR_ZIPKIN_HOST_PORT",
        "QUERY_GRPC_SERVER_HOST_PORT", "QUERY_HTTP_SERVER_HOST_PORT", "AGENT_HTTP_SERVER_HOST_PORT",
        "PROCESSOR_JAEGER_COMPACT_SERVER_HOST_PORT", "PROCESSOR_JAEGER_BINARY_SERVER_HOST_PORT",
        "PROCESSOR_ZIPKIN_COMPACT_SERVER_HOST_PORT"};
    // a port chosen free can still be taken by another process before the server binds it: choose again then
    for (int attempt = 1; ; attempt++) {
      int[] ports = freePorts(vars.length);
      for (int i = 0; i < vars.length; i++) {
        env.put(vars[i], "127.0.0.1:" + ports[i]);
      }
      env.put("SPAN_STORAGE_TYPE", "memory");
      try {
        server = JaegerMain.start(AllInOneMain.spec(), new String[] {"--admin.http.host-port=127.0.0.1:0"}, env);
        return;
      } catch (IllegalArgumentException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("cannot listen")) {
          throw e;
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String endpoint(Protocol p) {
    switch (p) {
      case OTLP_GRPC:
        return env.get("COLLECTOR_OTLP_GRPC_HOST_PORT");
      case OTLP_HTTP:
        return "http://" + env.get("COLLECTOR_OTLP_HTTP_HOST_PORT") + "/v1/traces";
      case JAEGER_THRIFT_HTTP:
        return "http://" + env.get("COLLECTOR_HTTP_SERVER_HOST_PORT") + "/api/traces";
      default:
        return "http://" + env.get("COLLECTOR_ZIPKIN_HOST_PORT") + "/api/v2/spans";
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void run_eachProtocol_acceptsEverythingAndReadsItBack(Protocol p) throws Exception {
    LoadGen gen = new LoadGen();
    new CommandLine(gen).parseArgs("--protocol", p.cliName(), "--endpoint", endpoint(p),
        "--query-endpoint", "http://" + env.get("QUERY_HTTP_SERVER_HOST_PORT"),
        "--warmup", "1", "--duration", "2", "--inflight", "4", "--templates", "2", "--traces-per-request", "5",
        "--check-traces", "50", "--trace-queries", "20", "--search-queries", "10");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoadGen.Report r = gen.run(new PrintStream(out, true, StandardCharsets.UTF_8));
    String log = out.toString(StandardCharsets.UTF_8);

    assertThat(r.ingest().errorRequests()).as(log).isZero();
    assertThat(r.ingest().acceptedRequests()).as(log).isPositive();
    assertThat(r.ingest().spansPerSecond()).as(log).isPositive();
    assertThat(r.ingest().p99Millis()).as(log).isPositive();
    assertThat(r.queries().checked()).as(log).isEqualTo(50);
    assertThat(r.queries().complete()).as(log).isEqualTo(50);
    assertThat(r.queries().missingSpans()).as(log).isZero();
    assertThat(r.queries().queryErrors()).as(log).isZero();
    assertThat(r.queries().traceQueries()).isEqualTo(20);
    assertThat(r.queries().searchQueries()).isEqualTo(10);
    // 100 customers over many traces of 10 services: a service+customer search finds traces
    assertThat(r.queries().searchAvgResults()).as(log).isPositive();
    assertThat(r.resultLine()).startsWith("RESULT protocol=" + p.cliName()).contains(" spans_per_sec=");
  }
}
