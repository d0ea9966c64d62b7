// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.jaegerj.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed, truncated, oversized, wrong type, wrong method: right status, counted, and the server keeps serving. */
class BadInputTest {
  private TestCollector collector;
  private ManagedChannel otlpChannel;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    collector = new TestCollector(Map.of("collector.otlp.grpc.max-message-size", "1048576"));
    otlpChannel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
  }

  @AfterEach
  void stop() throws Exception {
    otlpChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.close();
  }

  static ExportTraceServiceRequest request(String service, long traceLow, int attributeBytes) {
    byte[] trace = new TraceId(7, traceLow).toBytes();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue(service))))
        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace))
            .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 1})).setName("op")
            .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_000_001_000_000L)
            .addAttributes(KeyValue.newBuilder().setKey("pad").setValue(AnyValue.newBuilder()
                .setStringValue("x".repeat(attributeBytes))))))).build();
  }

  private HttpResponse<byte[]> post(int port, String path, String contentType, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void otlpHttp_badRequests_answeredAndCounted() throws Exception {
    int port = collector.otlpHttpPort();
    byte[] good = request("ok-svc", 1, 10).toByteArray();

    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(text(r)).isEqualTo("405 method not allowed, supported: [POST]\n");

    r = post(port, "/v1/traces/", "application/x-protobuf", null, good);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(text(r)).isEqualTo("404 page not found\n");

    r = post(port, "/v1/traces", "text/plain", null, good);
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(text(r)).isEqualTo("415 unsupported media type, supported: [application/json, application/x-protobuf]\n");

    r = post(port, "/v1/traces", "application/x-protobuf", null, new byte[] {0x0a, 0x05, 0x01});
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/x-protobuf");
    assertThat(com.google.rpc.Status.parseFrom(r.body()).getCode()).isEqualTo(3);

    r = post(port, "/v1/traces", "application/json; charset=utf-8", null, "{\"resourceSpans\":[".getBytes(
        StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).startsWith("{\"code\":3,\"message\":");

    r = post(port, "/v1/traces", "application/x-protobuf", "br", good);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(com.google.rpc.Status.parseFrom(r.body()).getMessage()).isEqualTo("unsupported Content-Encoding: br");

    r = post(port, "/v1/traces", "application/x-protobuf", "gzip", new byte[] {0x1f, (byte) 0x8b, 8, 0, 1});
    assertThat(r.statusCode()).isEqualTo(400);

    // A 25 MiB body that compresses to a few KiB: refused after inflating 20 MiB.
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
      gz.write(new byte[25 << 20]);
    }
    r = post(port, "/v1/traces", "application/x-protobuf", "gzip", bomb.toByteArray());
    assertThat(r.statusCode()).isEqualTo(413);

    assertThat(rawStatusForOversizedHeader(port, "/v1/traces", "application/x-protobuf")).isEqualTo(413);

    r = post(port, "/v1/traces", "application/json", null, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("{}");

    r = post(port, "/v1/traces", "application/x-protobuf", null, good);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    collector.awaitTrace(new TraceId(7, 1), 1);

    String metrics = collector.scrape();
    assertThat(metrics)
        .contains("jaeger_collector_receiver_errors_total{reason=\"method_not_allowed\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"not_found\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"unsupported_media_type\",receiver=\"otlp-http\"} 1.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"malformed\",receiver=\"otlp-http\"} 4.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"too_large\",receiver=\"otlp-http\"} 2.0");
  }

  /** Sends only headers announcing a 30 MiB body and returns the status the server answers with at once. */
  private static int rawStatusForOversizedHeader(int port, String path, String contentType) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType
          + "\r\nContent-Length: " + (30 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      return Integer.parseInt(new String(head, StandardCharsets.US_ASCII).substring(9, 12));
    }
  }

  @Test
  void otlpGrpc_malformedAndOversized() throws Exception {
    MethodDescriptor<byte[], byte[]> raw = RawGrpc.method(MethodDescriptor.MethodType.UNARY,
        TraceServiceGrpc.getExportMethod().getFullMethodName());
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(otlpChannel, raw, CallOptions.DEFAULT,
        new byte[] {0x0a, 0x7f, 0x01, 0x02}))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));

    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(otlpChannel).export(request("big", 2, 2 << 20)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    byte[] badTrace = new byte[5];
    ExportTraceServiceRequest badIds = request("x", 3, 1).toBuilder().setResourceSpans(0,
        request("x", 3, 1).getResourceSpans(0).toBuilder().setScopeSpans(0, ScopeSpans.newBuilder().addSpans(
            Span.newBuilder().setTraceId(ByteString.copyFrom(badTrace))))).build();
    assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(otlpChannel).export(badIds))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

    // Empty requests succeed at once; a good one is stored: the server keeps serving.
    TraceServiceGrpc.newBlockingStub(otlpChannel).export(ExportTraceServiceRequest.getDefaultInstance());
    TraceServiceGrpc.newBlockingStub(otlpChannel).export(request("ok", 4, 10));
    collector.awaitTrace(new TraceId(7, 4), 1);
    assertThat(collector.scrape())
        .contains("jaeger_collector_receiver_errors_total{reason=\"malformed\",receiver=\"otlp-grpc\"} 2.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"too_large\",receiver=\"otlp-grpc\"} 1.0");
  }

  @Test
  void jaegerHttp_badRequests_answeredAndCounted() throws Exception {
    int port = collector.jaegerHttpPort();
    HttpResponse<byte[]> r = post(port, "/api/traces", "text/plain", null, new byte[] {1});
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).isEqualTo("Unsupported content type: text/plain\n");

    r = post(port, "/api/traces", null, null, new byte[] {1});
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).isEqualTo("Cannot parse content type: mime: no media type\n");

    r = post(port, "/api/traces", "application/vnd.apache.thrift.binary", null, new byte[] {12, 0, 1, 11});
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).startsWith("Unable to process request body: ");

    r = post(port, "/api/traces", "application/x-thrift; charset=x", null, new byte[0]);
    assertThat(r.statusCode()).isEqualTo(400);

    r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/traces")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.body()).isEmpty();

    r = post(port, "/api/traces/", "application/x-thrift", null, new byte[] {0});
    assertThat(r.statusCode()).isEqualTo(404);

    r = post(port, "/api/sampling", "application/json", null, new byte[0]);
    assertThat(r.statusCode()).isEqualTo(405);

    assertThat(rawStatusForOversizedHeader(port, "/api/traces", "application/x-thrift")).isEqualTo(413);

    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/sampling?service=a")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(collector.scrape())
        .contains("jaeger_collector_receiver_errors_total{reason=\"malformed\",receiver=\"jaeger-http\"} 2.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"unsupported_media_type\",receiver=\"jaeger-http\"} "
            + "2.0")
        .contains("jaeger_collector_receiver_errors_total{reason=\"too_large\",receiver=\"jaeger-http\"} 1.0");
  }
}
