// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.jaegerj.testing.Poll;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With the single worker stuck in storage and the queue full, every protocol refuses with a retryable status. */
class QueueFullTest {
  private TestCollector collector;
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private ManagedChannel otlp;
  private ManagedChannel jaeger;

  @BeforeEach
  void start() throws Exception {
    collector = new TestCollector(Map.of("collector.queue-size", "1", "collector.num-workers", "1"));
    collector.storage.gate.set(gate);
    otlp = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
    jaeger = NettyChannelBuilder.forAddress("127.0.0.1", collector.jaegerGrpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    gate.complete(null);
    otlp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    jaeger.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  @Test
  void fullQueue_everyProtocolRefusesRetryably_thenDrains() throws Exception {
    TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(otlp);
    stub.export(BadInputTest.request("a", 1, 1)); // taken by the worker, which blocks in storage
    Poll.read(Duration.ofSeconds(5), () -> collector.module.started().pipeline().queuedSpans(), n -> n == 0);
    stub.export(BadInputTest.request("a", 2, 1)); // fills the queue

    assertThatThrownBy(() -> stub.export(BadInputTest.request("a", 3, 1)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).isEqualTo("sending queue is full");
          assertThat(StatusProto.fromThrowable(e).getDetails(0).getTypeUrl()).endsWith("google.rpc.RetryInfo");
        });

    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + collector.otlpHttpPort() + "/v1/traces"))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(BadInputTest.request("a", 4, 1).toByteArray())).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).hasValue("1");
    com.google.rpc.Status body = com.google.rpc.Status.parseFrom(r.body());
    assertThat(body.getCode()).isEqualTo(14);
    assertThat(body.getMessage()).isEqualTo("sending queue is full");

    io.jaegerj.proto.api_v2.Span span = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new TraceId(0, 5).toBytes()))
        .setSpanId(ByteString.copyFrom(new byte[8])).build();
    assertThatThrownBy(() -> CollectorServiceGrpc.newBlockingStub(jaeger).postSpans(PostSpansRequest.newBuilder()
        .setBatch(Batch.newBuilder().addSpans(span).setProcess(io.jaegerj.proto.api_v2.Process.newBuilder()
            .setServiceName("j"))).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    assertThat(collector.scrape()).contains("jaeger_collector_spans_dropped_total")
        .contains("jaeger_collector_receiver_errors_total{reason=\"queue_full\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_queue_length{host=");

    gate.complete(null);
    collector.awaitTrace(new TraceId(7, 1), 1);
    collector.awaitTrace(new TraceId(7, 2), 1);
    assertThat(collector.storage.traces).doesNotContainKey(new TraceId(7, 3));
  }

  /** Fills the queue: one batch blocked in storage, one queued. */
  private void fill() throws Exception {
    TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(otlp);
    stub.export(BadInputTest.request("a", 1, 1));
    Poll.read(Duration.ofSeconds(5), () -> collector.module.started().pipeline().queuedSpans(), n -> n == 0);
    stub.export(BadInputTest.request("a", 2, 1));
  }

  private double dropped() {
    for (String line : collector.scrape().split("\n")) {
      if (line.startsWith("jaeger_collector_spans_dropped_total{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no jaeger_collector_spans_dropped_total");
  }

  private static HttpResponse<byte[]> post(int port, String path, String type, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void fullQueue_refusedBeforeDecoding_spansCountedAsDroppedWhenCountable() throws Exception {
    fill();
    double before = dropped();
    ExportTraceServiceRequest three = BadInputTest.request("a", 3, 1).toBuilder()
        .addResourceSpans(BadInputTest.request("b", 4, 1).getResourceSpans(0))
        .addResourceSpans(BadInputTest.request("c", 5, 1).getResourceSpans(0)).build();
    assertThat(post(collector.otlpHttpPort(), "/v1/traces", "application/x-protobuf", null, three.toByteArray())
        .statusCode()).isEqualTo(503);
    assertThat(dropped() - before).isEqualTo(3.0);

    List<io.jaegertracing.thriftjava.Span> spans = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      spans.add(new io.jaegertracing.thriftjava.Span(6, 0, i, 0, "op", 0, 1, 1));
    }
    byte[] batch = new TSerializer(new TBinaryProtocol.Factory()).serialize(
        new io.jaegertracing.thriftjava.Batch(new io.jaegertracing.thriftjava.Process("t"), spans));
    assertThat(post(collector.jaegerHttpPort(), "/api/traces", "application/x-thrift", null, batch).statusCode())
        .isEqualTo(503);
    assertThat(dropped() - before).isEqualTo(7.0);

    // Compressed: the spans cannot be counted without decompressing, so the request is counted instead.
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(three.toByteArray());
    }
    assertThat(post(collector.otlpHttpPort(), "/v1/traces", "application/x-protobuf", "gzip", gz.toByteArray())
        .statusCode()).isEqualTo(503);
    assertThat(dropped() - before).isEqualTo(7.0);
    assertThat(collector.scrape())
        .contains("jaeger_collector_receiver_errors_total{reason=\"queue_full_undecoded\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"queue_full\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"queue_full\",receiver=\"jaeger-http\"} 1.0");
  }

  @Test
  void fullQueue_otlpGrpcRefusesBeforeDecoding_asOtlpHttpDoes() throws Exception {
    fill();
    double before = dropped();
    ExportTraceServiceRequest three = BadInputTest.request("a", 3, 1).toBuilder()
        .addResourceSpans(BadInputTest.request("b", 4, 1).getResourceSpans(0))
        .addResourceSpans(BadInputTest.request("c", 5, 1).getResourceSpans(0)).build();
    MethodDescriptor<byte[], byte[]> raw = TraceServiceGrpc.getExportMethod().toBuilder(RawGrpc.BYTES, RawGrpc.BYTES)
        .build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(otlp, raw, CallOptions.DEFAULT, three.toByteArray()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(dropped() - before).isEqualTo(3.0);

    // Not even looked at beyond its framing: undecodable bytes are refused as the queue is full, not as malformed.
    byte[] garbage = {0x0a, 0x7f, 0x01};
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(otlp, raw, CallOptions.DEFAULT, garbage))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(dropped() - before).isEqualTo(3.0);
    assertThat(collector.scrape())
        .contains("jaeger_collector_receiver_errors_total{reason=\"queue_full\",receiver=\"otlp-grpc\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"queue_full_undecoded\",receiver=\"otlp-grpc\"} 1.0")
        .doesNotContain("reason=\"malformed\",receiver=\"otlp-grpc\"");
  }
}
