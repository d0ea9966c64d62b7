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
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** multi-tenancy.* on the OTLP ports: Jaeger's codes and messages on gRPC, the header checked on HTTP. */
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
