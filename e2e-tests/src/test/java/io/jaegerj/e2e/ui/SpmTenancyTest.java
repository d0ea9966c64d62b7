// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.jaegerj.proto.api_v2.metrics.GetCallRatesRequest;
import io.jaegerj.proto.api_v2.metrics.GetMetricsResponse;
import io.jaegerj.proto.api_v2.metrics.MetricsQueryBaseRequest;
import io.jaegerj.proto.api_v2.metrics.MetricsQueryServiceGrpc;
import io.jaegerj.server.JaegerMain;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Service Performance Monitoring with {@code --multi-tenancy.enabled}: two tenants send spans of a service with the
 * same name; through {@code /api/metrics} and the gRPC {@code MetricsQueryService} each tenant reads only its own
 * calls, and a tenant that sent nothing reads nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpmTenancyTest {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SERVICE = "shared-checkout";
  static final int ACME_CALLS = 60;
  static final int GLOBEX_CALLS = 180;

  JaegerMain.Running running;
  final Map<String, Integer> ports = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPAN_STORAGE_TYPE", "memory");
    env.put("METRICS_STORAGE_TYPE", "in-process");
    running = AllInOne.startInProcess(env, ports, "--multi-tenancy.enabled=true",
        "--multi-tenancy.tenants=acme,globex,initech");
    send("acme", ACME_CALLS);
    send("globex", GLOBEX_CALLS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline
        && (lastRate(http("acme")) < ACME_CALLS / 60.0 - 1e-9 || lastRate(http("globex")) < GLOBEX_CALLS / 60.0 - 1e-9)) {
      Thread.sleep(50);
    }
  }

  private void send(String tenant, int calls) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + ports.get("collector.otlp.http.host-port") + "/v1/traces")
        .addHeader("x-tenant", tenant).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), SERVICE)))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
    try {
      Tracer t = provider.get("spm-tenancy-test");
      for (int i = 0; i < calls; i++) {
        long end = System.currentTimeMillis() * 1_000_000L;
        Span s = t.spanBuilder("pay").setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(end - 2_000_000L, TimeUnit.NANOSECONDS).startSpan();
        s.end(end, TimeUnit.NANOSECONDS);
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  JsonNode http(String tenant) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + ports.get("query.http-server.host-port") + "/api/metrics/calls?service=" + SERVICE + "&endTs="
        + System.currentTimeMillis() + "&lookback=30000&step=5000&ratePer=60000")).header("x-tenant", tenant)
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static double lastRate(JsonNode family) {
    JsonNode metrics = family.path("metrics");
    if (metrics.size() == 0) {
      return 0;
    }
    JsonNode points = metrics.get(0).path("metricPoints");
    return points.get(points.size() - 1).path("gaugeValue").path("doubleValue").asDouble();
  }

  @Test
  void http_eachTenantReadsOnlyItsOwnCalls() throws Exception {
    assertThat(lastRate(http("acme"))).isCloseTo(ACME_CALLS / 60.0, within(1e-9));
    assertThat(lastRate(http("globex"))).isCloseTo(GLOBEX_CALLS / 60.0, within(1e-9));
    assertThat(http("initech").path("metrics").size()).as("a tenant that sent nothing").isZero();
  }

  @Test
  void http_withoutTenantHeader_refused() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + ports.get("query.http-server.host-port") + "/api/metrics/calls?service=" + SERVICE)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void grpc_eachTenantReadsOnlyItsOwnCalls() throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", ports.get("query.grpc-server.host-port"))
        .usePlaintext().build();
    try {
      assertThat(grpcRate(ch, "acme")).isCloseTo(ACME_CALLS / 60.0, within(1e-9));
      assertThat(grpcRate(ch, "globex")).isCloseTo(GLOBEX_CALLS / 60.0, within(1e-9));
      assertThat(grpcCalls(ch, "initech").getMetrics().getMetricsCount()).isZero();
      StatusRuntimeException noTenant = Assertions.assertThrows(StatusRuntimeException.class,
          () -> MetricsQueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
              .getCallRates(request()));
      assertThat(noTenant.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static GetCallRatesRequest request() {
    return GetCallRatesRequest.newBuilder().setBaseRequest(MetricsQueryBaseRequest.newBuilder()
        .addServiceNames(SERVICE)
        .setLookback(Duration.newBuilder().setSeconds(30))
        .setStep(Duration.newBuilder().setSeconds(5))
        .setRatePer(Duration.newBuilder().setSeconds(60))).build();
  }

  private static GetMetricsResponse grpcCalls(ManagedChannel ch, String tenant) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), tenant);
    return MetricsQueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).getCallRates(request());
  }

  private static double grpcRate(ManagedChannel ch, String tenant) {
    GetMetricsResponse r = grpcCalls(ch, tenant);
    assertThat(r.getMetrics().getMetricsCount()).isEqualTo(1);
    var points = r.getMetrics().getMetrics(0).getMetricPointsList();
    return points.get(points.size() - 1).getGaugeValue().getDoubleValue();
  }
}
