// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import io.jaegerj.proto.api_v2.GetServicesRequest;
import io.jaegerj.proto.api_v2.GetTraceRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A 10,000-span trace through HTTP and gRPC, and gRPC tenancy. */
class LargeTraceTest {
  private static final Logger log = LoggerFactory.getLogger(LargeTraceTest.class);

  static List<Span> bigTrace(TraceId id, int n) {
    List<Span> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      Span.Builder b = Span.builder().traceId(id).spanId(i).operationName("op" + (i % 50))
          .startTimeMicros(Fixtures.T0 + i).durationMicros(100 + i % 7)
          .tags(List.of(KeyValue.string("span.kind", i % 2 == 0 ? "client" : "server"), KeyValue.int64("i", i)))
          .process(Process.of("svc" + (i % 5), KeyValue.string("ip", "10.0.0." + (i % 5))));
      if (i > 1) {
        b.addReference(SpanRef.childOf(id, i / 2));
      }
      out.add(b.build());
    }
    return out;
  }

  @Test
  void tenThousandSpans_httpAndGrpc() throws Exception {
    TraceId id = new TraceId(0, 0x10000);
    try (QueryServerFixture s = new QueryServerFixture()) {
      s.write(bigTrace(id, 10_000));
      long t0 = System.nanoTime();
      HttpResponse<String> r = s.get("/api/traces/" + id);
      long httpMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body().split("\"operationName\"", -1)).hasSize(10_001);

      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.module.grpcPort()).usePlaintext().build();
      try {
        AtomicInteger chunks = new AtomicInteger();
        AtomicInteger spans = new AtomicInteger();
        long t1 = System.nanoTime();
        QueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
            .getTrace(GetTraceRequest.newBuilder().setTraceId(ProtoConverter.traceIdToBytes(id)).build())
            .forEachRemaining(c -> {
              chunks.incrementAndGet();
              spans.addAndGet(c.getSpansCount());
            });
        long grpcMs = (System.nanoTime() - t1) / 1_000_000;
        assertThat(chunks.get()).isEqualTo(1000);
        assertThat(spans.get()).isEqualTo(10_000);
        log.info("10,000-span trace: HTTP /api/traces/{id} {} ms ({} bytes), gRPC GetTrace {} ms", httpMs,
            r.body().length(), grpcMs);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void grpcTenancy_checksMetadata() throws Exception {
    try (QueryServerFixture s = new QueryServerFixture(false, Map.of("multi-tenancy.enabled", "true",
        "multi-tenancy.header", "x-tenant", "multi-tenancy.tenants", "acme"), Clock.systemUTC())) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.module.grpcPort()).usePlaintext().build();
      try {
        QueryServiceGrpc.QueryServiceBlockingStub stub = QueryServiceGrpc.newBlockingStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(status(stub, null)).isEqualTo(Status.Code.UNAUTHENTICATED + ": missing tenant header");
        assertThat(status(stub, List.of("initech"))).isEqualTo(Status.Code.PERMISSION_DENIED + ": unknown tenant");
        assertThat(status(stub, List.of("acme", "acme")))
            .isEqualTo(Status.Code.PERMISSION_DENIED + ": extra tenant header");
        assertThat(status(stub, List.of("acme"))).isEqualTo("OK");
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static String status(QueryServiceGrpc.QueryServiceBlockingStub stub, List<String> tenants) {
    Metadata md = new Metadata();
    Metadata.Key<String> key = Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);
    if (tenants != null) {
      tenants.forEach(t -> md.put(key, t));
    }
    try {
      stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
          .getServices(GetServicesRequest.getDefaultInstance());
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }
  }
}
