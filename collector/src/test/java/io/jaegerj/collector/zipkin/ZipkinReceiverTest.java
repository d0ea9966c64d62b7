// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.http.NettyHttpServer;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.tenancy.Tenancy;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;
import zipkin2.reporter.AsyncReporter;
import zipkin2.reporter.Encoding;
import zipkin2.reporter.urlconnection.URLConnectionSender;

class ZipkinReceiverTest {
  private static final long TS = 1_700_000_000_000_000L;
  private final HttpClient http = HttpClient.newHttpClient();
  private TestCollector collector;
  private NettyHttpServer server;
  private String base;

  @BeforeEach
  void start() {
    collector = new TestCollector(ZipkinReceiver.flags(), Map.of(ZipkinReceiver.HOST_PORT, "127.0.0.1:0",
        ZipkinReceiver.CORS_ORIGINS, "https://*.example.com"));
    server = ZipkinReceiver.startServer(collector.context, collector, Tenancy.disabled()).orElseThrow();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    collector.close();
  }

  static zipkin2.Span clientSpan() {
    return zipkin2.Span.newBuilder()
        .traceId("463ac35c9f6413ad48485a3953bb6124").id("00000000000000a1").parentId("00000000000000a0")
        .kind(zipkin2.Span.Kind.CLIENT).name("get /backend").timestamp(TS).duration(1500L)
        .localEndpoint(Endpoint.newBuilder().serviceName("frontend").ip("10.0.0.1").port(8080).build())
        .remoteEndpoint(Endpoint.newBuilder().serviceName("backend").ip("10.0.0.2").port(9000).build())
        .addAnnotation(TS + 100, "ws")
        .putTag("http.method", "GET")
        .build();
  }

  /** The server half of the same RPC, reported by the callee with the same ids and {@code shared}. */
  static zipkin2.Span serverSpan() {
    return clientSpan().toBuilder().kind(zipkin2.Span.Kind.SERVER).shared(true).timestamp(TS + 200).duration(1000L)
        .localEndpoint(Endpoint.newBuilder().serviceName("backend").ip("10.0.0.2").port(9000).build())
        .remoteEndpoint(null).clearAnnotations().build();
  }

  enum ReporterEncoding {
    JSON(Encoding.JSON, zipkin2.reporter.SpanBytesEncoder.JSON_V2),
    PROTO3(Encoding.PROTO3, zipkin2.reporter.SpanBytesEncoder.PROTO3);

    final Encoding encoding;
    final zipkin2.reporter.SpanBytesEncoder encoder;

    ReporterEncoding(Encoding encoding, zipkin2.reporter.SpanBytesEncoder encoder) {
      this.encoding = encoding;
      this.encoder = encoder;
    }
  }

  @ParameterizedTest
  @EnumSource(ReporterEncoding.class)
  void zipkinReporter_sharedClientServerPair_storedFieldByField(ReporterEncoding enc) throws Exception {
    URLConnectionSender sender = URLConnectionSender.newBuilder().endpoint(base + "/api/v2/spans")
        .encoding(enc.encoding).compressionEnabled(true).build();
    try (AsyncReporter<zipkin2.Span> reporter = AsyncReporter.builder(sender).build(enc.encoder)) {
      reporter.report(clientSpan());
      reporter.report(serverSpan());
      reporter.flush();
    } finally {
      sender.close();
    }
    TestCollector.await(() -> collector.received.size() == 2, Duration.ofSeconds(10));

    List<Span> spans = collector.received.stream().sorted(Comparator.comparing(Span::startTimeMicros)).toList();
    TraceId traceId = TraceId.parse("463ac35c9f6413ad48485a3953bb6124");
    Span client = spans.get(0);
    Span srv = spans.get(1);
    assertThat(client.traceId()).isEqualTo(traceId);
    assertThat(srv.traceId()).isEqualTo(traceId);
    assertThat(client.spanId()).isEqualTo(0xa1).isEqualTo(srv.spanId());
    assertThat(client.references()).containsExactly(SpanRef.childOf(traceId, 0xa0));
    assertThat(client.operationName()).isEqualTo("get /backend");
    assertThat(client.startTimeMicros()).isEqualTo(TS);
    assertThat(client.durationMicros()).isEqualTo(1500L);
    assertThat(client.process().serviceName()).isEqualTo("frontend");
    assertThat(client.tags()).containsExactly(
        KeyValue.string("http.method", "GET"),
        KeyValue.string("net.host.ip", "10.0.0.1"),
        KeyValue.int64("net.host.port", 8080),
        KeyValue.string("peer.service", "backend"),
        KeyValue.string("net.peer.ip", "10.0.0.2"),
        KeyValue.int64("net.peer.port", 9000),
        KeyValue.string("span.kind", "client"));
    assertThat(client.logs()).containsExactly(new Log(TS + 100, List.of(KeyValue.string("event", "ws"))));
    assertThat(srv.process().serviceName()).isEqualTo("backend");
    assertThat(srv.startTimeMicros()).isEqualTo(TS + 200);
    assertThat(srv.durationMicros()).isEqualTo(1000L);
    assertThat(srv.spanKind()).isEqualTo("server");
    assertThat(collector.formats).containsOnly(SpanConsumer.Format.ZIPKIN);
    assertThat(collector.transports).containsOnly(SpanConsumer.Transport.HTTP);
  }

  @Test
  void post_jsonV1FromZipkinEncoder_accepted() throws Exception {
    // Zipkin writes the remote endpoint as {"key":"sa","value":true}; Jaeger's v1 JSON decoder refuses the whole
    // request (jaegertracing/jaeger#5434), Zipkin's server and we accept it.
    HttpResponse<String> r = post("/api/v1/spans", "application/json", null,
        SpanBytesEncoder.JSON_V1.encodeList(List.of(clientSpan())));

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).isEmpty();
    Span s = collector.received.get(0);
    assertThat(s.process().serviceName()).isEqualTo("frontend");
    assertThat(s.process().tags()).containsExactly(KeyValue.string("ipv4", "10.0.0.1"),
        KeyValue.string("port", "8080"));
    assertThat(s.spanKind()).isEqualTo("client");
    assertThat(s.startTimeMicros()).isEqualTo(TS);
    assertThat(s.durationMicros()).isEqualTo(1500L);
    assertThat(s.tags()).contains(KeyValue.bool("sa", true));
  }

  @Test
  void zipkinReporterJsonV1_addressAnnotations_storedAsFromThrift() throws Exception {
    URLConnectionSender sender = URLConnectionSender.newBuilder().endpoint(base + "/api/v1/spans")
        .encoding(Encoding.JSON).build();
    try (AsyncReporter<zipkin2.Span> reporter = AsyncReporter.builder(sender)
        .build(zipkin2.reporter.SpanBytesEncoder.JSON_V1)) {
      reporter.report(clientSpan());
      reporter.report(serverSpan());
      reporter.flush();
    } finally {
      sender.close();
    }
    TestCollector.await(() -> collector.received.size() == 2, Duration.ofSeconds(10));
    List<Span> viaJson = List.copyOf(collector.received);
    collector.received.clear();

    HttpResponse<String> thrift = post("/api/v1/spans", "application/x-thrift", null,
        SpanBytesEncoder.THRIFT.encodeList(List.of(clientSpan(), serverSpan())));
    assertThat(thrift.statusCode()).isEqualTo(202);

    assertThat(viaJson).hasSize(2).containsExactlyInAnyOrderElementsOf(collector.received);
    Span client = viaJson.stream().filter(s -> s.spanKind().equals("client")).findFirst().orElseThrow();
    assertThat(client.process().serviceName()).isEqualTo("frontend");
    assertThat(client.tags()).contains(KeyValue.bool("sa", true), KeyValue.string("http.method", "GET"));
  }

  @Test
  void post_thriftV1FromZipkinEncoder_gzipped_accepted() throws Exception {
    HttpResponse<String> r = post("/api/v1/spans", "application/x-thrift", "gzip",
        gzip(SpanBytesEncoder.THRIFT.encodeList(List.of(clientSpan(), serverSpan()))));

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(collector.received).hasSize(2);
    assertThat(collector.received).extracting(Span::spanKind).containsExactly("client", "server");
  }

  @Test
  void post_badInput_rightAnswerCountedAndServerKeepsServing() throws Exception {
    HttpResponse<String> malformed = post("/api/v2/spans", "application/json", null, bytes("[{\"traceId\":"));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).isNotBlank();

    HttpResponse<String> zeroId = post("/api/v2/spans", "application/json", null,
        bytes("[{\"traceId\":\"01\",\"id\":\"0000000000000000\"}]"));
    assertThat(zeroId.statusCode()).isEqualTo(400);
    assertThat(zeroId.body()).isEqualTo("valid span id required\n");

    HttpResponse<String> empty = post("/api/v2/spans", "application/x-protobuf", null, new byte[] {8});
    assertThat(empty.statusCode()).isEqualTo(400);

    HttpResponse<String> wrongType = post("/api/v2/spans", "application/xml", null, bytes("<spans/>"));
    assertThat(wrongType.statusCode()).isEqualTo(415);

    HttpResponse<String> thriftOnV2 = post("/api/v2/spans", "application/x-thrift", null, new byte[] {1});
    assertThat(thriftOnV2.statusCode()).isEqualTo(415);

    HttpResponse<String> badEncoding = post("/api/v2/spans", "application/json", "br", bytes("[]"));
    assertThat(badEncoding.statusCode()).isEqualTo(400);
    assertThat(badEncoding.body()).contains("unsupported Content-Encoding: br");

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/spans")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);

    HttpResponse<String> huge = post("/api/v2/spans", "application/json", null,
        new byte[ZipkinHttpHandler.MAX_BODY_BYTES + 1]);
    assertThat(huge.statusCode()).isEqualTo(413);

    byte[] bomb = gzip(new byte[ZipkinHttpHandler.MAX_BODY_BYTES + 1]);
    HttpResponse<String> inflated = post("/api/v2/spans", "application/json", "gzip", bomb);
    assertThat(inflated.statusCode()).isEqualTo(413);

    collector.full = true;
    HttpResponse<String> full = post("/api/v2/spans", "application/json", null,
        SpanBytesEncoder.JSON_V2.encodeList(List.of(clientSpan())));
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
    collector.full = false;

    assertThat(collector.errors("zipkin", "malformed")).isEqualTo(4);
    assertThat(collector.errors("zipkin", "unsupported_media_type")).isEqualTo(2);
    assertThat(collector.errors("zipkin", "method_not_allowed")).isEqualTo(1);
    assertThat(collector.errors("zipkin", "too_large")).isGreaterThanOrEqualTo(2);
    assertThat(collector.errors("zipkin", "queue_full")).isEqualTo(1);

    HttpResponse<String> ok = post("/api/v2/spans", "application/json", null,
        SpanBytesEncoder.JSON_V2.encodeList(List.of(clientSpan())));
    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(collector.received).hasSize(1);
  }

  @Test
  void preflight_allowedOrigin_answeredByCors() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/spans"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "POST")
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isBetween(200, 204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
  }

  @Test
  void start_emptyHostPort_disabled() throws Exception {
    try (TestCollector off = new TestCollector(ZipkinReceiver.flags(), Map.of())) {
      assertThat(ZipkinReceiver.startServer(off.context, off, Tenancy.disabled())).isEmpty();
    }
  }

  private HttpResponse<String> post(String path, String contentType, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", contentType);
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] raw) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }
}
