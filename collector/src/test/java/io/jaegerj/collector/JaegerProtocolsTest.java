// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.jaegerj.proto.api_v2.SamplingManagerGrpc;
import io.jaegerj.proto.api_v2.SamplingStrategyParameters;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.proto.api_v2.SamplingStrategyType;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.thrift.internal.senders.HttpSender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jaeger-client-java over HTTP 14268, the api_v2 gRPC stubs on 14250, and the sampling endpoints. */
class JaegerProtocolsTest {
  static final String STRATEGIES = """
      {"default_strategy":{"type":"probabilistic","param":0.5},
       "service_strategies":[
         {"service":"foo","type":"probabilistic","param":0.8,
          "operation_strategies":[{"operation":"op1","type":"probabilistic","param":0.2}]},
         {"service":"bar","type":"ratelimiting","param":5}]}
      """;

  @TempDir
  Path dir;
  private TestCollector collector;
  private ManagedChannel channel;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("strategies.json");
    Files.writeString(file, STRATEGIES);
    collector = new TestCollector(Map.of("sampling.strategies-file", file.toString(),
        "collector.tags", "zone=${ZONE},dc=west"), k -> k.equals("ZONE") ? "z9" : null);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.jaegerGrpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  @Test
  void jaegerClientHttpSender_spansStoredFieldByField() throws Exception {
    HttpSender sender = new HttpSender.Builder("http://127.0.0.1:" + collector.jaegerHttpPort() + "/api/traces")
        .build();
    JaegerTracer tracer = new JaegerTracer.Builder("legacy-svc")
        .withReporter(new RemoteReporter.Builder().withSender(sender).withFlushInterval(50).build())
        .withSampler(new ConstSampler(true)).withTag("build", "42").build();
    JaegerSpan root = tracer.buildSpan("root-op").withTag("http.method", "GET").withTag("count", 7).start();
    JaegerSpan child = tracer.buildSpan("child-op").asChildOf(root).withTag("ok", true).start();
    child.log(1_700_000_000_000_001L, Map.of("event", "cache-miss"));
    child.finish(child.getStart() + 1500);
    root.finish(root.getStart() + 9000);
    tracer.close();

    TraceId id = new TraceId(root.context().getTraceIdHigh(), root.context().getTraceIdLow());
    Trace t = collector.awaitTrace(id, 2);
    Span r = byId(t, root.context().getSpanId());
    Span c = byId(t, child.context().getSpanId());
    assertThat(r.operationName()).isEqualTo("root-op");
    assertThat(r.startTimeMicros()).isEqualTo(root.getStart());
    assertThat(r.durationMicros()).isEqualTo(9000);
    assertThat(r.flags() & Span.FLAG_SAMPLED).isEqualTo(Span.FLAG_SAMPLED);
    assertThat(r.tags()).contains(KeyValue.string("http.method", "GET"), KeyValue.int64("count", 7),
        KeyValue.string("sampler.type", "const"), KeyValue.bool("sampler.param", true));
    assertThat(c.references()).containsExactly(SpanRef.childOf(id, root.context().getSpanId()));
    assertThat(c.tags()).contains(KeyValue.bool("ok", true));
    assertThat(c.tags().get(c.tags().size() - 1)).isEqualTo(KeyValue.string("@jaeger@format", "jaeger"));
    assertThat(c.logs()).hasSize(1);
    assertThat(c.logs().get(0).timestampMicros()).isEqualTo(1_700_000_000_000_001L);
    assertThat(c.logs().get(0).fields()).containsExactly(KeyValue.string("event", "cache-miss"));
    Process p = c.process();
    assertThat(p.serviceName()).isEqualTo("legacy-svc");
    // collector.tags are appended and the process tags sorted by key.
    assertThat(p.tags()).contains(KeyValue.string("build", "42"), KeyValue.string("zone", "z9"),
        KeyValue.string("dc", "west"));
    List<String> keys = p.tags().stream().map(KeyValue::key).toList();
    assertThat(keys).isSorted();
    assertThat(collector.scrape()).contains("jaeger_collector_spans_received_total{debug=\"false\",format=\"jaeger\","
        + "svc=\"legacy-svc\",transport=\"http\"} 2.0")
        .contains("jaeger_collector_traces_received_total{debug=\"false\",format=\"jaeger\",sampler_type=\"const\","
            + "svc=\"legacy-svc\",transport=\"http\"} 1.0");
  }

  @Test
  void postSpans_grpcStub_storesSpansWithBatchProcess() throws Exception {
    TraceId id = new TraceId(0x11, 0x22);
    Span s1 = Span.builder().traceId(id).spanId(1).operationName("a").startTimeMicros(1_700_000_000_000_000L)
        .durationMicros(5).addTag(KeyValue.float64("f", 2.5)).build();
    Span s2 = s1.toBuilder().spanId(2).operationName("b").addReference(SpanRef.childOf(id, 1))
        .process(Process.of("own-process")).build();
    Batch batch = Batch.newBuilder()
        .addSpans(ProtoConverter.toProto(s1, false)).addSpans(ProtoConverter.toProto(s2, true))
        .setProcess(ProtoConverter.toProto(Process.of("batch-svc", KeyValue.string("ip", "10.0.0.1")))).build();
    CollectorServiceGrpc.newBlockingStub(channel).postSpans(PostSpansRequest.newBuilder().setBatch(batch).build());

    Trace t = collector.awaitTrace(id, 2);
    Span a = byId(t, 1);
    assertThat(a.process().serviceName()).isEqualTo("batch-svc");
    assertThat(a.process().tags()).containsExactly(KeyValue.string("dc", "west"), KeyValue.string("ip", "10.0.0.1"),
        KeyValue.string("zone", "z9"));
    assertThat(a.tags()).containsExactly(KeyValue.float64("f", 2.5), KeyValue.string("@jaeger@format", "proto"));
    assertThat(byId(t, 2).process().serviceName()).isEqualTo("own-process");
    assertThat(byId(t, 2).references()).containsExactly(SpanRef.childOf(id, 1));
    assertThat(collector.scrape()).contains("format=\"proto\",svc=\"batch-svc\",transport=\"grpc\"} 1.0");
  }

  @Test
  void postSpans_badSpanIdLength_invalidArgument() {
    io.jaegerj.proto.api_v2.Span bad = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[3])).build();
    assertThatThrownBy(() -> CollectorServiceGrpc.newBlockingStub(channel).postSpans(PostSpansRequest.newBuilder()
        .setBatch(Batch.newBuilder().addSpans(bad)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(collector.scrape()).contains(
        "jaeger_collector_receiver_errors_total{reason=\"malformed\",receiver=\"jaeger-grpc\"} 1.0");
  }

  @Test
  void samplingManagerAndHealth_onGrpcPort() {
    SamplingStrategyResponse foo = SamplingManagerGrpc.newBlockingStub(channel)
        .getSamplingStrategy(SamplingStrategyParameters.newBuilder().setServiceName("foo").build());
    assertThat(foo.getProbabilisticSampling().getSamplingRate()).isEqualTo(0.8);
    assertThat(foo.getOperationSampling().getPerOperationStrategies(0).getOperation()).isEqualTo("op1");
    SamplingStrategyResponse bar = SamplingManagerGrpc.newBlockingStub(channel)
        .getSamplingStrategy(SamplingStrategyParameters.newBuilder().setServiceName("bar").build());
    assertThat(bar.getStrategyType()).isEqualTo(SamplingStrategyType.RATE_LIMITING);
    assertThat(bar.getRateLimitingSampling().getMaxTracesPerSecond()).isEqualTo(5);
    for (String service : List.of("", "jaeger.api_v2.CollectorService", "jaeger.api_v2.SamplingManager")) {
      assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService(service).build())
          .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void samplingHttp_collectorAndAgentPorts() throws Exception {
    HttpResponse<String> foo = get(collector.jaegerHttpPort(), "/api/sampling?service=foo");
    assertThat(foo.statusCode()).isEqualTo(200);
    assertThat(foo.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(foo.body()).isEqualTo("{\"strategyType\":\"PROBABILISTIC\",\"probabilisticSampling\":{\"samplingRate\""
        + ":0.8},\"operationSampling\":{\"defaultSamplingProbability\":0.8,\"defaultLowerBoundTracesPerSecond\":0,"
        + "\"perOperationStrategies\":[{\"operation\":\"op1\",\"probabilisticSampling\":{\"samplingRate\":0.2}}],"
        + "\"defaultUpperBoundTracesPerSecond\":0}}");
    assertThat(get(collector.jaegerHttpPort(), "/api/sampling?service=other").body())
        .isEqualTo("{\"strategyType\":\"PROBABILISTIC\",\"probabilisticSampling\":{\"samplingRate\":0.5}}");
    HttpResponse<String> missing = get(collector.jaegerHttpPort(), "/api/sampling");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).isEqualTo("'service' parameter must be provided once\n");
    assertThat(get(collector.jaegerHttpPort(), "/api/sampling?service=a&service=b").statusCode()).isEqualTo(400);

    assertThat(get(collector.agentHttpPort(), "/sampling?service=bar").body())
        .isEqualTo("{\"strategyType\":\"RATE_LIMITING\",\"rateLimitingSampling\":{\"maxTracesPerSecond\":5}}");
    assertThat(get(collector.agentHttpPort(), "/?service=bar").body())
        .isEqualTo("{\"strategyType\":1,\"rateLimitingSampling\":{\"maxTracesPerSecond\":5}}");
    assertThat(get(collector.agentHttpPort(), "/nope?service=bar").statusCode()).isEqualTo(404);
    assertThat(collector.scrape()).contains("jaeger_collector_http_server_requests_total{type=\"sampling\"} 6.0")
        .contains("jaeger_collector_http_server_errors_total{source=\"all\",status=\"4xx\"} 2.0")
        .contains("jaeger_collector_http_request_duration_count{method=\"GET\",path=\"/api/sampling\",status=\"400\"}"
            + " 2\n")
        .contains("jaeger_collector_http_request_duration_bucket{method=\"GET\",path=\"/api/sampling\",status=\"200\","
            + "le=\"0.005\"}");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Span byId(Trace t, long id) {
    return t.spans().stream().filter(s -> s.spanId() == id).findFirst().orElseThrow();
  }
}
