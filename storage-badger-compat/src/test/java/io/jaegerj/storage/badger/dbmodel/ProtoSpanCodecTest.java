// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoSpanCodecTest {
  static Span richSpan() {
    TraceId tid = new TraceId(0x1122334455667788L, 0x99aabbccddeeff00L);
    return Span.builder()
        .traceId(tid)
        .spanId(0xfedcba9876543210L)
        .operationName("GET /ü")
        .addReference(SpanRef.childOf(tid, 7))
        .addReference(SpanRef.followsFrom(new TraceId(0, 42), 8))
        .flags(Span.FLAG_SAMPLED | Span.FLAG_DEBUG)
        .startTimeMicros(1_700_000_000_123_456L)
        .durationMicros(3_600_000_001L)
        .addTag(KeyValue.string("s", "v"))
        .addTag(KeyValue.bool("b", true))
        .addTag(KeyValue.int64("i", -5))
        .addTag(KeyValue.float64("f", 0.25))
        .addTag(KeyValue.binary("bin", new byte[] {0, 1, (byte) 0xff}))
        .addLog(new Log(1_700_000_000_200_000L, List.of(KeyValue.string("event", "x"), KeyValue.int64("n", 3))))
        .process(Process.of("svc", KeyValue.string("hostname", "h1"), KeyValue.float64("load", 1.5)))
        .addWarning("w1")
        .build();
  }

  @Test
  void encode_roundTripsEveryField() throws Exception {
    Span span = richSpan();
    byte[] bytes = ProtoSpanCodec.encode(span);
    assertThat(ProtoSpanCodec.decode(bytes, 0, bytes.length)).isEqualTo(span);
  }

  @Test
  void encode_isApiV2SpanProtobuf() throws Exception {
    Span span = richSpan();
    io.jaegerj.proto.api_v2.Span p = io.jaegerj.proto.api_v2.Span.parseFrom(ProtoSpanCodec.encode(span));
    assertThat(p.getTraceId().toByteArray()).isEqualTo(span.traceId().toBytes());
    assertThat(p.getStartTime().getSeconds()).isEqualTo(1_700_000_000L);
    assertThat(p.getStartTime().getNanos()).isEqualTo(123_456_000);
    assertThat(p.getDuration().getSeconds()).isEqualTo(3600);
    assertThat(p.getProcess().getServiceName()).isEqualTo("svc");
    assertThat(p.getTags(4).getVBinary().toByteArray()).containsExactly(0, 1, 0xff);
    assertThat(p.getReferences(1).getRefTypeValue()).isEqualTo(1);
  }

  @Test
  void decode_offsetAndLength() throws Exception {
    Span span = richSpan();
    byte[] bytes = ProtoSpanCodec.encode(span);
    byte[] padded = new byte[bytes.length + 5];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);
    assertThat(ProtoSpanCodec.decode(padded, 3, bytes.length)).isEqualTo(span);
  }

  @Test
  void decodeLink_agreesWithFullDecodeOnReferenceVariants() throws Exception {
    TraceId tid = new TraceId(1, 2);
    TraceId other = new TraceId(0, 2);
    List<List<SpanRef>> variants = List.of(
        List.of(),
        List.of(SpanRef.childOf(tid, 5)),
        List.of(SpanRef.followsFrom(tid, 6), SpanRef.childOf(tid, 7)),
        List.of(SpanRef.childOf(other, 8), SpanRef.followsFrom(tid, 9)),
        List.of(SpanRef.childOf(other, 8)),
        List.of(SpanRef.followsFrom(tid, 10), SpanRef.followsFrom(tid, 11), SpanRef.childOf(tid, 12),
            SpanRef.childOf(tid, 13)));
    for (List<SpanRef> refs : variants) {
      Span span = richSpan().toBuilder().traceId(tid).references(refs).build();
      byte[] bytes = ProtoSpanCodec.encode(span);
      ProtoSpanCodec.Link link = ProtoSpanCodec.decodeLink(bytes, 0, bytes.length);
      assertThat(link).as("%s", refs).isEqualTo(new ProtoSpanCodec.Link(span.spanId(), span.parentSpanId(), "svc"));
    }
    Span rich = richSpan();
    byte[] bytes = ProtoSpanCodec.encode(rich);
    assertThat(ProtoSpanCodec.decodeLink(bytes, 0, bytes.length).parentSpanId()).isEqualTo(7);
  }

  @Test
  void decodeLink_garbageThrows() {
    byte[] garbage = {0x12, 0x03, 1, 2, 3};
    assertThatThrownBy(() -> ProtoSpanCodec.decodeLink(garbage, 0, garbage.length))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void decode_garbageThrows() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> ProtoSpanCodec.decode(garbage, 0, garbage.length))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
