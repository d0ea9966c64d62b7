// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.conformance.TraceFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactSpanCodecTest {
  private final TraceFixtures fx = new TraceFixtures("codec");

  private Span edgeSpan(TraceId id) {
    return Span.builder()
        .traceId(id)
        .spanId(-1L)
        .operationName("ünïcode ✓ op")
        .flags(0xffffffff)
        .startTimeMicros(-5)
        .durationMicros(Long.MAX_VALUE)
        .addReference(SpanRef.followsFrom(new TraceId(-1L, 7), Long.MIN_VALUE))
        .addReference(SpanRef.childOf(id, 3))
        .addTag(KeyValue.string("", ""))
        .addTag(KeyValue.int64("min", Long.MIN_VALUE))
        .addTag(KeyValue.float64("nan", Double.NaN))
        .addTag(KeyValue.float64("negzero", -0.0))
        .addTag(KeyValue.binary("empty", new byte[0]))
        .addLog(new Log(Long.MIN_VALUE / 4, List.of()))
        .process(new Process("svc", List.of(KeyValue.bool("b", true))))
        .addWarning("clock skew")
        .addWarning("")
        .build();
  }

  @Test
  void decode_roundTripsEveryField() {
    CompactSpanCodec codec = new CompactSpanCodec(1 << 10, 1 << 10);
    TraceId id = fx.traceId128();
    List<Span> spans = fx.richTrace(id, fx.baseMicros(), 20, List.of("a", "b"));
    for (Span s : spans) {
      assertThat(codec.decode(id, codec.encode(s))).isEqualTo(s);
    }
    Span edge = edgeSpan(id);
    assertThat(codec.decode(id, codec.encode(edge))).isEqualTo(edge);
  }

  @Test
  void decode_tablesFull_storesValuesInline() {
    CompactSpanCodec codec = new CompactSpanCodec(1, 1);
    TraceId id = fx.traceId64();
    codec.encode(fx.simpleSpan(id, "first", "first", 1, 1));
    List<Span> spans = fx.richTrace(id, fx.baseMicros(), 8, List.of("a", "b", "c"));
    for (Span s : spans) {
      assertThat(codec.decode(id, codec.encode(s))).isEqualTo(s);
    }
    Span edge = edgeSpan(id);
    assertThat(codec.decode(id, codec.encode(edge))).isEqualTo(edge);
  }

  @Test
  void matches_inlineSymbols_matchByString() {
    CompactSpanCodec codec = new CompactSpanCodec(1, 1);
    TraceId id = fx.traceId64();
    codec.encode(fx.simpleSpan(id, "taken", "taken", 1, 1));
    Span s = fx.span(id, "svc", "op", 100, 50)
        .addTag(KeyValue.int64("status", 500))
        .process(new Process("svc", List.of(KeyValue.string("host", "h1"))))
        .addLog(new Log(101, List.of(KeyValue.string("event", "boom"))))
        .build();
    byte[] b = codec.encode(s);

    assertThat(codec.matches(b, condition(codec, "svc", "op", "status", "500", "host", "h1", "event", "boom")))
        .isTrue();
    assertThat(codec.matches(b, condition(codec, "svc", "", "status", "501"))).isFalse();
    assertThat(codec.matches(b, condition(codec, "other", ""))).isFalse();
    assertThat(codec.matches(b, condition(codec, "svc", "op2"))).isFalse();
  }

  @Test
  void matches_checksTimeAndDurationInclusive() {
    CompactSpanCodec codec = new CompactSpanCodec(16, 16);
    TraceId id = fx.traceId64();
    byte[] b = codec.encode(fx.simpleSpan(id, "svc", "op", 100, 50));

    assertThat(codec.matches(b, new CompactSpanCodec.Condition(codec, "svc", "", 100, 100, 50, 50, new String[0],
        new String[0]))).isTrue();
    assertThat(codec.matches(b, new CompactSpanCodec.Condition(codec, "svc", "", 101, 200, 0, 0, new String[0],
        new String[0]))).isFalse();
    assertThat(codec.matches(b, new CompactSpanCodec.Condition(codec, "svc", "", 0, 200, 51, 0, new String[0],
        new String[0]))).isFalse();
    assertThat(codec.matches(b, new CompactSpanCodec.Condition(codec, "svc", "", 0, 200, 0, 49, new String[0],
        new String[0]))).isFalse();
  }

  @Test
  void readLink_prefersChildOfAndIgnoresOtherTraces() {
    CompactSpanCodec codec = new CompactSpanCodec(16, 16);
    TraceId id = fx.traceId128();
    Span s = fx.span(id, "svc", "op", 100, 50)
        .addReference(SpanRef.childOf(fx.traceId128(), 9))
        .addReference(SpanRef.followsFrom(id, 5))
        .addReference(SpanRef.childOf(id, 6))
        .build();

    CompactSpanCodec.Link link = codec.readLink(codec.encode(s));

    assertThat(link).isEqualTo(new CompactSpanCodec.Link("svc", s.spanId(), 6, 100));
  }

  private static CompactSpanCodec.Condition condition(CompactSpanCodec codec, String service, String op, String... tags) {
    String[] keys = new String[tags.length / 2];
    String[] values = new String[tags.length / 2];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = tags[2 * i];
      values[i] = tags[2 * i + 1];
    }
    return new CompactSpanCodec.Condition(codec, service, op, Long.MIN_VALUE, Long.MAX_VALUE, 0, 0, keys, values);
  }
}
