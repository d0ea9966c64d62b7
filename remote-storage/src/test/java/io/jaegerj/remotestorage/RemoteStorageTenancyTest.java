// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.storage.v2.GetTraceParams;
import io.jaegerj.proto.storage.v2.GetTracesRequest;
import io.jaegerj.proto.storage.v2.TraceReaderGrpc;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tenancy through the hop: jaeger-remote-storage with {@code --multi-tenancy.enabled} in front of memory, written
 * and read by the {@code grpc} storage client, which forwards each call's tenant under the tenant header. Two
 * tenants write the same service names and even the same trace ID; every read (trace by ID, services, operations,
 * search, dependencies, the v2 TraceReader) sees only its own tenant's spans, and calls without an allowed tenant
 * are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteStorageTenancyTest {
  static final String ACME = "acme";
  static final String GLOBEX = "globex";

  RemoteStorageFixture rs;
  StorageFactory client;
  final TraceId shared = RemoteStorageTest.newTraceId();
  final TraceId acmeOnly = RemoteStorageTest.newTraceId();
  final TraceId globexOnly = RemoteStorageTest.newTraceId();

  @BeforeAll
  void start() throws Exception {
    rs = new RemoteStorageFixture(Map.of(), "--multi-tenancy.enabled=true",
        "--multi-tenancy.tenants=" + ACME + "," + GLOBEX);
    client = rs.client(Map.of());
    Span acmeRoot = RemoteStorageTest.span(shared, "shop", "checkout");
    Span acmeChild = child(RemoteStorageTest.span(shared, "payments", "charge"), acmeRoot);
    client.spanWriter().write(ACME, List.of(acmeRoot, acmeChild,
            RemoteStorageTest.span(acmeOnly, "shop", "acme-op"),
            RemoteStorageTest.span(acmeOnly, "acme-private", "secret")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    Span globexRoot = RemoteStorageTest.span(shared, "shop", "browse");
    Span globexChild = child(RemoteStorageTest.span(shared, "search", "lookup"), globexRoot);
    client.spanWriter().write(GLOBEX, List.of(globexRoot, globexChild,
            RemoteStorageTest.span(globexOnly, "shop", "globex-op")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static Span child(Span span, Span parent) {
    return span.toBuilder().addReference(SpanRef.childOf(parent.traceId(), parent.spanId())).build();
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (rs != null) {
      rs.close();
    }
  }

  static List<String> operationsOf(Trace t) {
    return t.spans().stream().map(Span::operationName).sorted().toList();
  }

  @Test
  void traceById_eachTenantSeesOnlyItsOwnSpans() {
    assertThat(operationsOf(client.spanReader().getTrace(GetTraceQuery.of(ACME, shared)).orElseThrow()))
        .containsExactly("charge", "checkout");
    assertThat(operationsOf(client.spanReader().getTrace(GetTraceQuery.of(GLOBEX, shared)).orElseThrow()))
        .containsExactly("browse", "lookup");
    assertThat(client.spanReader().getTrace(GetTraceQuery.of(GLOBEX, acmeOnly))).isEmpty();
    assertThat(client.spanReader().getTrace(GetTraceQuery.of(ACME, globexOnly))).isEmpty();
    assertThat(client.spanReader().getTrace(GetTraceQuery.of(ACME, acmeOnly))).isPresent();
  }

  @Test
  void servicesOperationsAndSearch_areKeptApart() {
    assertThat(client.spanReader().getServices(ACME)).containsExactlyInAnyOrder("shop", "payments", "acme-private");
    assertThat(client.spanReader().getServices(GLOBEX)).containsExactlyInAnyOrder("shop", "search");
    assertThat(client.spanReader().getOperations(new OperationQuery(ACME, "shop", "")))
        .extracting(Operation::name).containsExactlyInAnyOrder("checkout", "acme-op");
    assertThat(client.spanReader().getOperations(new OperationQuery(GLOBEX, "shop", "")))
        .extracting(Operation::name).containsExactlyInAnyOrder("browse", "globex-op");
    assertThat(client.spanReader().getOperations(new OperationQuery(GLOBEX, "acme-private", ""))).isEmpty();

    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    for (String tenant : List.of(ACME, GLOBEX)) {
      List<Trace> found = client.spanReader().findTraces(TraceQuery.builder("shop").tenant(tenant)
          .startTimeMinMicros(now - 3_600_000_000L).startTimeMaxMicros(now + 60_000_000L).build());
      assertThat(found).as(tenant).extracting(t -> t.spans().get(0).traceId())
          .containsExactlyInAnyOrder(shared, tenant.equals(ACME) ? acmeOnly : globexOnly);
      assertThat(found.stream().flatMap(t -> t.spans().stream()).map(Span::operationName))
          .as(tenant).doesNotContain(tenant.equals(ACME) ? "browse" : "checkout");
    }
    assertThat(client.spanReader().findTraces(TraceQuery.builder("acme-private").tenant(GLOBEX)
        .startTimeMinMicros(now - 3_600_000_000L).startTimeMaxMicros(now + 60_000_000L).build())).isEmpty();
  }

  @Test
  void dependencies_areKeptApart() {
    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    assertThat(client.dependencyReader().getDependencies(ACME, now + 60_000_000L, 3_600_000_000L))
        .extracting(DependencyLink::parent, DependencyLink::child)
        .containsExactly(Tuple.tuple("shop", "payments"));
    assertThat(client.dependencyReader().getDependencies(GLOBEX, now + 60_000_000L, 3_600_000_000L))
        .extracting(DependencyLink::parent, DependencyLink::child)
        .containsExactly(Tuple.tuple("shop", "search"));
  }

  @Test
  void callsWithoutAnAllowedTenant_areRefused() {
    assertThatThrownBy(() -> client.spanReader().getServices(""))
        .hasMessageContaining("missing tenant header");
    assertThatThrownBy(() -> client.spanReader().getServices("initech"))
        .hasMessageContaining("unknown tenant");
    assertThatThrownBy(() -> client.spanWriter().write("initech",
            List.of(RemoteStorageTest.span(RemoteStorageTest.newTraceId(), "intruder", "op")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("unknown tenant");
    assertThat(client.spanReader().getServices(ACME)).doesNotContain("intruder");
    assertThat(client.spanReader().getServices(GLOBEX)).doesNotContain("intruder");
  }

  @Test
  void v2TraceReader_answersOnlyTheHeadersTenant() throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forTarget(rs.address()).usePlaintext().build();
    try {
      assertThat(v2Spans(ch, ACME, shared)).isEqualTo(2);
      assertThat(v2Spans(ch, GLOBEX, shared)).isEqualTo(2);
      assertThat(v2Spans(ch, GLOBEX, acmeOnly)).isZero();
      assertThat(v2Spans(ch, ACME, acmeOnly)).isEqualTo(2);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static int v2Spans(ManagedChannel ch, String tenant, TraceId id) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
    List<TracesData> chunks = new ArrayList<>();
    TraceReaderGrpc.newBlockingStub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getTraces(GetTracesRequest.newBuilder().addQuery(GetTraceParams.newBuilder()
            .setTraceId(ByteString.copyFrom(id.toBytes()))).build())
        .forEachRemaining(chunks::add);
    return chunks.stream().flatMap(c -> c.getResourceSpansList().stream())
        .flatMap(r -> r.getScopeSpansList().stream()).mapToInt(s -> s.getSpansCount()).sum();
  }
}
