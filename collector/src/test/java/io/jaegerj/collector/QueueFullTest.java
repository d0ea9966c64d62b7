// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (collector.module.started().pipeline().queuedSpans() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
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
}
