// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.CollectorMain;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.testing.Poll;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * The whole collector started by the shared runtime ({@code JaegerMain.start}) with the real memory storage: spans
 * sent by Zipkin's reporter to 9411 and by jaeger-client-java to 6831 are read back through the runtime's storage
 * reader, and refusals show up on the admin port's /metrics.
 */
class ZipkinAndAgentRuntimeTest {
  static int freeTcpPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Optional<Trace> await(JaegerMain.Running running, TraceId id, int spans) throws Exception {
    return Poll.read(Duration.ofSeconds(10), () -> running.storage().reader().getTrace(GetTraceQuery.of(id)),
        t -> t.isPresent() && t.get().spans().size() >= spans);
  }

  @Test
  void runtime_zipkinReporterAndJaegerUdpClient_readBackFromMemoryStorage() throws Exception {
    int zipkinPort = freeTcpPort();
    int compactPort = freeUdpPort();
    String[] args = {
        "--admin.http.host-port=127.0.0.1:0",
        "--collector.otlp.grpc.host-port=127.0.0.1:0", "--collector.otlp.http.host-port=127.0.0.1:0",
        "--collector.grpc-server.host-port=127.0.0.1:0", "--collector.http-server.host-port=127.0.0.1:0",
        "--agent.http-server.host-port=",
        "--collector.zipkin.host-port=127.0.0.1:" + zipkinPort,
        "--processor.jaeger-compact.server-host-port=127.0.0.1:" + compactPort,
        "--processor.jaeger-binary.server-host-port=", "--processor.zipkin-compact.server-host-port="};
    try (JaegerMain.Running running = JaegerMain.start(CollectorMain.spec(), args,
        Map.of("SPAN_STORAGE_TYPE", "memory"))) {
      zipkin2.Span z = zipkin2.Span.newBuilder().traceId("00000000000000000000000000abcdef").id("0000000000000001")
          .kind(zipkin2.Span.Kind.SERVER).name("zipkin-op").timestamp(1_700_000_000_000_000L).duration(10L)
          .localEndpoint(Endpoint.newBuilder().serviceName("zipkin-svc").build()).putTag("k", "v").build();
      URLConnectionSender sender = URLConnectionSender.newBuilder()
          .endpoint("http://127.0.0.1:" + zipkinPort + "/api/v2/spans").encoding(Encoding.PROTO3).build();
      try (AsyncReporter<zipkin2.Span> reporter = AsyncReporter.builder(sender)
          .build(zipkin2.reporter.SpanBytesEncoder.PROTO3)) {
        reporter.report(z);
        reporter.flush();
      } finally {
        sender.close();
      }

      UdpSender udp = new UdpSender("127.0.0.1", compactPort, 65000);
      JaegerTracer tracer = new JaegerTracer.Builder("udp-svc")
          .withReporter(new RemoteReporter.Builder().withSender(udp).build())
          .withSampler(new ConstSampler(true)).build();
      JaegerSpan js = tracer.buildSpan("udp-op").withTag("answer", 42).start();
      js.finish();
      tracer.close();

      Optional<Trace> zt = await(running, new TraceId(0, 0xabcdefL), 1);
      assertThat(zt).isPresent();
      Span zs = zt.get().spans().get(0);
      assertThat(zs.process().serviceName()).isEqualTo("zipkin-svc");
      assertThat(zs.tags()).contains(KeyValue.string("k", "v"), KeyValue.string("span.kind", "server"));

      TraceId udpTrace = new TraceId(js.context().getTraceIdHigh(), js.context().getTraceIdLow());
      Optional<Trace> ut = await(running, udpTrace, 1);
      assertThat(ut).isPresent();
      Span us = ut.get().spans().get(0);
      assertThat(us.operationName()).isEqualTo("udp-op");
      assertThat(us.tag("answer")).isEqualTo(KeyValue.int64("answer", 42));
      assertThat(running.storage().reader().getServices("")).contains("zipkin-svc", "udp-svc");

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zipkinPort
          + "/api/v2/spans")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("not json")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
      try (DatagramSocket s = new DatagramSocket()) {
        s.send(new DatagramPacket(garbage, garbage.length, InetAddress.getLoopbackAddress(), compactPort));
      }

      String metricsUrl = "http://127.0.0.1:" + running.adminPort() + "/metrics";
      String expectedUdpError = "jaeger_agent_thrift_udp_t_processor_handler_errors_total{model=\"jaeger\","
          + "protocol=\"compact\"} 1.0";
      String metrics = Poll.read(Duration.ofSeconds(10), () -> http.send(HttpRequest.newBuilder(URI.create(metricsUrl))
          .build(), HttpResponse.BodyHandlers.ofString()).body(), m -> m.contains(expectedUdpError));
      assertThat(metrics).contains(expectedUdpError)
          .contains("jaeger_collector_receiver_errors_total{reason=\"malformed\",receiver=\"zipkin\"} 1.0")
          .contains("jaeger_agent_thrift_udp_server_packets_processed_total{model=\"jaeger\",protocol=\"compact\"}");
    }
  }
}
