// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyValueTest {

  @Test
  void accessors_returnDefaultsForOtherTypes() {
    KeyValue s = KeyValue.string("k", "v");
    assertThat(s.stringValue()).isEqualTo("v");
    assertThat(s.int64Value()).isZero();
    assertThat(s.boolValue()).isFalse();
    assertThat(s.float64Value()).isZero();
    assertThat(s.binaryValue()).isEmpty();
    assertThat(KeyValue.int64("k", 5).stringValue()).isEmpty();
  }

  @Test
  void asString_matchesJaegerAsString() {
    assertThat(KeyValue.string("k", "v").asString()).isEqualTo("v");
    assertThat(KeyValue.bool("k", true).asString()).isEqualTo("true");
    assertThat(KeyValue.bool("k", false).asString()).isEqualTo("false");
    assertThat(KeyValue.int64("k", Long.MIN_VALUE).asString()).isEqualTo("-9223372036854775808");
    assertThat(KeyValue.float64("k", Math.PI).asString()).isEqualTo("3.141592654");
    assertThat(KeyValue.float64("k", 1e21).asString()).isEqualTo("1e+21");
    assertThat(KeyValue.float64("k", 2.5).asString()).isEqualTo("2.5");
    assertThat(KeyValue.float64("k", Double.NaN).asString()).isEqualTo("NaN");
    assertThat(KeyValue.binary("k", new byte[] {0x01, (byte) 0xfe}).asString()).isEqualTo("01fe");
  }

  @Test
  void binary_isDefensivelyCopied() {
    byte[] raw = {1, 2, 3};
    KeyValue kv = KeyValue.binary("k", raw);
    raw[0] = 9;
    assertThat(kv.binaryValue()).containsExactly(1, 2, 3);
    kv.binaryValue()[1] = 9;
    assertThat(kv.binaryValue()).containsExactly(1, 2, 3);
    assertThat(kv.binaryLength()).isEqualTo(3);
  }

  @Test
  void equality_byTypeKeyAndValue() {
    assertThat(KeyValue.binary("k", new byte[] {1})).isEqualTo(KeyValue.binary("k", new byte[] {1}))
        .hasSameHashCodeAs(KeyValue.binary("k", new byte[] {1}));
    assertThat(KeyValue.float64("k", Double.NaN)).isEqualTo(KeyValue.float64("k", Double.NaN));
    assertThat(KeyValue.float64("k", 0.0)).isNotEqualTo(KeyValue.float64("k", -0.0));
    assertThat(KeyValue.int64("k", 1)).isNotEqualTo(KeyValue.bool("k", true));
    assertThat(KeyValue.string("k", "1")).isNotEqualTo(KeyValue.string("j", "1"));
  }

  @Test
  void toString_showsTypeAndBase64Binary() {
    assertThat(KeyValue.binary("b", new byte[] {(byte) 0xfb, (byte) 0xff}).toString()).isEqualTo("b=+/8=(binary)");
    assertThat(KeyValue.int64("n", 3).toString()).isEqualTo("n=3(int64)");
  }

  @Test
  void valueType_jsonNames() {
    assertThat(ValueType.fromJsonName("float64")).isEqualTo(ValueType.FLOAT64);
    assertThat(ValueType.fromJsonName("FLOAT64")).isNull();
    assertThat(ValueType.BINARY.jsonName()).isEqualTo("binary");
  }

  @Test
  void span_parentSpanIdAndKind() {
    TraceId t = new TraceId(0, 1);
    Span s = Span.builder().traceId(t).spanId(3)
        .addReference(SpanRef.followsFrom(t, 7))
        .addReference(SpanRef.childOf(new TraceId(0, 2), 8))
        .addReference(SpanRef.childOf(t, 9))
        .addTag(KeyValue.string("span.kind", "client"))
        .startTimeMicros(10).durationMicros(5).flags(Span.FLAG_DEBUG).build();
    assertThat(s.parentSpanId()).isEqualTo(9);
    assertThat(s.spanKind()).isEqualTo("client");
    assertThat(s.endTimeMicros()).isEqualTo(15);
    assertThat(s.isDebug()).isTrue();
    assertThat(s.toBuilder().references(List.of(SpanRef.followsFrom(t, 7))).build().parentSpanId())
        .isEqualTo(7);
    assertThat(Span.builder().build().parentSpanId()).isZero();
  }
}
