// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import static org.assertj.core.api.Assertions.assertThat;

import com.twitter.zipkin.thriftjava.Annotation;
import com.twitter.zipkin.thriftjava.AnnotationType;
import com.twitter.zipkin.thriftjava.BinaryAnnotation;
import com.twitter.zipkin.thriftjava.Endpoint;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.thrift.ZipkinCore;
import io.jaegerj.collector.thrift.ZipkinThriftDecoder;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.Test;

/**
 * zipkincore spans written with jaeger-client-java's generated Thrift classes, through both converters: the 9411 v1
 * path (contrib rules) and Jaeger's own converter of the agent's emitZipkinBatch.
 */
class ZipkinCoreConvertersTest {
  static ByteBuffer buf(byte... b) {
    return ByteBuffer.wrap(b);
  }

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] list(boolean compact, com.twitter.zipkin.thriftjava.Span... spans) throws Exception {
    TMemoryBuffer out = new TMemoryBuffer(512);
    TProtocol p = compact ? new TCompactProtocol(out) : new TBinaryProtocol(out);
    p.writeListBegin(new TList(TType.STRUCT, spans.length));
    for (com.twitter.zipkin.thriftjava.Span s : spans) {
      s.write(p);
    }
    p.writeListEnd();
    return Arrays.copyOf(out.getArray(), out.length());
  }

  static com.twitter.zipkin.thriftjava.Span typed() {
    Endpoint host = new Endpoint(0xc0a80001, (short) 443, "typed-svc");
    return new com.twitter.zipkin.thriftjava.Span(5L, "typed", 6L,
        List.of(new Annotation(1000L, "sr").setHost(host), new Annotation(1500L, "ss").setHost(host)),
        List.of(
            new BinaryAnnotation("b", buf((byte) 1), AnnotationType.BOOL),
            new BinaryAnnotation("bytes", buf((byte) 0xde, (byte) 0xad), AnnotationType.BYTES),
            new BinaryAnnotation("i16", buf((byte) 0xff, (byte) 0xfe), AnnotationType.I16),
            new BinaryAnnotation("i32", buf((byte) 0, (byte) 0, (byte) 1, (byte) 0), AnnotationType.I32),
            new BinaryAnnotation("i64", ByteBuffer.allocate(8).putLong(0, 42L), AnnotationType.I64),
            new BinaryAnnotation("dbl", ByteBuffer.allocate(8).putDouble(0, 2.5), AnnotationType.DOUBLE),
            new BinaryAnnotation("str", text("s"), AnnotationType.STRING),
            new BinaryAnnotation("short", buf((byte) 1), AnnotationType.I64)));
  }

  @Test
  void v1Thrift_typedBinaryAnnotations_likeContrib() throws Exception {
    byte[] body = list(false, typed());

    Span s = ZipkinDecoders.decode(ZipkinDecoders.Format.THRIFT_V1, body, 0, body.length, ZipkinDecodersTest.CLOCK)
        .get(0);

    assertThat(s.process()).isEqualTo(new Process("typed-svc", List.of(KeyValue.string("ipv4", "192.168.0.1"),
        KeyValue.string("port", "443"))));
    assertThat(s.startTimeMicros()).isEqualTo(1000L);
    assertThat(s.durationMicros()).isEqualTo(500L);
    assertThat(s.tags()).containsExactly(
        KeyValue.bool("b", true),
        KeyValue.string("bytes", "3q0="),
        KeyValue.int64("i16", 0xfffe),
        KeyValue.int64("i32", 256),
        KeyValue.int64("i64", 42),
        KeyValue.float64("dbl", 2.5),
        KeyValue.string("str", "s"),
        KeyValue.string("short", "<not enough bytes representing the number>"),
        KeyValue.string("span.kind", "server"));
  }

  @Test
  void jaegerConverter_typedBinaryAnnotations() throws Exception {
    byte[] body = list(true, typed());
    List<ZipkinCore.Span> spans = ZipkinThriftDecoder.decodeSpanList(body, 0, body.length, ThriftProtocol.COMPACT);

    Span s = JaegerZipkinConverter.convert(spans).get(0);

    assertThat(s.process()).isEqualTo(new Process("typed-svc", List.of(KeyValue.int64("ip", 0xc0a80001))));
    assertThat(s.startTimeMicros()).isEqualTo(1000L);
    assertThat(s.durationMicros()).isEqualTo(500L);
    assertThat(s.tags()).containsExactly(
        KeyValue.bool("b", true),
        KeyValue.binary("bytes", new byte[] {(byte) 0xde, (byte) 0xad}),
        KeyValue.int64("i16", -2),
        KeyValue.int64("i32", 256),
        KeyValue.int64("i64", 42),
        KeyValue.float64("dbl", 2.5),
        KeyValue.string("str", "s"),
        KeyValue.string("short", "Cannot parse Zipkin value AQ==: unexpected EOF"),
        KeyValue.string("span.kind", "server"));
  }

  @Test
  void jaegerConverter_sanitizers() throws Exception {
    com.twitter.zipkin.thriftjava.Span z = new com.twitter.zipkin.thriftjava.Span(1L, "op", 2L, List.of(),
        List.of(new BinaryAnnotation("Error", text("false"), AnnotationType.STRING),
            new BinaryAnnotation("jaeger.hostname", text("h"), AnnotationType.STRING),
            new BinaryAnnotation("jaegerClient", text("Java-1.8.1"), AnnotationType.STRING)))
        .setParent_id(0L).setTimestamp(50L).setDuration(-7L);
    byte[] body = list(true, z);

    Span s = JaegerZipkinConverter.convert(
        ZipkinThriftDecoder.decodeSpanList(body, 0, body.length, ThriftProtocol.COMPACT)).get(0);

    assertThat(s.references()).isEmpty();
    assertThat(s.durationMicros()).isEqualTo(1L);
    assertThat(s.startTimeMicros()).isEqualTo(50L);
    assertThat(s.process()).isEqualTo(new Process("unknown-service-name",
        List.of(KeyValue.string("hostname", "h"), KeyValue.string("jaeger.version", "Java-1.8.1"))));
    assertThat(s.tags()).containsExactly(
        KeyValue.bool("Error", false),
        KeyValue.string("errNegativeDuration", "-7"),
        KeyValue.string("errZeroParentID", "0"));
  }

  @Test
  void jaegerConverter_missingDurationFromClientAnnotations() throws Exception {
    com.twitter.zipkin.thriftjava.Span z = new com.twitter.zipkin.thriftjava.Span(1L, "op", 2L,
        List.of(new Annotation(100L, "cs"), new Annotation(130L, "cr")), List.of());
    byte[] body = list(true, z);

    Span s = JaegerZipkinConverter.convert(
        ZipkinThriftDecoder.decodeSpanList(body, 0, body.length, ThriftProtocol.COMPACT)).get(0);

    assertThat(s.startTimeMicros()).isEqualTo(100L);
    assertThat(s.durationMicros()).isEqualTo(30L);
    assertThat(s.spanKind()).isEqualTo("client");
    assertThat(s.process().serviceName()).isEqualTo("unknown-service-name");
  }
}
