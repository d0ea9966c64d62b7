// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
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
import io.jaegerj.proto.api_v2.ArchiveTraceRequest;
import io.jaegerj.proto.api_v2.FindTracesRequest;
import io.jaegerj.proto.api_v2.GetDependenciesRequest;
import io.jaegerj.proto.api_v2.GetOperationsRequest;
import io.jaegerj.proto.api_v2.GetServicesRequest;
import io.jaegerj.proto.api_v2.GetTraceRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import io.jaegerj.proto.api_v2.TraceQueryParameters;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation through every query API of a running query service (real HTTP and gRPC clients, memory storage
 * with archive, tenancy on without a tenant list, i.e. any tenant accepted): tenant {@code evil} must not see
 * anything {@code acme} wrote, by listing services or operations, by trace ID, by search, by dependencies or through
 * the archive; {@code acme} sees all of it (so each negative read would find the data if tenants were not kept apart).
 */
class CrossTenantQueryTest {
  private static final long NOW_MICROS = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
  private static final long START = NOW_MICROS - TimeUnit.MINUTES.toMicros(5);
  private static final TraceId ACME_TRACE = new TraceId(0xacL, 0x1e);
  private static final TraceId ACME_ARCHIVED = new TraceId(0xacL, 0xa4);
  private static final TraceId EVIL_TRACE = new TraceId(0xe7L, 0x11);

  static QueryServerFixture server;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = new QueryServerFixture(true, Map.of("multi-tenancy.enabled", "true"), Clock.systemUTC());
    server.write("acme", trace(ACME_TRACE, "acme-front", "acme-back"));
    server.writeArchive("acme", trace(ACME_ARCHIVED, "acme-front", "acme-back"));
    server.write("evil", trace(EVIL_TRACE, "evil-front", "evil-back"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.module.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private static List<Span> trace(TraceId id, String front, String back) {
    Span root = Span.builder().traceId(id).spanId(1).operationName(front + "-op").startTimeMicros(START)
        .durationMicros(1000).process(Process.of(front)).addTag(KeyValue.string("span.kind", "server"))
        .addTag(KeyValue.string("secret", "s1")).build();
    Span child = Span.builder().traceId(id).spanId(2).operationName(back + "-op").startTimeMicros(START + 10)
        .durationMicros(100).process(Process.of(back)).addTag(KeyValue.string("span.kind", "client"))
        .addReference(SpanRef.childOf(id, 1)).build();
    return List.of(root, child);
  }

  private static HttpResponse<String> get(String tenant, String path) throws Exception {
    return server.send(HttpRequest.newBuilder(URI.create(server.base() + path)).header("x-tenant", tenant).GET()
        .build());
  }

  private static HttpResponse<String> post(String tenant, String path) throws Exception {
    return server.send(HttpRequest.newBuilder(URI.create(server.base() + path)).header("x-tenant", tenant)
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private static String search(String service) {
    return "service=" + service + "&start=" + (START - 60_000_000L) + "&end=" + NOW_MICROS + "&limit=20";
  }

  @Test
  void httpApi_anotherTenantSeesNothing() throws Exception {
    String deps = "/api/dependencies?endTs=" + (NOW_MICROS / 1000) + "&lookback=3600000";
    String[] paths = {"/api/services", "/api/services/acme-front/operations", "/api/operations?service=acme-front",
        "/api/traces?" + search("acme-front"), "/api/traces/" + ACME_TRACE, "/api/traces/" + ACME_ARCHIVED,
        "/api/traces?traceID=" + ACME_TRACE, deps};
    for (String path : paths) {
      HttpResponse<String> own = get("acme", path);
      assertThat(own.statusCode()).as("acme %s", path).isEqualTo(200);
      assertThat(own.body()).as("acme %s", path).contains("acme-");
      HttpResponse<String> other = get("evil", path);
      assertThat(other.body()).as("evil %s", path).doesNotContain("acme-").doesNotContain("s1");
    }
    assertThat(get("evil", "/api/traces/" + ACME_TRACE).statusCode()).isEqualTo(404);
    assertThat(get("evil", "/api/traces/" + ACME_ARCHIVED).statusCode()).isEqualTo(404);
    assertThat(get("evil", "/api/services").body()).contains("evil-front");
    assertThat(get("evil", deps).body()).contains("evil-front").doesNotContain("acme");
    // Archiving another tenant's trace finds nothing to archive.
    assertThat(post("evil", "/api/archive/" + ACME_TRACE).statusCode()).isEqualTo(404);
    assertThat(post("acme", "/api/archive/" + ACME_TRACE).statusCode()).isEqualTo(200);
  }

  @Test
  void httpApiV3_anotherTenantSeesNothing() throws Exception {
    String window = "query.start_time_min=" + Instant.ofEpochSecond(START / 1_000_000 - 60)
        + "&query.start_time_max=" + Instant.ofEpochSecond(NOW_MICROS / 1_000_000 + 1);
    String[] paths = {"/api/v3/services", "/api/v3/operations?service=acme-front",
        "/api/v3/traces/" + ACME_TRACE, "/api/v3/traces/" + ACME_ARCHIVED,
        "/api/v3/traces?query.service_name=acme-front&" + window};
    for (String path : paths) {
      HttpResponse<String> own = get("acme", path);
      assertThat(own.statusCode()).as("acme %s", path).isEqualTo(200);
      assertThat(own.body()).as("acme %s", path).contains("acme-");
      HttpResponse<String> other = get("evil", path);
      assertThat(other.body()).as("evil %s", path).doesNotContain("acme-").doesNotContain("s1");
    }
    assertThat(get("evil", "/api/v3/traces/" + ACME_TRACE).statusCode()).isEqualTo(404);
    assertThat(get("evil", "/api/v3/services").body()).contains("evil-front");
  }

  private static Metadata tenant(String t) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), t);
    return md;
  }

  private static QueryServiceGrpc.QueryServiceBlockingStub v2(String t) {
    return QueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tenant(t)));
  }

  private static io.jaegerj.proto.api_v3.QueryServiceGrpc.QueryServiceBlockingStub v3(String t) {
    return io.jaegerj.proto.api_v3.QueryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(tenant(t)));
  }

  private static Timestamp ts(long micros) {
    return Timestamp.newBuilder().setSeconds(micros / 1_000_000).setNanos((int) (micros % 1_000_000) * 1000).build();
  }

  private static <T> List<T> drain(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static int v2SpansFound(String t, TraceId id) {
    try {
      return drain(v2(t).getTrace(GetTraceRequest.newBuilder().setTraceId(ProtoConverter.traceIdToBytes(id))
          .build())).stream().mapToInt(c -> c.getSpansCount()).sum();
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      return 0;
    }
  }

  @Test
  void grpcApiV2_anotherTenantSeesNothing() {
    assertThat(v2("acme").getServices(GetServicesRequest.getDefaultInstance()).getServicesList())
        .contains("acme-front", "acme-back");
    assertThat(v2("evil").getServices(GetServicesRequest.getDefaultInstance()).getServicesList())
        .contains("evil-front").doesNotContain("acme-front", "acme-back");
    GetOperationsRequest ops = GetOperationsRequest.newBuilder().setService("acme-front").build();
    assertThat(v2("acme").getOperations(ops).getOperationsCount()).isEqualTo(1);
    assertThat(v2("evil").getOperations(ops).getOperationsCount()).isZero();
    assertThat(v2("evil").getOperations(ops).getOperationNamesCount()).isZero();

    assertThat(v2SpansFound("acme", ACME_TRACE)).isEqualTo(2);
    assertThat(v2SpansFound("acme", ACME_ARCHIVED)).isEqualTo(2);
    assertThat(v2SpansFound("evil", ACME_TRACE)).isZero();
    assertThat(v2SpansFound("evil", ACME_ARCHIVED)).isZero();

    FindTracesRequest find = FindTracesRequest.newBuilder().setQuery(TraceQueryParameters.newBuilder()
        .setServiceName("acme-front").setStartTimeMin(ts(START - 60_000_000L)).setStartTimeMax(ts(NOW_MICROS))
        .putTags("secret", "s1").setSearchDepth(10)).build();
    assertThat(drain(v2("acme").findTraces(find))).isNotEmpty();
    assertThat(drain(v2("evil").findTraces(find))).isEmpty();

    GetDependenciesRequest deps = GetDependenciesRequest.newBuilder().setStartTime(ts(START - 60_000_000L))
        .setEndTime(ts(NOW_MICROS)).build();
    assertThat(v2("acme").getDependencies(deps).getDependenciesList()).extracting(d -> d.getParent())
        .contains("acme-front");
    assertThat(v2("evil").getDependencies(deps).getDependenciesList()).extracting(d -> d.getParent())
        .doesNotContain("acme-front").contains("evil-front");

    assertThatThrownBy(() -> v2("evil").archiveTrace(ArchiveTraceRequest.newBuilder()
        .setTraceId(ProtoConverter.traceIdToBytes(ACME_TRACE)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void grpcApiV3_anotherTenantSeesNothing() {
    var services = io.jaegerj.proto.api_v3.GetServicesRequest.getDefaultInstance();
    assertThat(v3("acme").getServices(services).getServicesList()).contains("acme-front");
    assertThat(v3("evil").getServices(services).getServicesList()).doesNotContain("acme-front", "acme-back");
    var ops = io.jaegerj.proto.api_v3.GetOperationsRequest.newBuilder().setService("acme-front").build();
    assertThat(v3("acme").getOperations(ops).getOperationsCount()).isEqualTo(1);
    assertThat(v3("evil").getOperations(ops).getOperationsCount()).isZero();
    for (TraceId id : List.of(ACME_TRACE, ACME_ARCHIVED)) {
      var get = io.jaegerj.proto.api_v3.GetTraceRequest.newBuilder().setTraceId(id.toString()).build();
      assertThat(drain(v3("acme").getTrace(get))).hasSize(1);
      assertThat(drain(v3("evil").getTrace(get))).isEmpty();
    }
    var find = io.jaegerj.proto.api_v3.FindTracesRequest.newBuilder().setQuery(
        io.jaegerj.proto.api_v3.TraceQueryParameters.newBuilder().setServiceName("acme-front")
            .setStartTimeMin(ts(START - 60_000_000L)).setStartTimeMax(ts(NOW_MICROS)).setSearchDepth(10)).build();
    assertThat(drain(v3("acme").getTrace(io.jaegerj.proto.api_v3.GetTraceRequest.newBuilder()
        .setTraceId(ACME_TRACE.toString()).build()))).hasSize(1);
    assertThat(drain(v3("acme").findTraces(find))).isNotEmpty();
    assertThat(drain(v3("evil").findTraces(find))).isEmpty();
  }

  @Test
  void emptyTenantValue_isRefusedOnEveryApi() throws Exception {
    assertThat(get("", "/api/services").statusCode()).isEqualTo(401);
    assertThat(get("", "/api/v3/services").statusCode()).isEqualTo(401);
    assertThatThrownBy(() -> v2("").getServices(GetServicesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).isEqualTo("missing tenant header");
        });
    assertThatThrownBy(() -> v3("").getServices(io.jaegerj.proto.api_v3.GetServicesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }
}
