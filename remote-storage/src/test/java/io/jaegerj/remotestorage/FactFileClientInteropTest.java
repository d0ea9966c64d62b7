// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.jaegerj.factfile.model.FactModel;
import io.jaegerj.factfile.storage.DependenciesReaderPluginGrpc;
import io.jaegerj.factfile.storage.FactStorage;
import io.jaegerj.factfile.storage.PluginCapabilitiesGrpc;
import io.jaegerj.factfile.storage.SpanReaderPluginGrpc;
import io.jaegerj.factfile.storage.SpanWriterPluginGrpc;
import io.jaegerj.factfile.storage.StreamingSpanWriterPluginGrpc;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our jaeger-remote-storage answering a client generated from the fact file of Jaeger's storage.proto (classes
 * that share no code with ours), sending what Jaeger's Go client sends: embedded processes, Go-zero times for unset
 * fields, one WriteSpan per span.
 */
class FactFileClientInteropTest {
  static final long GO_ZERO = -62135596800L;
  static RemoteStorageFixture rs;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    rs = new RemoteStorageFixture(Map.of());
    channel = NettyChannelBuilder.forTarget(rs.address()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    rs.close();
  }

  static ByteString traceId() {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).putLong(ThreadLocalRandom.current().nextLong());
    return ByteString.copyFrom(b.array());
  }

  static ByteString spanId(long v) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(v).array());
  }

  static Timestamp nowTs(long offsetMillis) {
    long ms = System.currentTimeMillis() + offsetMillis;
    return Timestamp.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
  }

  static FactModel.Span span(ByteString traceId, long spanId, String service, String op, long durationMicros) {
    return FactModel.Span.newBuilder().setTraceId(traceId).setSpanId(spanId(spanId)).setOperationName(op)
        .setStartTime(nowTs(-1000)).setDuration(Duration.newBuilder().setNanos((int) durationMicros * 1000))
        .addTags(FactModel.KeyValue.newBuilder().setKey("span.kind").setVStr("server"))
        .addTags(FactModel.KeyValue.newBuilder().setKey("http.status_code").setVType(FactModel.ValueType.INT64)
            .setVInt64(200))
        .setProcess(FactModel.Process.newBuilder().setServiceName(service)
            .addTags(FactModel.KeyValue.newBuilder().setKey("hostname").setVStr("h1")))
        .build();
  }

  static void write(FactModel.Span s) {
    SpanWriterPluginGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .writeSpan(FactStorage.WriteSpanRequest.newBuilder().setSpan(s).build());
  }

  static SpanReaderPluginGrpc.SpanReaderPluginBlockingStub reader() {
    return SpanReaderPluginGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static Timestamp goZero() {
    return Timestamp.newBuilder().setSeconds(GO_ZERO).build();
  }

  @Test
  void writeSpan_thenGetTrace_withGoZeroTimes_returnsEmbeddedProcessesInChunksOfAtMost1000() {
    ByteString id = traceId();
    for (int i = 1; i <= 2100; i++) {
      write(span(id, i, "fact-chunks", "op", 100));
    }
    List<FactStorage.SpansResponseChunk> chunks = new ArrayList<>();
    reader().getTrace(FactStorage.GetTraceRequest.newBuilder().setTraceId(id)
        .setStartTime(goZero()).setEndTime(goZero()).build()).forEachRemaining(chunks::add);
    assertThat(chunks).extracting(FactStorage.SpansResponseChunk::getSpansCount).containsExactly(1000, 1000, 100);
    FactModel.Span first = chunks.get(0).getSpans(0);
    assertThat(first.getTraceId()).isEqualTo(id);
    assertThat(first.getProcess().getServiceName()).isEqualTo("fact-chunks");
    assertThat(first.getProcess().getTagsList()).extracting(FactModel.KeyValue::getKey).contains("hostname");
    assertThat(first.getTagsList()).anySatisfy(kv -> {
      assertThat(kv.getKey()).isEqualTo("http.status_code");
      assertThat(kv.getVType()).isEqualTo(FactModel.ValueType.INT64);
      assertThat(kv.getVInt64()).isEqualTo(200);
    });
  }

  @Test
  void getTrace_unknown_isNotFoundWithJaegersMessage() {
    assertThatThrownBy(() -> reader().getTrace(FactStorage.GetTraceRequest.newBuilder().setTraceId(traceId())
        .build()).forEachRemaining(c -> { }))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("trace not found");
        });
  }

  @Test
  void findTraces_findTraceIds_operationsAndServices_answerAsJaegerClientsExpect() {
    ByteString a = traceId();
    ByteString b = traceId();
    write(span(a, 1, "fact-find", "GET /a", 500));
    write(span(a, 2, "fact-find", "GET /a", 500));
    write(span(b, 3, "fact-find", "GET /b", 5000));
    FactStorage.TraceQueryParameters.Builder q = FactStorage.TraceQueryParameters.newBuilder()
        .setServiceName("fact-find").setStartTimeMin(nowTs(-3_600_000)).setStartTimeMax(nowTs(60_000))
        .setDurationMin(Duration.getDefaultInstance()).setDurationMax(Duration.getDefaultInstance())
        .putTags("http.status_code", "200").setNumTraces(20);
    List<FactStorage.SpansResponseChunk> chunks = new ArrayList<>();
    reader().findTraces(FactStorage.FindTracesRequest.newBuilder().setQuery(q).build()).forEachRemaining(chunks::add);
    Set<ByteString> traces = new HashSet<>();
    for (FactStorage.SpansResponseChunk c : chunks) {
      Set<ByteString> inChunk = new HashSet<>();
      c.getSpansList().forEach(s -> inChunk.add(s.getTraceId()));
      assertThat(inChunk).as("a chunk never mixes traces").hasSize(1);
      traces.addAll(inChunk);
    }
    assertThat(traces).containsExactlyInAnyOrder(a, b);

    q.setDurationMin(Duration.newBuilder().setNanos(1_000_000));
    assertThat(reader().findTraceIDs(FactStorage.FindTraceIDsRequest.newBuilder().setQuery(q).build())
        .getTraceIdsList()).containsExactly(b);

    FactStorage.GetOperationsResponse ops = reader().getOperations(FactStorage.GetOperationsRequest.newBuilder()
        .setService("fact-find").setSpanKind("server").build());
    assertThat(ops.getOperationNamesList()).containsExactlyInAnyOrder("GET /a", "GET /b");
    assertThat(ops.getOperationsList()).extracting(FactStorage.Operation::getSpanKind).containsOnly("server");
    assertThat(reader().getServices(FactStorage.GetServicesRequest.getDefaultInstance()).getServicesList())
        .contains("fact-find");
  }

  @Test
  void findTraces_withoutService_isInvalidArgument() {
    assertThatThrownBy(() -> reader().findTraces(FactStorage.FindTracesRequest.newBuilder()
        .setQuery(FactStorage.TraceQueryParameters.newBuilder().setStartTimeMin(nowTs(-1000))
            .setStartTimeMax(nowTs(0))).build()).forEachRemaining(c -> { }))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void capabilities_dependencies_streamingAndClose() throws Exception {
    FactStorage.CapabilitiesResponse caps = PluginCapabilitiesGrpc.newBlockingStub(channel)
        .capabilities(FactStorage.CapabilitiesRequest.getDefaultInstance());
    assertThat(caps.getArchiveSpanReader()).isFalse();
    assertThat(caps.getArchiveSpanWriter()).isFalse();
    assertThat(caps.getStreamingSpanWriter()).isFalse();

    ByteString id = traceId();
    FactModel.Span parent = span(id, 10, "fact-dep-parent", "p", 10);
    FactModel.Span child = span(id, 11, "fact-dep-child", "c", 10).toBuilder()
        .addReferences(FactModel.SpanRef.newBuilder().setTraceId(id).setSpanId(spanId(10))).build();
    // The streaming writer stores a stream's spans before answering it.
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<FactStorage.WriteSpanRequest> stream = StreamingSpanWriterPluginGrpc.newStub(channel)
        .writeSpanStream(new StreamObserver<>() {
          @Override
          public void onNext(FactStorage.WriteSpanResponse value) {}

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    stream.onNext(FactStorage.WriteSpanRequest.newBuilder().setSpan(parent).build());
    stream.onNext(FactStorage.WriteSpanRequest.newBuilder().setSpan(child).build());
    stream.onCompleted();
    done.get(10, TimeUnit.SECONDS);

    FactStorage.GetDependenciesResponse deps = DependenciesReaderPluginGrpc.newBlockingStub(channel)
        .getDependencies(FactStorage.GetDependenciesRequest.newBuilder().setStartTime(nowTs(-3_600_000))
            .setEndTime(nowTs(60_000)).build());
    assertThat(deps.getDependenciesList()).anySatisfy(l -> {
      assertThat(l.getParent()).isEqualTo("fact-dep-parent");
      assertThat(l.getChild()).isEqualTo("fact-dep-child");
      assertThat(l.getCallCount()).isEqualTo(1);
    });
    SpanWriterPluginGrpc.newBlockingStub(channel).close(FactStorage.CloseWriterRequest.getDefaultInstance());
    // Close leaves the shared backend open for the other clients.
    write(span(traceId(), 12, "fact-after-close", "op", 1));
  }
}
