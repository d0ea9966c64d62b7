// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

class ZipkinDecodersTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
  static final long TS = 1_700_000_000_000_123L;

  /** A v2 span built with Zipkin's own model, exercising every field the converter maps. */
  static zipkin2.Span fullSpan() {
    return zipkin2.Span.newBuilder()
        .traceId("463ac35c9f6413ad48485a3953bb6124")
        .parentId("48485a3953bb6124")
        .id("a2fb4a1d1a96d312")
        .kind(zipkin2.Span.Kind.SERVER)
        .name("get /api")
        .timestamp(TS)
        .duration(2500L)
        .localEndpoint(Endpoint.newBuilder().serviceName("frontend").ip("10.1.2.3").port(8080).build())
        .remoteEndpoint(Endpoint.newBuilder().serviceName("browser").ip("2001:db8::c001").port(54321).build())
        .addAnnotation(TS + 10, "wire.recv")
        .addAnnotation(TS + 20, "boom|{\"attempt\":2,\"ratio\":0.5,\"ok\":true}|0")
        .putTag("http.method", "GET")
        .putTag("error", "true")
        .putTag("host.name", "web-1")
        .putTag("otel.library.name", "my-lib")
        .putTag("otel.library.version", "1.2.3")
        .putTag("w3c.tracestate", "k=v")
        .debug(true)
        .shared(true)
        .build();
  }

  enum V2Encoding {
    JSON_V2(SpanBytesEncoder.JSON_V2, ZipkinDecoders.Format.JSON_V2),
    PROTO3(SpanBytesEncoder.PROTO3, ZipkinDecoders.Format.PROTO3);

    final SpanBytesEncoder encoder;
    final ZipkinDecoders.Format format;

    V2Encoding(SpanBytesEncoder encoder, ZipkinDecoders.Format format) {
      this.encoder = encoder;
      this.format = format;
    }
  }

  static List<Span> decode(ZipkinDecoders.Format format, byte[] body) throws ZipkinDecodeException {
    return ZipkinDecoders.decode(format, body, 0, body.length, CLOCK);
  }

  @ParameterizedTest
  @EnumSource(V2Encoding.class)
  void decodeV2_everyField_likeJaegerOtlpPath(V2Encoding enc) throws Exception {
    byte[] body = enc.encoder.encodeList(List.of(fullSpan()));

    List<Span> spans = decode(enc.format, body);

    assertThat(spans).hasSize(1);
    Span s = spans.get(0);
    TraceId traceId = TraceId.parse("463ac35c9f6413ad48485a3953bb6124");
    assertThat(s.traceId()).isEqualTo(traceId);
    assertThat(s.spanId()).isEqualTo(0xa2fb4a1d1a96d312L);
    assertThat(s.operationName()).isEqualTo("get /api");
    assertThat(s.references()).containsExactly(SpanRef.childOf(traceId, 0x48485a3953bb6124L));
    assertThat(s.flags()).isZero(); // debug and shared are dropped on this path
    assertThat(s.startTimeMicros()).isEqualTo(TS);
    assertThat(s.durationMicros()).isEqualTo(2500L);
    assertThat(s.process()).isEqualTo(new Process("frontend", List.of(KeyValue.string("host.name", "web-1"))));
    assertThat(s.tags()).containsExactly(
        KeyValue.string("otel.scope.name", "my-lib"),
        KeyValue.string("otel.scope.version", "1.2.3"),
        KeyValue.string("http.method", "GET"),
        KeyValue.string("net.host.ip", "10.1.2.3"),
        KeyValue.int64("net.host.port", 8080),
        KeyValue.string("peer.service", "browser"),
        KeyValue.string("net.peer.ip", "2001:db8::c001"),
        KeyValue.int64("net.peer.port", 54321),
        KeyValue.string("span.kind", "server"),
        KeyValue.string("otel.status_code", "ERROR"),
        KeyValue.bool("error", true),
        KeyValue.string("w3c.tracestate", "k=v"));
    assertThat(s.logs()).containsExactly(
        new Log(TS + 10, List.of(KeyValue.string("event", "wire.recv"))),
        new Log(TS + 20, List.of(KeyValue.string("event", "boom"), KeyValue.int64("attempt", 2),
            KeyValue.float64("ratio", 0.5), KeyValue.bool("ok", true))));
  }

  @ParameterizedTest
  @EnumSource(V2Encoding.class)
  void decodeV2_noTimestampNoService_markedAbsentAndMissingService(V2Encoding enc) throws Exception {
    zipkin2.Span z = zipkin2.Span.newBuilder().traceId("1").id("2").name("x").duration(7L)
        .putTag("error", "boom").build();

    Span s = decode(enc.format, enc.encoder.encodeList(List.of(z))).get(0);

    assertThat(s.process().serviceName()).isEqualTo("missing-service-name");
    assertThat(s.startTimeMicros()).isZero();
    assertThat(s.durationMicros()).isEqualTo(7L);
    assertThat(s.tags()).containsExactly(KeyValue.string("error", "boom"),
        KeyValue.bool("otel.zipkin.absentField.startTime", true));
    assertThat(s.traceId()).isEqualTo(new TraceId(0, 1));
  }

  @Test
  void decodeJsonV2_keepsCaseUnlikeZipkinJava() throws Exception {
    String json = "[{\"traceId\":\"00000000000000aa\",\"id\":\"00000000000000bb\",\"name\":\"GET /Users\","
        + "\"kind\":\"CLIENT\",\"timestamp\":5,\"localEndpoint\":{\"serviceName\":\"MyService\"},"
        + "\"tags\":{\"Key\":\"Value\"},\"unknown\":{\"x\":[1,2]}}, null]";

    List<Span> spans = decode(ZipkinDecoders.Format.JSON_V2, json.getBytes(StandardCharsets.UTF_8));

    assertThat(spans).hasSize(1);
    assertThat(spans.get(0).operationName()).isEqualTo("GET /Users");
    assertThat(spans.get(0).process().serviceName()).isEqualTo("MyService");
    assertThat(spans.get(0).tags()).containsExactly(KeyValue.string("Key", "Value"),
        KeyValue.string("span.kind", "client"));
  }

  @Test
  void decodeJsonV2_linksAndServiceNameSource() throws Exception {
    String json = "[{\"traceId\":\"00000000000000aa\",\"id\":\"00000000000000bb\",\"parentId\":\"00000000000000cc\","
        + "\"timestamp\":5,\"localEndpoint\":{\"serviceName\":\"svc\"},\"tags\":{"
        + "\"otlp.service.name.source\":\"peer.name\","
        + "\"otlp.link.0\":\"000000000000000000000000000000aa|00000000000000cc|t=1|{\\\"opentracing.ref_type\\\":"
        + "\\\"follows_from\\\"}|0\","
        + "\"otlp.link.1\":\"000000000000000000000000000000ff|0000000000000011||{}|0\"}}]";

    Span s = decode(ZipkinDecoders.Format.JSON_V2, json.getBytes(StandardCharsets.UTF_8)).get(0);

    TraceId trace = new TraceId(0, 0xaa);
    assertThat(s.references()).containsExactly(
        new SpanRef(RefType.FOLLOWS_FROM, trace, 0xcc),
        SpanRef.followsFrom(new TraceId(0, 0xff), 0x11));
    // The service name went to the key named by otlp.service.name.source, so service.name is missing.
    assertThat(s.process()).isEqualTo(new Process("missing-service-name",
        List.of(KeyValue.string("peer.name", "svc"))));
  }

  @Test
  void decodeJsonV2_statusTags() throws Exception {
    String json = "[{\"traceId\":\"01\",\"id\":\"02\",\"timestamp\":5,\"localEndpoint\":{\"serviceName\":\"s\"},"
        + "\"tags\":{\"otel.status_code\":\"STATUS_CODE_OK\",\"otel.status_description\":\"fine\","
        + "\"span.kind\":\"internal\"}}]";

    Span s = decode(ZipkinDecoders.Format.JSON_V2, json.getBytes(StandardCharsets.UTF_8)).get(0);

    assertThat(s.tags()).containsExactly(KeyValue.string("span.kind", "internal"),
        KeyValue.string("otel.status_code", "OK"), KeyValue.string("otel.status_description", "fine"));
  }

  @Test
  void decodeJsonV2_badInput_namesProblem() {
    assertBad(ZipkinDecoders.Format.JSON_V2, "", "unexpected end of JSON input");
    assertBad(ZipkinDecoders.Format.JSON_V2, "[{\"traceId\":\"01\",\"id\":\"0000000000000000\"}]",
        "valid span id required");
    assertBad(ZipkinDecoders.Format.JSON_V2, "[{\"id\":\"01\"}]", "valid traceId required");
    assertBad(ZipkinDecoders.Format.JSON_V2, "[{\"traceId\":\"zz\",\"id\":\"01\"}]", "invalid syntax");
    assertBad(ZipkinDecoders.Format.JSON_V2, "[{\"traceId\":\"01\",\"id\":\"01\",\"tags\":{\"a\":1}}]",
        "cannot unmarshal number");
    assertBad(ZipkinDecoders.Format.JSON_V2,
        "[{\"traceId\":\"01\",\"id\":\"01\",\"localEndpoint\":{\"ipv4\":\"1.2.3\"}}]", "invalid IP address");
    assertBad(ZipkinDecoders.Format.JSON_V2, "[{\"traceId\":\"01\",\"id\":\"01\"", "");
    assertBad(ZipkinDecoders.Format.JSON_V2, "{}", "cannot unmarshal object");
    assertBad(ZipkinDecoders.Format.PROTO3, "\n\u0005abc", "invalid protobuf");
  }

  static void assertBad(ZipkinDecoders.Format format, String body, String message) {
    assertThatThrownBy(() -> decode(format, body.getBytes(StandardCharsets.ISO_8859_1)))
        .isInstanceOf(ZipkinDecodeException.class)
        .hasMessageContaining(message);
  }

  @Test
  void decodeJsonV1_clientSpanFromZipkinEncoder() throws Exception {
    zipkin2.Span client = zipkin2.Span.newBuilder()
        .traceId("0000000000000001").id("0000000000000002").parentId("0000000000000003")
        .kind(zipkin2.Span.Kind.CLIENT).name("call").timestamp(TS).duration(100L)
        .localEndpoint(Endpoint.newBuilder().serviceName("caller").ip("192.168.0.1").port(9000).build())
        .addAnnotation(TS + 5, "retry")
        .putTag("http.path", "/x")
        .putTag("http.status_code", "503")
        .build();
    byte[] body = SpanBytesEncoder.JSON_V1.encodeList(List.of(client));

    Span s = decode(ZipkinDecoders.Format.JSON_V1, body).get(0);

    assertThat(s.process()).isEqualTo(new Process("caller", List.of(KeyValue.string("ipv4", "192.168.0.1"),
        KeyValue.string("port", "9000"))));
    assertThat(s.startTimeMicros()).isEqualTo(TS);
    assertThat(s.durationMicros()).isEqualTo(100L);
    assertThat(s.references()).containsExactly(SpanRef.childOf(new TraceId(0, 1), 3));
    assertThat(s.logs()).containsExactly(new Log(TS + 5, List.of(KeyValue.string("event", "retry"))));
    assertThat(s.tags()).contains(KeyValue.string("http.path", "/x"), KeyValue.string("http.status_code", "503"),
        KeyValue.string("span.kind", "client"), KeyValue.string("otel.status_code", "ERROR"),
        KeyValue.bool("error", true));
  }

  @Test
  void decodeThriftV1_fromZipkinEncoder() throws Exception {
    zipkin2.Span server = zipkin2.Span.newBuilder()
        .traceId("463ac35c9f6413ad48485a3953bb6124").id("0000000000000002")
        .kind(zipkin2.Span.Kind.SERVER).name("serve").timestamp(TS).duration(40L)
        .localEndpoint(Endpoint.newBuilder().serviceName("backend").ip("::1").build())
        .putTag("lc", "ignored-in-v2")
        .build();
    byte[] body = SpanBytesEncoder.THRIFT.encodeList(List.of(server));

    Span s = decode(ZipkinDecoders.Format.THRIFT_V1, body).get(0);

    assertThat(s.traceId()).isEqualTo(TraceId.parse("463ac35c9f6413ad48485a3953bb6124"));
    assertThat(s.process()).isEqualTo(new Process("backend", List.of(KeyValue.string("ipv6", "::1"))));
    assertThat(s.startTimeMicros()).isEqualTo(TS);
    assertThat(s.durationMicros()).isEqualTo(40L);
    assertThat(s.tags()).contains(KeyValue.string("span.kind", "server"));
  }

  @Test
  void decodeJsonV1_sharedClientServerSpan_staysOneSpan() throws Exception {
    String json = "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\",\"name\":\"rpc\","
        + "\"annotations\":["
        + "{\"timestamp\":100,\"value\":\"cs\",\"endpoint\":{\"serviceName\":\"client\",\"ipv4\":\"1.2.3.4\"}},"
        + "{\"timestamp\":110,\"value\":\"sr\",\"endpoint\":{\"serviceName\":\"server\"}},"
        + "{\"timestamp\":190,\"value\":\"ss\",\"endpoint\":{\"serviceName\":\"server\"}},"
        + "{\"timestamp\":200,\"value\":\"cr\",\"endpoint\":{\"serviceName\":\"client\"}}],"
        + "\"binaryAnnotations\":[{\"key\":\"lc\",\"value\":\"grpc\"},{\"key\":\"error\",\"value\":\"x\"}]}]";

    List<Span> spans = decode(ZipkinDecoders.Format.JSON_V1, json.getBytes(StandardCharsets.UTF_8));

    assertThat(spans).hasSize(1);
    Span s = spans.get(0);
    assertThat(s.process()).isEqualTo(new Process("client", List.of(KeyValue.string("ipv4", "1.2.3.4"))));
    assertThat(s.startTimeMicros()).isEqualTo(100);
    assertThat(s.durationMicros()).isEqualTo(100);
    assertThat(s.logs()).isEmpty();
    assertThat(s.tags()).containsExactly(KeyValue.string("component", "grpc"), KeyValue.string("span.kind", "client"),
        KeyValue.string("otel.status_code", "ERROR"), KeyValue.bool("error", true));
  }

  @Test
  void decodeJsonV1_noTimes_nowAndAbsentMarker_unknownServiceFromLocalComponent() throws Exception {
    String json = "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\","
        + "\"binaryAnnotations\":[{\"key\":\"lc\",\"value\":\"worker\"}]}]";

    Span s = decode(ZipkinDecoders.Format.JSON_V1, json.getBytes(StandardCharsets.UTF_8)).get(0);

    assertThat(s.process().serviceName()).isEqualTo("worker");
    assertThat(s.startTimeMicros()).isEqualTo(CLOCK.millis() * 1000);
    assertThat(s.tags()).contains(KeyValue.bool("otel.zipkin.absentField.startTime", true));
  }

  @Test
  void decodeJsonV1_badIds_rejected() {
    String span = "[{\"traceId\":\"%s\",\"id\":\"%s\"}]";
    assertBad(ZipkinDecoders.Format.JSON_V1, String.format(span, "0000000000000000", "0000000000000002"),
        "zipkinV1 span traceId: traceId is zero");
    assertBad(ZipkinDecoders.Format.JSON_V1, String.format(span, "01", "0000000000000002"),
        "zipkinV1 span traceId: hex traceId span has wrong length (expected 16 or 32)");
    assertBad(ZipkinDecoders.Format.JSON_V1, String.format(span, "0000000000000001", "0000000000000000"),
        "zipkinV1 span id: ID is zero");
    assertBad(ZipkinDecoders.Format.JSON_V1, String.format(span, "0000000000000001", "000000000000000g"),
        "zipkinV1 span id: encoding/hex: invalid byte");
    assertBad(ZipkinDecoders.Format.JSON_V1, "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\","
        + "\"binaryAnnotations\":[{\"key\":\"b\",\"value\":{}}]}]", "cannot unmarshal object");
    assertBad(ZipkinDecoders.Format.THRIFT_V1, "\u000c\u0000\u0000", "");
  }

  @Test
  void decodeJsonV1_addressAnnotations_sameAsThrift() throws Exception {
    zipkin2.Span client = zipkin2.Span.newBuilder()
        .traceId("0000000000000001").id("0000000000000002")
        .kind(zipkin2.Span.Kind.CLIENT).name("call").timestamp(TS).duration(100L)
        .localEndpoint(Endpoint.newBuilder().serviceName("caller").ip("192.168.0.1").port(9000).build())
        .remoteEndpoint(Endpoint.newBuilder().serviceName("callee").ip("192.168.0.2").port(443).build())
        .putTag("http.path", "/x")
        .build();
    zipkin2.Span server = client.toBuilder().id("0000000000000003").kind(zipkin2.Span.Kind.SERVER)
        .localEndpoint(Endpoint.newBuilder().serviceName("callee").build())
        .remoteEndpoint(Endpoint.newBuilder().serviceName("caller").ip("::1").build())
        .build();

    List<Span> json = decode(ZipkinDecoders.Format.JSON_V1, SpanBytesEncoder.JSON_V1.encodeList(
        List.of(client, server)));
    List<Span> thrift = decode(ZipkinDecoders.Format.THRIFT_V1, SpanBytesEncoder.THRIFT.encodeList(
        List.of(client, server)));

    assertThat(json).isEqualTo(thrift);
    assertThat(json.get(0).tags()).contains(KeyValue.bool("sa", true));
    assertThat(json.get(1).tags()).contains(KeyValue.bool("ca", true));
    assertThat(json.get(0).process().serviceName()).isEqualTo("caller");
  }

  @Test
  void decodeJsonV1_numberAndBooleanValues_typedAsOnThrift() throws Exception {
    String json = "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\",\"timestamp\":10,"
        + "\"binaryAnnotations\":[{\"key\":\"retries\",\"value\":3},{\"key\":\"ratio\",\"value\":0.5},"
        + "{\"key\":\"cached\",\"value\":false},{\"key\":\"lc\",\"value\":\"worker\"}]}]";

    Span s = decode(ZipkinDecoders.Format.JSON_V1, json.getBytes(StandardCharsets.UTF_8)).get(0);

    assertThat(s.tags()).contains(KeyValue.int64("retries", 3), KeyValue.float64("ratio", 0.5),
        KeyValue.bool("cached", false), KeyValue.string("component", "worker"));
  }
}
