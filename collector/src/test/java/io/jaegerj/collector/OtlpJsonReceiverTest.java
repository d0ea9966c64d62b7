// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedOutputStream;

/** A hand-written OTLP/JSON request on 4318, in several content encodings, plus CORS on that port. */
class OtlpJsonReceiverTest {
  static final String BODY = """
      {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},
        "scopeSpans":[{"scope":{"name":"manual"},"spans":[
          {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
           "parentSpanId":"00f067aa0ba902b7","name":"GET /","kind":2,
           "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000250000000",
           "attributes":[{"key":"http.route","value":{"stringValue":"/"}},
                         {"key":"http.status_code","value":{"intValue":"200"}}],
           "status":{"code":1}}]}]}]}
      """;

  private TestCollector collector;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    collector = new TestCollector(Map.of("collector.otlp.http.cors.allowed-origins", "https://*.example.com",
        "collector.otlp.http.cors.allowed-headers", "X-Custom"));
  }

  @AfterEach
  void stop() throws Exception {
    collector.close();
  }

  private HttpResponse<String> post(byte[] body, String encoding, String origin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.otlpHttpPort()
        + "/v1/traces")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void handWrittenJson_storedFieldByField() throws Exception {
    HttpResponse<String> r = post(BODY.getBytes(StandardCharsets.UTF_8), null, "https://app.example.com");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{}");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(r.headers().firstValue("access-control-allow-credentials")).hasValue("true");

    TraceId id = TraceId.parse("0af7651916cd43dd8448eb211c80319c");
    Trace t = collector.awaitTrace(id, 1);
    Span s = t.spans().get(0);
    assertThat(s.spanId()).isEqualTo(0xb7ad6b7169203331L);
    assertThat(s.references()).containsExactly(SpanRef.childOf(id, 0x00f067aa0ba902b7L));
    assertThat(s.operationName()).isEqualTo("GET /");
    assertThat(s.startTimeMicros()).isEqualTo(1_700_000_000_000_000L);
    assertThat(s.durationMicros()).isEqualTo(250_000L);
    assertThat(s.process().serviceName()).isEqualTo("web");
    assertThat(s.process().tags()).isEmpty();
    assertThat(s.tags()).containsExactly(KeyValue.string("otel.scope.name", "manual"),
        KeyValue.string("http.route", "/"), KeyValue.int64("http.status_code", 200),
        KeyValue.string("span.kind", "server"), KeyValue.string("otel.status_code", "OK"));
  }

  @Test
  void compressedBodies_everySupportedEncoding() throws Exception {
    byte[] raw = BODY.getBytes(StandardCharsets.UTF_8);
    for (String enc : List.of("gzip", "zstd", "deflate", "zlib", "snappy", "x-snappy-framed", "lz4")) {
      HttpResponse<String> r = post(compress(raw, enc), enc, null);
      assertThat(r.statusCode()).as(enc).isEqualTo(200);
      assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
  }

  @Test
  void corsPreflight_allowedAndRefusedOrigins() throws Exception {
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + collector.otlpHttpPort() + "/v1/traces")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://a.example.com").header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type, x-custom").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("access-control-allow-origin")).hasValue("https://a.example.com");
    assertThat(ok.headers().firstValue("access-control-allow-methods")).hasValue("POST");
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + collector.otlpHttpPort() + "/v1/traces")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://evil.test").header("Access-Control-Request-Method", "POST").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(204);
    assertThat(refused.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  static byte[] compress(byte[] raw, String enc) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (enc) {
      case "gzip":
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
          z.write(raw);
        }
        return out.toByteArray();
      case "zstd":
        return Zstd.compress(raw);
      case "zlib":
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
          z.write(raw);
        }
        return out.toByteArray();
      case "deflate":
        try (DeflaterOutputStream z = new DeflaterOutputStream(out,
            new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
          z.write(raw);
        }
        return out.toByteArray();
      case "snappy":
        return Snappy.compress(raw);
      case "x-snappy-framed":
        try (SnappyFramedOutputStream z = new SnappyFramedOutputStream(out)) {
          z.write(raw);
        }
        return out.toByteArray();
      case "lz4":
        try (LZ4FrameOutputStream z = new LZ4FrameOutputStream(out)) {
          z.write(raw);
        }
        return out.toByteArray();
      default:
        throw new IllegalArgumentException(enc);
    }
  }
}
