// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.RefType;
import io.jaegerj.model.TraceId;
import io.jaegertracing.agent.thrift.Agent;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.Span;
import io.jaegertracing.thriftjava.SpanRef;
import io.jaegertracing.thriftjava.SpanRefType;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import java.util.Arrays;
import java.util.List;
import org.apache.thrift.TBase;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolFactory;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JaegerThriftDecoderTest {

  static TProtocolFactory factory(ThriftProtocol p) {
    return p == ThriftProtocol.COMPACT ? new TCompactProtocol.Factory() : new TBinaryProtocol.Factory();
  }

  static byte[] serialize(TBase<?, ?> value, ThriftProtocol p) throws Exception {
    return new TSerializer(factory(p)).serialize(value);
  }

  /** A batch exercising every field and tag type, built with jaeger-client-java's generated classes. */
  static Batch fullBatch() {
    Span s1 = new Span(0x1122334455667788L, 0x8877665544332211L, -2L, 0x42L, "GET /users", 3,
        1_700_000_000_123_456L, 1234L);
    s1.setReferences(List.of(new SpanRef(SpanRefType.FOLLOWS_FROM, 7L, 0L, 9L)));
    s1.setTags(List.of(
        new Tag("s", TagType.STRING).setVStr("text ü"),
        new Tag("d", TagType.DOUBLE).setVDouble(1.5),
        new Tag("b", TagType.BOOL).setVBool(true),
        new Tag("l", TagType.LONG).setVLong(-5L),
        new Tag("bin", TagType.BINARY).setVBinary(new byte[] {1, 2, (byte) 0xff}),
        new Tag("empty", TagType.STRING)));
    s1.setLogs(List.of(new Log(1_700_000_000_123_999L, List.of(new Tag("event", TagType.STRING).setVStr("boom")))));
    Span s2 = new Span(5L, 0L, 6L, 0L, "root", 1, 10L, 0L);
    Process process = new Process("svc").setTags(List.of(new Tag("hostname", TagType.STRING).setVStr("h1"),
        new Tag("ip", TagType.LONG).setVLong(0x7f000001L)));
    return new Batch(process, List.of(s1, s2));
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_everyField(ThriftProtocol protocol) throws Exception {
    List<io.jaegerj.model.Span> spans = JaegerThriftDecoder.decodeBatch(serialize(fullBatch(), protocol), protocol);

    assertThat(spans).hasSize(2);
    io.jaegerj.model.Span s = spans.get(0);
    assertThat(s.traceId()).isEqualTo(new TraceId(0x8877665544332211L, 0x1122334455667788L));
    assertThat(Long.toUnsignedString(s.spanId())).isEqualTo("18446744073709551614");
    assertThat(s.operationName()).isEqualTo("GET /users");
    assertThat(s.flags()).isEqualTo(3);
    assertThat(s.startTimeMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(s.durationMicros()).isEqualTo(1234L);
    // parentSpanId 0x42 is not among the references, so a CHILD_OF is prepended.
    assertThat(s.references()).containsExactly(
        io.jaegerj.model.SpanRef.childOf(s.traceId(), 0x42L),
        new io.jaegerj.model.SpanRef(RefType.FOLLOWS_FROM, new TraceId(0, 7L), 9L));
    assertThat(s.tags()).containsExactly(
        KeyValue.string("s", "text ü"),
        KeyValue.float64("d", 1.5),
        KeyValue.bool("b", true),
        KeyValue.int64("l", -5L),
        KeyValue.binary("bin", new byte[] {1, 2, (byte) 0xff}),
        KeyValue.string("empty", ""));
    assertThat(s.logs()).containsExactly(
        new io.jaegerj.model.Log(1_700_000_000_123_999L, List.of(KeyValue.string("event", "boom"))));
    assertThat(s.process().serviceName()).isEqualTo("svc");
    assertThat(s.process().tags()).containsExactly(KeyValue.string("hostname", "h1"),
        KeyValue.int64("ip", 0x7f000001L));

    io.jaegerj.model.Span root = spans.get(1);
    assertThat(root.traceId()).isEqualTo(new TraceId(0, 5L));
    assertThat(root.references()).isEmpty();
    assertThat(root.process()).isSameAs(s.process());
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_parentAlreadyReferenced_notDuplicated(ThriftProtocol protocol) throws Exception {
    Span span = new Span(1L, 2L, 3L, 4L, "op", 0, 0L, 0L)
        .setReferences(List.of(new SpanRef(SpanRefType.FOLLOWS_FROM, 1L, 2L, 4L)));
    Batch batch = new Batch(new Process("svc"), List.of(span));

    io.jaegerj.model.Span s = JaegerThriftDecoder.decodeBatch(serialize(batch, protocol), protocol).get(0);

    assertThat(s.references()).containsExactly(
        new io.jaegerj.model.SpanRef(RefType.FOLLOWS_FROM, new TraceId(2L, 1L), 4L));
  }

  /** Writes a Batch by hand with libthrift's protocol writers, for shapes the generated classes cannot produce. */
  static byte[] handBatch(ThriftProtocol protocol, HandSpan body) throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(256);
    TProtocol p = factory(protocol).getProtocol(buf);
    p.writeStructBegin(new TStruct("Batch"));
    p.writeFieldBegin(new TField("process", TType.STRUCT, (short) 1));
    p.writeStructBegin(new TStruct("Process"));
    p.writeFieldBegin(new TField("serviceName", TType.STRING, (short) 1));
    p.writeString("svc");
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeFieldEnd();
    p.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
    p.writeListBegin(new TList(TType.STRUCT, 1));
    p.writeStructBegin(new TStruct("Span"));
    body.write(p);
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeListEnd();
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  interface HandSpan {
    void write(TProtocol p) throws Exception;
  }

  static void i64(TProtocol p, int id, long v) throws Exception {
    p.writeFieldBegin(new TField("", TType.I64, (short) id));
    p.writeI64(v);
    p.writeFieldEnd();
  }

  /** Every required Span field except those listed in {@code skip}. */
  static void requiredSpanFields(TProtocol p, int... skip) throws Exception {
    List<Integer> omit = Arrays.stream(skip).boxed().toList();
    for (int id : new int[] {1, 2, 3, 4}) {
      if (!omit.contains(id)) {
        i64(p, id, id == 1 ? 77L : 0L);
      }
    }
    if (!omit.contains(5)) {
      p.writeFieldBegin(new TField("", TType.STRING, (short) 5));
      p.writeString("op");
      p.writeFieldEnd();
    }
    if (!omit.contains(7)) {
      p.writeFieldBegin(new TField("", TType.I32, (short) 7));
      p.writeI32(1);
      p.writeFieldEnd();
    }
    for (int id : new int[] {8, 9}) {
      if (!omit.contains(id)) {
        i64(p, id, 5L);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_unknownTagType_keptAsText(ThriftProtocol protocol) throws Exception {
    byte[] bytes = handBatch(protocol, p -> {
      requiredSpanFields(p);
      p.writeFieldBegin(new TField("", TType.LIST, (short) 10));
      p.writeListBegin(new TList(TType.STRUCT, 1));
      p.writeStructBegin(new TStruct("Tag"));
      p.writeFieldBegin(new TField("", TType.STRING, (short) 1));
      p.writeString("k");
      p.writeFieldEnd();
      p.writeFieldBegin(new TField("", TType.I32, (short) 2));
      p.writeI32(9);
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeListEnd();
      p.writeFieldEnd();
    });

    KeyValue kv = JaegerThriftDecoder.decodeBatch(bytes, protocol).get(0).tags().get(0);

    assertThat(kv.key()).isEqualTo("k");
    assertThat(kv.stringValue()).startsWith("Unknown VType: ");
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_unknownAndMistypedOptionalFields_skipped(ThriftProtocol protocol) throws Exception {
    byte[] bytes = handBatch(protocol, p -> {
      requiredSpanFields(p);
      p.writeFieldBegin(new TField("", TType.STRUCT, (short) 99));
      p.writeStructBegin(new TStruct(""));
      i64(p, 1, 1L);
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeFieldEnd();
      // tags declared as a string: ignored like Go's generated reader does
      p.writeFieldBegin(new TField("", TType.STRING, (short) 10));
      p.writeString("not a list");
      p.writeFieldEnd();
    });

    io.jaegerj.model.Span s = JaegerThriftDecoder.decodeBatch(bytes, protocol).get(0);

    assertThat(s.traceId()).isEqualTo(new TraceId(0, 77L));
    assertThat(s.tags()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_missingRequiredSpanField_namesIt(ThriftProtocol protocol) throws Exception {
    String[] names = {"", "traceIdLow", "traceIdHigh", "spanId", "parentSpanId", "operationName", "", "flags",
        "startTime", "duration"};
    for (int id : new int[] {1, 2, 3, 4, 5, 7, 8, 9}) {
      byte[] bytes = handBatch(protocol, p -> requiredSpanFields(p, id));
      assertThatThrownBy(() -> JaegerThriftDecoder.decodeBatch(bytes, protocol))
          .isInstanceOf(ThriftDecodeException.class)
          .hasMessage("Span: required field " + names[id] + " is not set");
    }
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_missingProcess_rejected(ThriftProtocol protocol) throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(32);
    TProtocol p = factory(protocol).getProtocol(buf);
    p.writeStructBegin(new TStruct("Batch"));
    p.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
    p.writeListBegin(new TList(TType.STRUCT, 0));
    p.writeListEnd();
    p.writeFieldEnd();
    p.writeFieldStop();
    p.writeStructEnd();
    byte[] bytes = Arrays.copyOf(buf.getArray(), buf.length());

    assertThatThrownBy(() -> JaegerThriftDecoder.decodeBatch(bytes, protocol))
        .isInstanceOf(ThriftDecodeException.class)
        .hasMessage("Batch: required field process is not set");
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_missingTagType_rejected(ThriftProtocol protocol) throws Exception {
    byte[] bytes = handBatch(protocol, p -> {
      requiredSpanFields(p);
      p.writeFieldBegin(new TField("", TType.LIST, (short) 10));
      p.writeListBegin(new TList(TType.STRUCT, 1));
      p.writeStructBegin(new TStruct("Tag"));
      p.writeFieldBegin(new TField("", TType.STRING, (short) 1));
      p.writeString("k");
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeListEnd();
      p.writeFieldEnd();
    });

    assertThatThrownBy(() -> JaegerThriftDecoder.decodeBatch(bytes, protocol))
        .isInstanceOf(ThriftDecodeException.class)
        .hasMessage("Tag: required field vType is not set");
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_everyTruncation_throwsDeclaredException(ThriftProtocol protocol) throws Exception {
    byte[] bytes = serialize(fullBatch(), protocol);
    for (int len = 0; len < bytes.length; len++) {
      int n = len;
      assertThatThrownBy(() -> JaegerThriftDecoder.decodeBatch(bytes, 0, n, protocol))
          .as("prefix of %s bytes", n)
          .isInstanceOf(ThriftDecodeException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_hugeListLength_failsWithoutAllocating(ThriftProtocol protocol) throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(32);
    TProtocol p = factory(protocol).getProtocol(buf);
    p.writeStructBegin(new TStruct("Batch"));
    p.writeFieldBegin(new TField("spans", TType.LIST, (short) 2));
    p.writeListBegin(new TList(TType.STRUCT, Integer.MAX_VALUE));
    byte[] bytes = Arrays.copyOf(buf.getArray(), buf.length());

    assertThatThrownBy(() -> JaegerThriftDecoder.decodeBatch(bytes, protocol))
        .isInstanceOf(ThriftDecodeException.class)
        .hasMessageContaining("2147483647");
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeBatch_hugeStringLength_failsWithoutAllocating(ThriftProtocol protocol) throws Exception {
    byte[] bytes = handBatch(protocol, p -> {
      requiredSpanFields(p, 5);
      p.writeFieldBegin(new TField("", TType.STRING, (short) 5));
    });
    // Append a string length of ~2 GiB with no payload, then cut the rest.
    byte[] head = Arrays.copyOf(bytes, indexOfEnd(bytes, protocol));
    byte[] len = protocol == ThriftProtocol.COMPACT
        ? new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}
        : new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xfe};
    byte[] hostile = Arrays.copyOf(head, head.length + len.length);
    System.arraycopy(len, 0, hostile, head.length, len.length);

    assertThatThrownBy(() -> JaegerThriftDecoder.decodeBatch(hostile, protocol))
        .isInstanceOf(ThriftDecodeException.class);
  }

  /** Length of a hand batch up to and including the last field header (before the trailing STOP bytes). */
  private static int indexOfEnd(byte[] bytes, ThriftProtocol protocol) {
    // Span STOP, list end (none), Batch field end (none), Batch STOP: two STOP bytes end every hand batch.
    return bytes.length - 2;
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeAgentMessage_emitBatch_fromGeneratedClient(ThriftProtocol protocol) throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(512);
    new Agent.Client(factory(protocol).getProtocol(buf)).emitBatch(fullBatch());
    byte[] bytes = Arrays.copyOf(buf.getArray(), buf.length());

    AgentMessage m = JaegerThriftDecoder.decodeAgentMessage(bytes, 0, bytes.length, protocol);

    assertThat(m.method()).isEqualTo("emitBatch");
    assertThat(m.jaegerSpans()).isEqualTo(JaegerThriftDecoder.decodeBatch(serialize(fullBatch(), protocol), protocol));
    assertThat(m.zipkinSpans()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeAgentMessage_unknownMethod_skipped(ThriftProtocol protocol) throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(64);
    TProtocol p = factory(protocol).getProtocol(buf);
    p.writeMessageBegin(new TMessage("emitSomething", TMessageType.ONEWAY, 1));
    p.writeStructBegin(new TStruct("args"));
    i64(p, 1, 5L);
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeMessageEnd();
    byte[] bytes = Arrays.copyOf(buf.getArray(), buf.length());

    AgentMessage m = JaegerThriftDecoder.decodeAgentMessage(bytes, 0, bytes.length, protocol);

    assertThat(m.method()).isEqualTo("emitSomething");
    assertThat(m.jaegerSpans()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(ThriftProtocol.class)
  void decodeAgentMessage_emitBatchWithoutArgument_rejected(ThriftProtocol protocol) throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(64);
    TProtocol p = factory(protocol).getProtocol(buf);
    p.writeMessageBegin(new TMessage("emitBatch", TMessageType.ONEWAY, 1));
    p.writeStructBegin(new TStruct("args"));
    p.writeFieldStop();
    p.writeStructEnd();
    p.writeMessageEnd();
    byte[] bytes = Arrays.copyOf(buf.getArray(), buf.length());

    assertThatThrownBy(() -> JaegerThriftDecoder.decodeAgentMessage(bytes, 0, bytes.length, protocol))
        .isInstanceOf(ThriftDecodeException.class)
        .hasMessageContaining("batch");
  }

  @org.junit.jupiter.api.Test
  void decodeAgentMessage_nonStrictBinaryHeader_accepted() throws Exception {
    TMemoryBuffer buf = new TMemoryBuffer(512);
    new Agent.Client(new TBinaryProtocol(buf, false, false)).emitBatch(fullBatch());
    byte[] bytes = Arrays.copyOf(buf.getArray(), buf.length());

    AgentMessage m = JaegerThriftDecoder.decodeAgentMessage(bytes, 0, bytes.length, ThriftProtocol.BINARY);

    assertThat(m.jaegerSpans()).hasSize(2);
  }
}
