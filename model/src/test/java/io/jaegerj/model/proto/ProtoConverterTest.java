// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TestTraces;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.Batch;
import io.jaegerj.proto.api_v2.SpanRefType;
import io.jaegerj.proto.api_v2.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoConverterTest {

  private static ByteString bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return ByteString.copyFrom(b);
  }

  @Test
  void toProtoTrace_richTrace_roundTripsThroughWireBytes() throws Exception {
    Trace rich = TestTraces.rich();
    byte[] wire = ProtoConverter.toProtoTrace(rich).toByteArray();
    Trace back = ProtoConverter.fromProtoTrace(io.jaegerj.proto.api_v2.Trace.parseFrom(wire));
    assertThat(back).isEqualTo(rich);
  }

  @Test
  void toProtoTrace_sharedProcesses_mappedOncePerDistinctValue() {
    io.jaegerj.proto.api_v2.Trace proto = ProtoConverter.toProtoTrace(TestTraces.rich());
    assertThat(proto.getProcessMapList()).extracting(m -> m.getProcessId()).containsExactly("p1", "p2", "p3");
    assertThat(proto.getSpansList()).extracting(s -> s.getProcessId()).containsExactly("p1", "p2", "p1", "p3");
    assertThat(proto.getSpansList()).noneMatch(s -> s.hasProcess());
    assertThat(proto.getWarningsList()).containsExactly("trace warning");
  }

  @Test
  void toProto_everySpanOfRichTrace_roundTripsWithEmbeddedProcess() throws Exception {
    for (Span s : TestTraces.rich().spans()) {
      io.jaegerj.proto.api_v2.Span proto = ProtoConverter.toProto(s, true);
      assertThat(ProtoConverter.fromProto(io.jaegerj.proto.api_v2.Span.parseFrom(proto.toByteArray()))).isEqualTo(s);
    }
  }

  @Test
  void toProto_withoutProcess_leavesProcessUnset() {
    Span s = TestTraces.simple64().spans().get(0);
    io.jaegerj.proto.api_v2.Span proto = ProtoConverter.toProto(s, false);
    assertThat(proto.hasProcess()).isFalse();
    assertThat(proto.getProcessId()).isEmpty();
    assertThat(ProtoConverter.fromProto(proto).process()).isEqualTo(Process.of(""));
  }

  @Test
  void toProto_span_writesIdsBigEndianAndTimesExactly() {
    Span s = Span.builder().traceId(new TraceId(0x0102030405060708L, 0x090a0b0c0d0e0f10L)).spanId(0xa1b2c3d4e5f60718L)
        .flags(0x80000001).startTimeMicros(1_700_000_000_123_456L).durationMicros(2_000_001L)
        .addReference(SpanRef.followsFrom(new TraceId(0, 5), 6)).addWarning("w").build();
    io.jaegerj.proto.api_v2.Span p = ProtoConverter.toProto(s, true);
    assertThat(p.getTraceId()).isEqualTo(bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
    assertThat(p.getSpanId()).isEqualTo(bytes(0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18));
    assertThat(p.getFlags()).isEqualTo(0x80000001);
    assertThat(p.getStartTime()).isEqualTo(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(123_456_000)
        .build());
    assertThat(p.getDuration()).isEqualTo(Duration.newBuilder().setSeconds(2).setNanos(1000).build());
    assertThat(p.getReferences(0).getRefType()).isEqualTo(SpanRefType.FOLLOWS_FROM);
    assertThat(p.getReferences(0).getTraceId()).isEqualTo(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5));
    assertThat(p.getWarningsList()).containsExactly("w");
  }

  @Test
  void fromProto_handBuiltSpan_truncatesNanosAndAcceptsShortTraceId() {
    io.jaegerj.proto.api_v2.Span p = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(bytes(0, 0, 0, 0, 0, 0, 1, 0))
        .setSpanId(bytes(0, 0, 0, 0, 0, 0, 0, 2))
        .setOperationName("op")
        .setStartTime(Timestamp.newBuilder().setSeconds(10).setNanos(999_999_999))
        .setDuration(Duration.newBuilder().setSeconds(1).setNanos(1_999))
        .addReferences(io.jaegerj.proto.api_v2.SpanRef.newBuilder().setTraceId(bytes(0, 0, 0, 0, 0, 0, 1, 0))
            .setSpanId(bytes(0, 0, 0, 0, 0, 0, 0, 1)))
        .addTags(io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey("i").setVType(ValueType.INT64).setVInt64(-5)
            .setVStr("ignored"))
        .build();
    Span s = ProtoConverter.fromProto(p);
    assertThat(s.traceId()).isEqualTo(new TraceId(0, 256));
    assertThat(s.spanId()).isEqualTo(2);
    assertThat(s.startTimeMicros()).isEqualTo(10_999_999L);
    assertThat(s.durationMicros()).isEqualTo(1_000_001L);
    assertThat(s.references()).containsExactly(new SpanRef(RefType.CHILD_OF, new TraceId(0, 256), 1));
    assertThat(s.tags()).containsExactly(KeyValue.int64("i", -5));
    assertThat(s.parentSpanId()).isEqualTo(1);
  }

  @Test
  void fromProto_badIdLengths_rejectedWithClearMessage() {
    io.jaegerj.proto.api_v2.Span badTrace = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(bytes(1, 2, 3)).setSpanId(bytes(0, 0, 0, 0, 0, 0, 0, 1)).build();
    assertThatThrownBy(() -> ProtoConverter.fromProto(badTrace))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid trace_id: 3 bytes (expected: 16 or 8)");
    io.jaegerj.proto.api_v2.Span badSpan = io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(bytes(0, 0, 0, 0, 0, 0, 0, 1)).setSpanId(bytes(0, 0, 0, 0, 0, 0, 0, 0, 1)).build();
    assertThatThrownBy(() -> ProtoConverter.fromProto(badSpan))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid span_id: 9 bytes (expected: 8)");
    assertThatThrownBy(() -> ProtoConverter.spanIdFromBytes(bytes(1, 2, 3, 4)))
        .hasMessage("invalid span_id: 4 bytes (expected: 8)");
  }

  @Test
  void idHelpers_emptyBytes_areZero() {
    assertThat(ProtoConverter.traceIdFromBytes(ByteString.EMPTY)).isEqualTo(TraceId.ZERO);
    assertThat(ProtoConverter.spanIdFromBytes(ByteString.EMPTY)).isZero();
    assertThat(ProtoConverter.traceIdToBytes(TraceId.ZERO).size()).isEqualTo(16);
    assertThat(ProtoConverter.traceIdFromBytes(ProtoConverter.traceIdToBytes(TestTraces.ID128)))
        .isEqualTo(TestTraces.ID128);
    assertThat(ProtoConverter.spanIdFromBytes(ProtoConverter.spanIdToBytes(-2))).isEqualTo(-2);
  }

  @Test
  void fromProto_unknownEnums_rejected() {
    io.jaegerj.proto.api_v2.KeyValue kv = io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey("k").setVTypeValue(9)
        .build();
    assertThatThrownBy(() -> ProtoConverter.fromProto(kv))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tag \"k\": unknown v_type 9 (expected: 0..4)");
    io.jaegerj.proto.api_v2.SpanRef ref = io.jaegerj.proto.api_v2.SpanRef.newBuilder().setRefTypeValue(3).build();
    assertThatThrownBy(() -> ProtoConverter.fromProto(ref))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown ref_type 3 (expected: 0 or 1)");
  }

  @Test
  void fromBatch_spansWithoutProcess_getBatchProcess() {
    Process batchProcess = Process.of("batch-svc", KeyValue.string("host", "h"));
    Process own = Process.of("own");
    Span a = Span.builder().traceId(new TraceId(0, 1)).spanId(1).process(own).build();
    Batch batch = Batch.newBuilder()
        .setProcess(ProtoConverter.toProto(batchProcess))
        .addSpans(ProtoConverter.toProto(a, true))
        .addSpans(ProtoConverter.toProto(a.toBuilder().spanId(2).build(), false))
        .build();
    List<Span> spans = ProtoConverter.fromBatch(batch);
    assertThat(spans).extracting(Span::process).containsExactly(own, batchProcess);
  }

  @Test
  void toBatch_mixedProcesses_embedsOnlyThoseDifferentFromFirst() throws Exception {
    Trace rich = TestTraces.rich();
    Batch batch = ProtoConverter.toBatch(rich.spans());
    assertThat(batch.getProcess().getServiceName()).isEqualTo("frontend");
    assertThat(batch.getSpansList()).extracting(s -> s.hasProcess()).containsExactly(false, true, false, true);
    assertThat(ProtoConverter.fromBatch(Batch.parseFrom(batch.toByteArray()))).isEqualTo(rich.spans());
    assertThat(ProtoConverter.toBatch(List.of())).isEqualTo(Batch.getDefaultInstance());
  }

  @Test
  void fromProtoTrace_unknownProcessId_rejected() {
    io.jaegerj.proto.api_v2.Trace t = io.jaegerj.proto.api_v2.Trace.newBuilder()
        .addSpans(io.jaegerj.proto.api_v2.Span.newBuilder().setSpanId(bytes(0, 0, 0, 0, 0, 0, 0, 7))
            .setProcessId("p4"))
        .build();
    assertThatThrownBy(() -> ProtoConverter.fromProtoTrace(t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("span 0000000000000007: process_id \"p4\" not found in process_map");
  }

  @Test
  void timeHelpers_negativeValues_roundTrip() {
    assertThat(ProtoConverter.toTimestamp(-1)).isEqualTo(Timestamp.newBuilder().setSeconds(-1).setNanos(999_999_000)
        .build());
    assertThat(ProtoConverter.toMicros(ProtoConverter.toTimestamp(-1))).isEqualTo(-1);
    assertThat(ProtoConverter.toDuration(-1_500_000)).isEqualTo(Duration.newBuilder().setSeconds(-1)
        .setNanos(-500_000_000).build());
    assertThat(ProtoConverter.toMicros(Duration.newBuilder().setSeconds(-1).setNanos(-500_000_999).build()))
        .isEqualTo(-1_500_000);
    for (long v : new long[] {0, 1, -1, 999_999, 1_000_000, Long.MAX_VALUE / 2, Long.MIN_VALUE / 2}) {
      assertThat(ProtoConverter.toMicros(ProtoConverter.toTimestamp(v))).isEqualTo(v);
      assertThat(ProtoConverter.toMicros(ProtoConverter.toDuration(v))).isEqualTo(v);
    }
  }

  @Test
  void dependencyLink_bothWays() throws Exception {
    DependencyLink link = new DependencyLink("a", "b", Long.MAX_VALUE, "jaeger");
    io.jaegerj.proto.api_v2.DependencyLink p = ProtoConverter.toProto(link);
    assertThat(p.getCallCount()).isEqualTo(Long.MAX_VALUE);
    assertThat(ProtoConverter.fromProto(io.jaegerj.proto.api_v2.DependencyLink.parseFrom(p.toByteArray())))
        .isEqualTo(link);
  }

  @Test
  void toProtoTrace_manySpans_keepsOrderAndProcesses() {
    Trace many = TestTraces.many(1000, 15);
    io.jaegerj.proto.api_v2.Trace p = ProtoConverter.toProtoTrace(many);
    assertThat(p.getProcessMapCount()).isEqualTo(15);
    List<Long> ids = new ArrayList<>();
    for (Span s : ProtoConverter.fromProtoTrace(p).spans()) {
      ids.add(s.spanId());
    }
    assertThat(ids).hasSize(1000).isSorted();
    assertThat(ProtoConverter.fromProtoTrace(p)).isEqualTo(many);
  }
}
