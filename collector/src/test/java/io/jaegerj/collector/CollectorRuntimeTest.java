// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.GetTraceQuery;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The collector inside the shared runtime ({@code JaegerMain.start}) with the real memory storage. */
class CollectorRuntimeTest {
  static final String[] LOOPBACK = {
      "--admin.http.host-port=127.0.0.1:0",
      "--collector.otlp.grpc.host-port=127.0.0.1:0", "--collector.otlp.http.host-port=127.0.0.1:0",
      "--collector.grpc-server.host-port=127.0.0.1:0", "--collector.http-server.host-port=127.0.0.1:0",
      "--agent.http-server.host-port=", "--collector.tags=site=lab",
      "--processor.jaeger-compact.server-host-port=", "--processor.jaeger-binary.server-host-port=",
      "--processor.zipkin-compact.server-host-port="};

  private static BinarySpec spec(CollectorModule module) {
    BinarySpec base = CollectorMain.spec();
    return new BinarySpec(base.name(), base.description(), base.defaultSpanStorageType(), base.defaultAdminHostPort(),
        base.pipelineFlags(), List.of(module));
  }

  @Test
  void start_memoryStorage_otlpRoundTripAndMetricsOnAdminPort() throws Exception {
    CollectorModule module = new CollectorModule();
    String[] args = LOOPBACK;
    try (JaegerMain.Running running = JaegerMain.start(spec(module), args,
        Map.of("SPAN_STORAGE_TYPE", "memory"))) {
      int otlpPort = module.started().grpcServers().get(0).getPort();
      io.grpc.ManagedChannel ch = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", otlpPort)
          .usePlaintext().build();
      try {
        TraceServiceGrpc.newBlockingStub(ch).export(BadInputTest.request("rt-svc", 21, 3));
      } finally {
        ch.shutdownNow();
      }
      TraceId id = new TraceId(7, 21);
      long deadline = System.nanoTime() + 10_000_000_000L;
      Optional<Trace> t = Optional.empty();
      while (System.nanoTime() < deadline && t.isEmpty()) {
        t = running.storage().reader().getTrace(GetTraceQuery.of(id));
        Thread.sleep(10);
      }
      assertThat(t).isPresent();
      assertThat(t.get().spans().get(0).process().serviceName()).isEqualTo("rt-svc");
      assertThat(t.get().spans().get(0).process().tags())
          .contains(io.jaegerj.model.KeyValue.string("site", "lab"));
      assertThat(running.storage().reader().getServices("")).contains("rt-svc");

      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + running.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("jaeger_collector_spans_saved_by_svc_total{debug=\"false\",result=\"ok\","
          + "svc=\"rt-svc\"} 1.0").contains("jaeger_collector_queue_capacity{host=");
    }
    // close() drained and stopped everything the collector started.
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(n -> n.startsWith("jaeger-collector-worker-") || n.startsWith("jaeger-sampling-reload"))
          .toList();
      Thread.sleep(10);
    } while (!left.isEmpty() && System.nanoTime() < deadline);
    assertThat(left).isEmpty();
    for (io.grpc.Server s : module.started().grpcServers()) {
      assertThat(s.isTerminated()).isTrue();
    }
    try (java.net.Socket ignored = new java.net.Socket("127.0.0.1",
        module.started().httpServers().get(0).port())) {
      throw new AssertionError("OTLP HTTP port still accepts connections");
    } catch (java.net.ConnectException expected) {
      // closed
    }
  }

  @Test
  void start_invalidQueueSizeOrSamplingType_refused() {
    String[] bad = java.util.Arrays.copyOf(LOOPBACK, LOOPBACK.length + 1);
    bad[bad.length - 1] = "--collector.queue-size=0";
    assertThatThrownBy(() -> JaegerMain.start(spec(new CollectorModule()), bad, Map.of("SPAN_STORAGE_TYPE", "memory")))
        .hasMessageContaining("collector.queue-size");
    assertThatThrownBy(() -> JaegerMain.start(spec(new CollectorModule()), LOOPBACK,
        Map.of("SPAN_STORAGE_TYPE", "memory", "SAMPLING_CONFIG_TYPE", "bogus")))
        .hasMessageContaining("bogus");
  }
}
