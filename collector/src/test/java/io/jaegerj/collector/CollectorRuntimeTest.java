// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.testing.Poll;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
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
  void spanMetrics_flagExposesSpanmetricsConnectorSeries() throws Exception {
    CollectorModule module = new CollectorModule();
    String[] args = Stream.concat(Arrays.stream(LOOPBACK),
        Stream.of("--collector.span-metrics.enabled=true")).toArray(String[]::new);
    try (JaegerMain.Running running = JaegerMain.start(spec(module), args, Map.of("SPAN_STORAGE_TYPE", "memory"))) {
      int otlpPort = module.started().grpcServers().get(0).getPort();
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", otlpPort)
          .usePlaintext().build();
      try {
        TraceServiceGrpc.newBlockingStub(ch).export(BadInputTest.request("sm-svc", 22, 3));
      } finally {
        ch.shutdownNow();
      }
      String body = Poll.read(Duration.ofSeconds(10), () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + running.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body(), b -> b.contains("service_name=\"sm-svc\""));
      assertThat(body).containsPattern("traces_span_metrics_calls_total\\{service_name=\"sm-svc\",span_kind=\""
          + "SPAN_KIND_[A-Z]+\",span_name=\"[^\"]*\",status_code=\"STATUS_CODE_[A-Z]+\"} 1.0")
          .contains("traces_span_metrics_duration_milliseconds_bucket{service_name=\"sm-svc\"");
    }
  }

  @Test
  void start_memoryStorage_otlpRoundTripAndMetricsOnAdminPort() throws Exception {
    CollectorModule module = new CollectorModule();
    String[] args = LOOPBACK;
    try (JaegerMain.Running running = JaegerMain.start(spec(module), args,
        Map.of("SPAN_STORAGE_TYPE", "memory"))) {
      int otlpPort = module.started().grpcServers().get(0).getPort();
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", otlpPort)
          .usePlaintext().build();
      try {
        TraceServiceGrpc.newBlockingStub(ch).export(BadInputTest.request("rt-svc", 21, 3));
      } finally {
        ch.shutdownNow();
      }
      TraceId id = new TraceId(7, 21);
      Optional<Trace> t = Poll.read(Duration.ofSeconds(10),
          () -> running.storage().reader().getTrace(GetTraceQuery.of(id)), Optional::isPresent);
      assertThat(t).isPresent();
      assertThat(t.get().spans().get(0).process().serviceName()).isEqualTo("rt-svc");
      assertThat(t.get().spans().get(0).process().tags())
          .contains(KeyValue.string("site", "lab"));
      assertThat(running.storage().reader().getServices("")).contains("rt-svc");

      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + running.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("jaeger_collector_spans_saved_by_svc_total{debug=\"false\",result=\"ok\","
          + "svc=\"rt-svc\"} 1.0").contains("jaeger_collector_queue_capacity{host=")
          .doesNotContain("traces_span_metrics"); // span metrics are off by default
    }
    // close() drained and stopped everything the collector started.
    List<String> left = Poll.read(Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("jaeger-collector-worker-") || n.startsWith("jaeger-sampling-reload"))
        .toList(), List::isEmpty);
    assertThat(left).isEmpty();
    for (Server s : module.started().grpcServers()) {
      assertThat(s.isTerminated()).isTrue();
    }
    try (Socket ignored = new Socket("127.0.0.1",
        module.started().httpServers().get(0).port())) {
      throw new AssertionError("OTLP HTTP port still accepts connections");
    } catch (ConnectException expected) {
      // closed
    }
  }

  @Test
  void start_invalidQueueSizeOrSamplingType_refused() {
    String[] bad = Arrays.copyOf(LOOPBACK, LOOPBACK.length + 1);
    bad[bad.length - 1] = "--collector.queue-size=0";
    assertThatThrownBy(() -> JaegerMain.start(spec(new CollectorModule()), bad, Map.of("SPAN_STORAGE_TYPE", "memory")))
        .hasMessageContaining("collector.queue-size");
    assertThatThrownBy(() -> JaegerMain.start(spec(new CollectorModule()), LOOPBACK,
        Map.of("SPAN_STORAGE_TYPE", "memory", "SAMPLING_CONFIG_TYPE", "bogus")))
        .hasMessageContaining("bogus");
  }
}
