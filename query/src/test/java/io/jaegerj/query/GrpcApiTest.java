// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.ArchiveTraceRequest;
import io.jaegerj.proto.api_v2.FindTracesRequest;
import io.jaegerj.proto.api_v2.GetDependenciesRequest;
import io.jaegerj.proto.api_v2.GetOperationsRequest;
import io.jaegerj.proto.api_v2.GetServicesRequest;
import io.jaegerj.proto.api_v2.GetTraceRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import io.jaegerj.proto.api_v2.SpansResponseChunk;
import io.jaegerj.proto.api_v2.TraceQueryParameters;
import io.jaegerj.storage.CallerCredentials;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** gRPC api_v2, api_v3, health and reflection on a real port with stubs generated from our protos. */
class GrpcApiTest {
  static QueryServerFixture server;
  static ManagedChannel channel;
  static QueryServiceGrpc.QueryServiceBlockingStub v2;
  static io.jaegerj.proto.api_v3.QueryServiceGrpc.QueryServiceBlockingStub v3;

  @BeforeAll
  static void start() throws Exception {
    server = new QueryServerFixture(false, Map.of(), Clock.systemUTC());
    server.write(Fixtures.traceA());
    server.write(Fixtures.traceB());
    server.write(Fixtures.traceBig());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.module.grpcPort()).usePlaintext().build();
    v2 = QueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    v3 = io.jaegerj.proto.api_v3.QueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private static <T> List<T> drain(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static Timestamp ts(long micros) {
    return ProtoConverter.toTimestamp(micros);
  }

  @Test
  void getTrace_chunksOfTenWithEmbeddedProcess() {
    List<SpansResponseChunk> chunks = drain(v2.getTrace(GetTraceRequest.newBuilder()
        .setTraceId(ProtoConverter.traceIdToBytes(Fixtures.TRACE_BIG)).build()));
    assertThat(chunks).extracting(SpansResponseChunk::getSpansCount).containsExactly(10, 10, 5);
    assertThat(chunks.get(0).getSpans(0).getProcess().getServiceName()).isEqualTo("bulk");
    assertThat(chunks.get(0).getSpans(0).getProcessId()).isEmpty();
  }

  @Test
  void getTrace_adjustedUnlessRaw() {
    GetTraceRequest.Builder req = GetTraceRequest.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {0x5a, (byte) 0xf7, 0x18, 0x3f, (byte) 0xb1, (byte) 0xd4,
            (byte) 0xcf, 0x5f}));
    List<SpansResponseChunk> adjusted = drain(v2.getTrace(req.build()));
    assertThat(adjusted.get(0).getSpans(1).getWarningsList())
        .containsExactly("clock skew adjustment disabled; not applying calculated delta of 3.7ms");
    List<SpansResponseChunk> raw = drain(v2.getTrace(req.setRawTraces(true).build()));
    assertThat(raw.get(0).getSpans(1).getWarningsList()).isEmpty();
  }

  @Test
  void getTrace_errors() {
    assertThatThrownBy(() -> drain(v2.getTrace(GetTraceRequest.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[16])).build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("uninitialized TraceID is not allowed");
        });
    assertThatThrownBy(() -> drain(v2.getTrace(GetTraceRequest.newBuilder()
        .setTraceId(ProtoConverter.traceIdToBytes(new TraceId(0, 0xdead))).build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("trace not found: trace not found");
        });
  }

  @Test
  void archiveTrace_withoutArchive_internal() {
    assertThatThrownBy(() -> v2.archiveTrace(ArchiveTraceRequest.newBuilder()
        .setTraceId(ProtoConverter.traceIdToBytes(Fixtures.TRACE_A)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("failed to archive trace: archive span storage was not configured");
        });
  }

  @Test
  void findTraces_streamsTraceAfterTrace() {
    List<SpansResponseChunk> chunks = drain(v2.findTraces(FindTracesRequest.newBuilder()
        .setQuery(TraceQueryParameters.newBuilder().setServiceName("frontend")
            .setStartTimeMin(ts(Fixtures.T0 - 1_000_000)).setStartTimeMax(ts(Fixtures.T0 + 1_000_000))
            .setSearchDepth(10))
        .build()));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).getSpansCount()).isEqualTo(3);
    assertThatThrownBy(() -> drain(v2.findTraces(FindTracesRequest.getDefaultInstance())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("missing query");
        });
  }

  @Test
  void servicesOperationsDependencies() {
    assertThat(v2.getServices(GetServicesRequest.getDefaultInstance()).getServicesList())
        .contains("frontend", "mysql", "backend", "bulk");
    var ops = v2.getOperations(GetOperationsRequest.newBuilder().setService("frontend").build());
    assertThat(ops.getOperationNamesList()).containsExactlyInAnyOrder("GET /api", "render");
    assertThat(ops.getOperationsList()).extracting(o -> o.getName() + "/" + o.getSpanKind())
        .containsExactlyInAnyOrder("GET /api/server", "render/internal");
    var deps = v2.getDependencies(GetDependenciesRequest.newBuilder()
        .setStartTime(ts(Fixtures.T0 - 1_000_000)).setEndTime(ts(Fixtures.T0 + 1_000_000)).build());
    assertThat(deps.getDependenciesList()).extracting(d -> d.getParent() + ">" + d.getChild() + "=" + d.getCallCount())
        .containsExactly("frontend>mysql=1");
    assertThatThrownBy(() -> v2.getDependencies(GetDependenciesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("StartTime and EndTime must be initialized.");
        });
  }

  @Test
  void v3_getTraceAndFindTraces() {
    List<TracesData> one = drain(v3.getTrace(io.jaegerj.proto.api_v3.GetTraceRequest.newBuilder()
        .setTraceId("5af7183fb1d4cf5f").build()));
    assertThat(one).hasSize(1);
    assertThat(one.get(0).getResourceSpansCount()).isEqualTo(2);
    assertThat(drain(v3.getTrace(io.jaegerj.proto.api_v3.GetTraceRequest.newBuilder().setTraceId("dead").build())))
        .isEmpty();
    assertThatThrownBy(() -> drain(v3.getTrace(io.jaegerj.proto.api_v3.GetTraceRequest.newBuilder()
        .setTraceId("xyz").build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).startsWith("malform trace ID: "));

    List<TracesData> found = drain(v3.findTraces(io.jaegerj.proto.api_v3.FindTracesRequest.newBuilder()
        .setQuery(io.jaegerj.proto.api_v3.TraceQueryParameters.newBuilder().setServiceName("frontend")
            .setStartTimeMin(ts(Fixtures.T0 - 1_000_000)).setStartTimeMax(ts(Fixtures.T0 + 1_000_000)))
        .build()));
    assertThat(found).hasSize(1);
    assertThatThrownBy(() -> drain(v3.findTraces(io.jaegerj.proto.api_v3.FindTracesRequest.newBuilder()
        .setQuery(io.jaegerj.proto.api_v3.TraceQueryParameters.newBuilder().setServiceName("frontend")).build())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).isEqualTo("start time min and max are required parameters"));
    assertThat(v3.getServices(io.jaegerj.proto.api_v3.GetServicesRequest.getDefaultInstance()).getServicesList())
        .contains("bulk");
    assertThat(v3.getOperations(io.jaegerj.proto.api_v3.GetOperationsRequest.newBuilder().setService("backend")
        .build()).getOperationsList()).extracting(o -> o.getName()).containsExactly("work");
  }

  @Test
  void health_servingForJaegersServices() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    for (String s : QueryGrpcServer.HEALTH_SERVICES) {
      assertThat(health.check(HealthCheckRequest.newBuilder().setService(s).build()).getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void reflection_listsQueryServices() throws InterruptedException {
    List<String> names = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
        new StreamObserver<ServerReflectionResponse>() {
          @Override
          public void onNext(ServerReflectionResponse r) {
            r.getListServicesResponse().getServiceList().forEach(s -> names.add(s.getName()));
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    req.onCompleted();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(names).contains("jaeger.api_v2.QueryService", "jaeger.api_v3.QueryService", "grpc.health.v1.Health");
  }

  @Test
  void bearerToken_boundToCallerCredentialsWhileTheHandlerRuns() {
    List<String> seen = new ArrayList<>();
    ServerCallHandler<String, String> handler = (call, headers) -> new ServerCall.Listener<>() {
      @Override
      public void onHalfClose() {
        seen.add(CallerCredentials.current()
            .map(CallerCredentials.Credentials::bearerToken).orElse("none"));
      }
    };
    ServerCall<String, String> call = new ServerCall<>() {
      @Override
      public void request(int numMessages) {}

      @Override
      public void sendHeaders(Metadata headers) {}

      @Override
      public void sendMessage(String message) {}

      @Override
      public void close(Status status, Metadata trailers) {}

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public MethodDescriptor<String, String> getMethodDescriptor() {
        return null;
      }
    };
    Metadata md = new Metadata();
    md.put(QueryGrpcServer.BEARER_TOKEN, "tok");
    new QueryGrpcServer.BearerInterceptor().interceptCall(call, md, handler).onHalfClose();
    assertThat(seen).containsExactly("tok");
    assertThat(CallerCredentials.current()).isEmpty();
  }

  @Test
  void bearerToken_multipleValues_rejected() {
    Metadata md = new Metadata();
    md.put(QueryGrpcServer.BEARER_TOKEN, "a");
    md.put(QueryGrpcServer.BEARER_TOKEN, "b");
    assertThatThrownBy(() -> v2.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .getServices(GetServicesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).isEqualTo("malformed token: multiple tokens found"));
  }
}
