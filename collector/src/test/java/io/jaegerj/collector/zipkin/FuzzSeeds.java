// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import com.twitter.zipkin.thriftjava.Annotation;
import com.twitter.zipkin.thriftjava.AnnotationType;
import com.twitter.zipkin.thriftjava.BinaryAnnotation;
import io.jaegertracing.agent.thrift.Agent;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.SpanRef;
import io.jaegertracing.thriftjava.SpanRefType;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.thrift.TBase;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.transport.TMemoryBuffer;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

/** Valid inputs for every decoder, produced by independent encoders; the starting points of the fuzzers. */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  static Batch batch() {
    io.jaegertracing.thriftjava.Span s = new io.jaegertracing.thriftjava.Span(1L, 2L, 3L, 4L, "op", 1, 10L, 5L);
    s.setReferences(List.of(new SpanRef(SpanRefType.FOLLOWS_FROM, 1L, 2L, 9L)));
    s.setTags(List.of(new Tag("s", TagType.STRING).setVStr("v"), new Tag("d", TagType.DOUBLE).setVDouble(1.5),
        new Tag("b", TagType.BOOL).setVBool(true), new Tag("l", TagType.LONG).setVLong(7L),
        new Tag("x", TagType.BINARY).setVBinary(new byte[] {1, 2})));
    s.setLogs(List.of(new Log(11L, List.of(new Tag("event", TagType.STRING).setVStr("e")))));
    return new Batch(new Process("svc").setTags(List.of(new Tag("h", TagType.STRING).setVStr("host"))),
        List.of(s));
  }

  static com.twitter.zipkin.thriftjava.Span zipkinCoreSpan() {
    com.twitter.zipkin.thriftjava.Endpoint host = new com.twitter.zipkin.thriftjava.Endpoint(0x7f000001, (short) 80,
        "svc").setIpv6(new byte[16]);
    return new com.twitter.zipkin.thriftjava.Span(1L, "rpc", 2L,
        List.of(new Annotation(10L, "cs").setHost(host), new Annotation(12L, "sr").setHost(host),
            new Annotation(13L, "{\"k\":\"v\"}"), new Annotation(20L, "cr").setHost(host)),
        List.of(new BinaryAnnotation("lc", ByteBuffer.wrap(bytes("c")), AnnotationType.STRING),
            new BinaryAnnotation("n", ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 9}), AnnotationType.I64),
            new BinaryAnnotation("error", ByteBuffer.wrap(bytes("bad")), AnnotationType.STRING),
            new BinaryAnnotation("sa", ByteBuffer.wrap(new byte[] {1}), AnnotationType.BOOL).setHost(host)))
        .setParent_id(0L).setTrace_id_high(3L).setDebug(true);
  }

  static zipkin2.Span v2Span() {
    return zipkin2.Span.newBuilder().traceId("463ac35c9f6413ad48485a3953bb6124").id("2").parentId("1")
        .kind(zipkin2.Span.Kind.CLIENT).name("op").timestamp(10L).duration(5L)
        .localEndpoint(Endpoint.newBuilder().serviceName("svc").ip("10.0.0.1").port(80).build())
        .remoteEndpoint(Endpoint.newBuilder().serviceName("peer").ip("::1").port(81).build())
        .addAnnotation(11L, "ev|{\"a\":1}|0").putTag("error", "true").putTag("otlp.link.0",
            "000000000000000000000000000000aa|00000000000000cc||{}|0")
        .build();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] serialize(TBase<?, ?> value, TProtocolFactory f) {
    try {
      return new TSerializer(f).serialize(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] batchBinary() {
    return serialize(batch(), new TBinaryProtocol.Factory());
  }

  public static byte[] batchCompact() {
    return serialize(batch(), new TCompactProtocol.Factory());
  }

  public static byte[] emitBatchCompact() {
    TMemoryBuffer buf;
    try {
      buf = new TMemoryBuffer(512);
      new Agent.Client(new TCompactProtocol(buf)).emitBatch(batch());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  public static byte[] emitBatchBinary() {
    TMemoryBuffer buf;
    try {
      buf = new TMemoryBuffer(512);
      new Agent.Client(new TBinaryProtocol(buf)).emitBatch(batch());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  public static byte[] emitZipkinBatchCompact() {
    TMemoryBuffer buf;
    try {
      buf = new TMemoryBuffer(512);
      new Agent.Client(new TCompactProtocol(buf)).emitZipkinBatch(List.of(zipkinCoreSpan()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  public static byte[] zipkinThriftV1() {
    return SpanBytesEncoder.THRIFT.encodeList(List.of(v2Span()));
  }

  public static byte[] zipkinJsonV1() {
    return bytes("[{\"traceId\":\"463ac35c9f6413ad48485a3953bb6124\",\"id\":\"0000000000000002\","
        + "\"parentId\":\"0000000000000001\",\"name\":\"op\",\"timestamp\":10,\"duration\":5,"
        + "\"annotations\":[{\"timestamp\":10,\"value\":\"cs\",\"endpoint\":{\"serviceName\":\"svc\","
        + "\"ipv4\":\"10.0.0.1\",\"port\":80}},{\"timestamp\":12,\"value\":\"retry\"}],"
        + "\"binaryAnnotations\":[{\"key\":\"lc\",\"value\":\"c\"},{\"key\":\"http.status_code\",\"value\":\"500\"},"
        + "{\"key\":\"census.status_code\",\"value\":\"2\"}]}]");
  }

  public static byte[] zipkinJsonV2() {
    return SpanBytesEncoder.JSON_V2.encodeList(List.of(v2Span()));
  }

  public static byte[] zipkinProto3() {
    return SpanBytesEncoder.PROTO3.encodeList(List.of(v2Span()));
  }
}
