// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TagFilterTest {

  /** The query side hashes the query string, so the stored side must hash exactly what asString renders. */
  private static void assertSameAsString(KeyValue kv) {
    assertThat(TagFilter.valueHash(kv)).as("%s", kv).isEqualTo(kv.asString().hashCode());
  }

  @Test
  void valueHash_integers_equalsHashOfDecimalString() {
    long[] edge = {0, 1, -1, 9, 10, -10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE + 1, 1_000_000_000_000L};
    for (long v : edge) {
      assertSameAsString(KeyValue.int64("k", v));
    }
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long v = rnd.nextLong() >> rnd.nextInt(64);
      assertSameAsString(KeyValue.int64("k", v));
    }
  }

  @Test
  void valueHash_doubles_equalsHashOfGoRendering() {
    double[] edge = {0.0, -0.0, 1, -1, 0.5, 0.1, 0.2, 0.1 + 0.2, 1e-4, 1.5e-4, 9.99e-5, 0.00012, 1e-5, 1e9, 1e10,
        9_999_999_999.0, 9_999_999_999.5, 9_999_999_999.4, 1234567890.1, 123456.7890123, 1e21, 1.0 / 3, 2.0 / 3,
        Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        100, 1e-323, 0.30000000000000004, 3.14159265358979, 12.5, -7.25, 1e-4 - 1e-20, 0.001, 0.999};
    for (double d : edge) {
      assertSameAsString(KeyValue.float64("k", d));
    }
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 20_000; i++) {
      // Short decimals (the fast path), their neighbours, and arbitrary doubles over many magnitudes.
      double shortDecimal = rnd.nextInt(1_000_000) / Math.pow(10, rnd.nextInt(12)) * (rnd.nextBoolean() ? 1 : -1);
      assertSameAsString(KeyValue.float64("k", shortDecimal));
      assertSameAsString(KeyValue.float64("k", Math.nextUp(shortDecimal)));
      assertSameAsString(KeyValue.float64("k", rnd.nextDouble() * Math.pow(10, rnd.nextInt(-8, 14))));
      assertSameAsString(KeyValue.float64("k", Double.longBitsToDouble(rnd.nextLong())));
    }
  }

  @Test
  void valueHash_otherTypes_equalsHashOfAsString() {
    assertSameAsString(KeyValue.bool("k", true));
    assertSameAsString(KeyValue.bool("k", false));
    assertSameAsString(KeyValue.string("k", "ünïcode ✓"));
    assertSameAsString(KeyValue.string("k", ""));
    assertSameAsString(KeyValue.binary("k", new byte[] {0, 1, (byte) 0xff}));
  }

  @Test
  void encode_collectsHashesOfEveryPairAndTheSpanKind() {
    CompactSpanCodec codec = new CompactSpanCodec(1 << 10, 1 << 10);
    CompactSpanCodec.Encoder enc = new CompactSpanCodec.Encoder();
    List<KeyValue> tags = new ArrayList<>();
    tags.add(KeyValue.string("http.method", "GET"));
    tags.add(KeyValue.int64("http.status_code", 503));
    tags.add(KeyValue.string("span.kind", "server"));
    tags.add(KeyValue.string("span.kind", "client"));
    tags.add(KeyValue.float64("ratio", 0.25));
    Span s = Span.builder()
        .traceId(new TraceId(1, 2))
        .spanId(3)
        .operationName("op")
        .startTimeMicros(10)
        .durationMicros(5)
        .tags(tags)
        .addLog(new Log(12, List.of(KeyValue.string("span.kind", "producer"), KeyValue.bool("error", true))))
        .process(new Process("svc", List.of(KeyValue.string("host", "h1"))))
        .build();
    codec.encode(s, enc);

    List<Short> expected = new ArrayList<>();
    for (String[] kv : new String[][] {{"http.method", "GET"}, {"http.status_code", "503"}, {"span.kind", "server"},
        {"span.kind", "client"}, {"ratio", "0.25"}, {"span.kind", "producer"}, {"error", "true"}, {"host", "h1"}}) {
      expected.add(TagFilter.hash(kv[0], kv[1]));
    }
    List<Short> actual = new ArrayList<>();
    for (int i = 0; i < enc.hashCount(); i++) {
      actual.add(enc.hashes()[i]);
    }
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(CompactSpanCodec.KINDS[enc.kind()]).isEqualTo("server");

    Span noKind = s.toBuilder().tags(List.of(KeyValue.int64("span.kind", 1))).build();
    codec.encode(noKind, enc);
    assertThat(enc.kind()).isZero();
  }

  @Test
  void encode_stringValuesOfEveryLengthAndScript_hashLikeString() {
    CompactSpanCodec codec = new CompactSpanCodec(1 << 10, 1 << 10);
    CompactSpanCodec.Encoder enc = new CompactSpanCodec.Encoder();
    StringBuilder ascii = new StringBuilder();
    List<String> values = new ArrayList<>();
    for (int len = 0; len < 300; len++) {
      values.add(ascii.toString());
      ascii.append((char) ('a' + len % 26));
    }
    values.add("ünïcode ✓");
    values.add("abcd\u00e9");
    values.add("abc\u0080");
    values.add("\u00ff");
    values.add("emoji \ud83d\ude00 end");
    values.add("\u0000\u007f");
    TraceId id = new TraceId(1, 2);
    for (String v : values) {
      Span s = Span.builder().traceId(id).spanId(3).operationName("op").startTimeMicros(10).durationMicros(5)
          .addTag(KeyValue.string("k", v)).process(new Process("svc", List.of())).build();
      byte[] bytes = codec.encode(s, enc);
      assertThat(enc.hashCount()).isEqualTo(1);
      assertThat(enc.hashes()[0]).as("hash of %s", v).isEqualTo(TagFilter.hash("k", v));
      assertThat(codec.decode(id, bytes)).isEqualTo(s);
    }
  }

  @Test
  void encode_equalSpansGetEqualDedupeHashes() {
    CompactSpanCodec codec = new CompactSpanCodec(1 << 10, 1 << 10);
    CompactSpanCodec.Encoder enc = new CompactSpanCodec.Encoder();
    Span s = Span.builder().traceId(new TraceId(1, 2)).spanId(3).operationName("op").startTimeMicros(10)
        .durationMicros(5).process(new Process("svc", List.of())).build();
    codec.encode(s, enc);
    int first = enc.dedupeHash();
    // A different Process instance with equal content, encoded by a fresh encoder.
    Span copy = s.toBuilder().process(new Process("svc", List.of())).build();
    CompactSpanCodec.Encoder other = new CompactSpanCodec.Encoder();
    codec.encode(copy, other);
    assertThat(other.dedupeHash()).isEqualTo(first);
  }
}
