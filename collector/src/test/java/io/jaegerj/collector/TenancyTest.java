// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.jaegerj.collector.zipkin.ZipkinReceiver;
import io.jaegerj.collector.zipkin.ZipkinTestAccess;
import io.jaegerj.config.Flag;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.PostSpansRequest;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.storage.GetTraceQuery;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.junit.jupiter.api.Test;

/**
 * multi-tenancy.* on every receiver: Jaeger's codes and messages on gRPC, the header checked on HTTP (also on 14268
 * and 9411, where Jaeger 1.74 does not check it), and the checked tenant carried with the batch to the storage writer.
 */
class TenancyTest {
  @Test
  void tenancyEnabled_missingExtraUnknownAndValidTenants() throws Exception {
    try (TestCollector c = new TestCollector(Map.of("multi-tenancy.enabled", "true",
        "multi-tenancy.tenants", "acme,globex"))) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", c.otlpGrpcPort()).usePlaintext().build();
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(ch);
        // Empty requests are never checked.
        stub.export(ExportTraceServiceRequest.getDefaultInstance());
        assertStatus(() -> stub.export(BadInputTest.request("t", 31, 1)), Status.Code.PERMISSION_DENIED,
            "missing tenant header");
        assertStatus(() -> withTenant(stub, "initech").export(BadInputTest.request("t", 32, 1)),
            Status.Code.PERMISSION_DENIED, "unknown tenant");
        assertStatus(() -> withTenant(withTenant(stub, "acme"), "globex").export(BadInputTest.request("t", 33, 1)),
            Status.Code.PERMISSION_DENIED, "extra tenant header");
        withTenant(stub, "acme").export(BadInputTest.request("t", 34, 1));
        c.awaitTrace("acme", new TraceId(7, 34), 1);
        assertThat(c.storage.reader().getTrace(GetTraceQuery.of(new TraceId(7, 34)))).isEmpty();
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.otlpHttpPort()
          + "/v1/traces")).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(BadInputTest.request("t", 35, 1).toByteArray()));
      HttpResponse<byte[]> denied = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(denied.statusCode()).isEqualTo(403);
      assertThat(com.google.rpc.Status.parseFrom(denied.body()).getMessage()).isEqualTo("missing tenant header");
      HttpResponse<byte[]> ok = http.send(req.header("x-tenant", "globex").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ok.statusCode()).isEqualTo(200);
      c.awaitTrace("globex", new TraceId(7, 35), 1);
      assertThat(c.storage.reader().getTrace(GetTraceQuery.of("acme", new TraceId(7, 35)))).isEmpty();
      assertThat(c.scrape()).contains("reason=\"tenancy\",receiver=\"otlp-grpc\"} 3.0");
    }
  }

  @Test
  void everyReceiver_writesForTheTenantItChecked() throws Exception {
    try (TestCollector c = new TestCollector(Map.of("multi-tenancy.enabled", "true"))) {
      // OTLP gRPC (4317)
      ManagedChannel otlp = NettyChannelBuilder.forAddress("127.0.0.1", c.otlpGrpcPort()).usePlaintext().build();
      ManagedChannel jaeger = NettyChannelBuilder.forAddress("127.0.0.1", c.jaegerGrpcPort()).usePlaintext().build();
      try {
        withTenant(TraceServiceGrpc.newBlockingStub(otlp), "t-otlp-grpc").export(BadInputTest.request("t", 41, 1));
        c.awaitTrace("t-otlp-grpc", new TraceId(7, 41), 1);

        // Jaeger gRPC (14250)
        CollectorServiceGrpc.CollectorServiceBlockingStub stub = CollectorServiceGrpc.newBlockingStub(jaeger);
        PostSpansRequest post = PostSpansRequest.newBuilder().setBatch(Batch.newBuilder()
            .addSpans(ProtoConverter.toProto(io.jaegerj.model.Span.builder().traceId(new TraceId(7, 42)).spanId(1)
                .operationName("op").startTimeMicros(1_700_000_000_000_000L).durationMicros(5).build(), false))
            .setProcess(ProtoConverter.toProto(io.jaegerj.model.Process.of("svc")))).build();
        assertStatus(() -> stub.postSpans(post), Status.Code.PERMISSION_DENIED, "missing tenant header");
        assertStatus(() -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tenant(""))).postSpans(post),
            Status.Code.UNAUTHENTICATED, "missing tenant header");
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tenant("t-jaeger-grpc"))).postSpans(post);
        c.awaitTrace("t-jaeger-grpc", new TraceId(7, 42), 1);
      } finally {
        otlp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        jaeger.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      HttpClient http = HttpClient.newHttpClient();
      // OTLP HTTP (4318)
      HttpRequest.Builder otlpHttp = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.otlpHttpPort()
          + "/v1/traces")).header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(BadInputTest.request("t", 43, 1).toByteArray()));
      assertThat(http.send(otlpHttp.copy().header("x-tenant", "").build(), HttpResponse.BodyHandlers.ofByteArray())
          .statusCode()).isEqualTo(403);
      assertThat(http.send(otlpHttp.copy().header("x-tenant", "a").header("x-tenant", "b").build(),
          HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(403);
      assertThat(http.send(otlpHttp.header("x-tenant", "t-otlp-http").build(),
          HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);
      c.awaitTrace("t-otlp-http", new TraceId(7, 43), 1);

      // Jaeger Thrift HTTP (14268)
      io.jaegertracing.thriftjava.Span thrift =
          new io.jaegertracing.thriftjava.Span(44, 7, 1, 0, "op", 0, 1_700_000_000_000_000L, 1_000);
      byte[] body = new TSerializer(new TBinaryProtocol.Factory())
          .serialize(new io.jaegertracing.thriftjava.Batch(new io.jaegertracing.thriftjava.Process("svc"),
              List.of(thrift)));
      HttpRequest.Builder thriftHttp = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.jaegerHttpPort()
          + "/api/traces")).header("Content-Type", "application/x-thrift")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      HttpResponse<String> refused = http.send(thriftHttp.copy().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).isEqualTo("missing tenant header\n");
      assertThat(http.send(thriftHttp.header("X-Tenant", "t-jaeger-http").build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      c.awaitTrace("t-jaeger-http", new TraceId(7, 44), 1);

      for (String t : List.of("t-otlp-grpc", "t-jaeger-grpc", "t-otlp-http", "t-jaeger-http", "")) {
        for (long low = 41; low <= 44; low++) {
          boolean own = c.storage.tenants.get(new TraceId(7, low)).equals(t);
          assertThat(c.storage.reader().getTrace(GetTraceQuery.of(t, new TraceId(7, low))).isPresent())
              .as("trace %s as '%s'", low, t).isEqualTo(own);
        }
      }
    }
  }

  @Test
  void zipkin_writesForTheTenantItChecked() throws Exception {
    List<Flag> flags = new ArrayList<>(ZipkinReceiver.flags());
    flags.add(Flag.bool("multi-tenancy.enabled", false, ""));
    flags.add(Flag.string("multi-tenancy.header", "x-tenant", ""));
    flags.add(Flag.string("multi-tenancy.tenants", "", ""));
    try (io.jaegerj.collector.zipkin.TestCollector z = new io.jaegerj.collector.zipkin.TestCollector(flags,
        Map.of("collector.zipkin.host-port", "127.0.0.1:0", "multi-tenancy.enabled", "true",
            "multi-tenancy.tenants", "acme"))) {
      int port = ZipkinTestAccess.start(z, Tenancy.from(z.context.settings()));
      String json = "[{\"traceId\":\"000000000000002d\",\"id\":\"0000000000000001\",\"name\":\"op\","
          + "\"timestamp\":1700000000000000,\"duration\":5,\"localEndpoint\":{\"serviceName\":\"svc\"}}]";
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/spans"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> missing = http.send(req.copy().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(403);
      assertThat(missing.body()).isEqualTo("missing tenant header\n");
      HttpResponse<String> unknown = http.send(req.copy().header("x-tenant", "evil").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(403);
      assertThat(unknown.body()).isEqualTo("unknown tenant\n");
      assertThat(z.received).isEmpty();
      assertThat(http.send(req.header("x-tenant", "acme").build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(202);
      assertThat(z.tenants).containsExactly("acme");
      assertThat(z.received).hasSize(1);
    }
  }

  private static Metadata tenant(String t) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), t);
    return m;
  }

  private static TraceServiceGrpc.TraceServiceBlockingStub withTenant(TraceServiceGrpc.TraceServiceBlockingStub stub,
      String tenant) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  private static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(message);
    });
  }
}
