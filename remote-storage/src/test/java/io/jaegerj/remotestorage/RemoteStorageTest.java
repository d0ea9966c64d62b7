// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.otlp.ModelToOtlp;
import io.jaegerj.proto.storage.v1.GetServicesRequest;
import io.jaegerj.proto.storage.v1.SpanReaderPluginGrpc;
import io.jaegerj.proto.storage.v2.GetTraceParams;
import io.jaegerj.proto.storage.v2.GetTracesRequest;
import io.jaegerj.proto.storage.v2.TraceReaderGrpc;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.grpc.StorageServices;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** jaeger-remote-storage as a binary: v1 and v2 APIs, OTLP writes, health, admin port, tenancy guard. */
class RemoteStorageTest {
  static Span span(TraceId id, String service, String op) {
    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    return Span.builder().traceId(id).spanId(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
        .operationName(op)
        .startTimeMicros(now).durationMicros(1000)
        .process(new Process(service, List.of()))
        .build();
  }

  static TraceId newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new TraceId(r.nextLong(1, Long.MAX_VALUE), r.nextLong(1, Long.MAX_VALUE));
  }

  @Test
  void memory_writtenThroughGrpcClient_isReadThroughV1AndV2() throws Exception {
    try (RemoteStorageFixture rs = new RemoteStorageFixture(Map.of());
        StorageFactory client = rs.client(Map.of())) {
      TraceId id = newTraceId();
      client.spanWriter().write("", List.of(span(id, "svc-a", "op-1"), span(id, "svc-b", "op-2")))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);

      Optional<Trace> t = client.spanReader().getTrace(GetTraceQuery.of(id));
      assertThat(t).isPresent();
      assertThat(t.get().spans()).hasSize(2);
      assertThat(client.spanReader().getServices("")).contains("svc-a", "svc-b");
      assertThat(client.spanReader().getTrace(GetTraceQuery.of(newTraceId()))).isEmpty();

      ManagedChannel ch = NettyChannelBuilder.forTarget(rs.address()).usePlaintext().build();
      try {
        List<TracesData> chunks = new ArrayList<>();
        TraceReaderGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getTraces(GetTracesRequest.newBuilder()
                .addQuery(GetTraceParams.newBuilder().setTraceId(
                    ByteString.copyFrom(id.toBytes())))
                .addQuery(GetTraceParams.newBuilder().setTraceId(
                    ByteString.copyFrom(newTraceId().toBytes())))
                .build())
            .forEachRemaining(chunks::add);
        assertThat(chunks).as("one chunk per known trace, unknown IDs skipped").hasSize(1);
        int spans = chunks.get(0).getResourceSpansList().stream()
            .flatMap(r -> r.getScopeSpansList().stream()).mapToInt(s -> s.getSpansCount()).sum();
        assertThat(spans).isEqualTo(2);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void otlpExport_isStoredAndReadable() throws Exception {
    try (RemoteStorageFixture rs = new RemoteStorageFixture(Map.of());
        StorageFactory client = rs.client(Map.of())) {
      TraceId id = newTraceId();
      TracesData data = ModelToOtlp.toTracesData(Trace.of(List.of(span(id, "otlp-svc", "export"))));
      ManagedChannel ch = NettyChannelBuilder.forTarget(rs.address()).usePlaintext().build();
      try {
        TraceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(ExportTraceServiceRequest.newBuilder()
                .addAllResourceSpans(data.getResourceSpansList()).build());
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      Optional<Trace> t = client.spanReader().getTrace(GetTraceQuery.of(id));
      assertThat(t).isPresent();
      assertThat(t.get().spans().get(0).process().serviceName()).isEqualTo("otlp-svc");
    }
  }

  @Test
  void health_servingForEveryStorageService_andAdminPortServesMetrics() throws Exception {
    try (RemoteStorageFixture rs = new RemoteStorageFixture(Map.of())) {
      ManagedChannel ch = NettyChannelBuilder.forTarget(rs.address()).usePlaintext().build();
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        List<String> names = new ArrayList<>(StorageServices.healthServiceNames());
        names.add("");
        assertThat(names).contains("jaeger.storage.v1.SpanReaderPlugin", "jaeger.storage.v2.TraceReader");
        for (String name : names) {
          assertThat(health.check(HealthCheckRequest.newBuilder().setService(name).build()).getStatus())
              .as(name).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> root = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + rs.running.adminPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(root.statusCode()).isEqualTo(200);
      assertThat(root.body()).contains("Server available");
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + rs.running.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jaeger_remote_storage_build_info");
    }
  }

  @Test
  void tenancy_guardsEveryStorageCall_withJaegersStatuses() throws Exception {
    try (RemoteStorageFixture rs = new RemoteStorageFixture(Map.of(), "--multi-tenancy.enabled=true",
        "--multi-tenancy.tenants=acme,globex")) {
      ManagedChannel ch = NettyChannelBuilder.forTarget(rs.address()).usePlaintext().build();
      try {
        SpanReaderPluginGrpc.SpanReaderPluginBlockingStub stub =
            SpanReaderPluginGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertStatus(() -> stub.getServices(GetServicesRequest.getDefaultInstance()),
            Status.Code.UNAUTHENTICATED, "missing tenant header");
        assertStatus(() -> withTenants(stub, "initech").getServices(GetServicesRequest.getDefaultInstance()),
            Status.Code.PERMISSION_DENIED, "unknown tenant");
        assertStatus(() -> withTenants(stub, "acme", "globex").getServices(GetServicesRequest.getDefaultInstance()),
            Status.Code.PERMISSION_DENIED, "extra tenant header");
        assertThat(withTenants(stub, "acme").getServices(GetServicesRequest.getDefaultInstance()).getServicesList())
            .isNotNull();
        // Probes carry no tenant: health answers anyway.
        assertThat(HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static SpanReaderPluginGrpc.SpanReaderPluginBlockingStub withTenants(
      SpanReaderPluginGrpc.SpanReaderPluginBlockingStub stub, String... tenants) {
    Metadata md = new Metadata();
    for (String t : tenants) {
      md.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), t);
    }
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private static void assertStatus(Runnable call, Status.Code code, String description) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(description);
    });
  }
}
