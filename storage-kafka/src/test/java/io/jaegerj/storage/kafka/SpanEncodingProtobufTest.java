// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.proto.ProtoConverter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The protobuf message values and keys (model's {@code SpanProtoEncoder} behind {@link SpanEncoding#PROTOBUF}) against
 * protobuf-java: for random spans, including every proto3 default that must be left out
 * (empty strings, zero numbers, {@code +0.0} but not {@code -0.0}, CHILD_OF, zero seconds or nanos), negative times
 * and durations (ten-byte varints), uint32 flags above 2^31, multi-byte UTF-8, surrogate pairs and unpaired
 * surrogates, the bytes equal {@code ProtoConverter.toProto(span, true).toByteArray()}, and the key equals the trace
 * ID's text form.
 */
class SpanEncodingProtobufTest {
  static final String[] PIECES = {"", "a", "GET /checkout", "é", "€", "中文", "\uD83D\uDE00", "\uD83D", "\uDE00",
      "x\uD83Dy", "\u007f", "\u0080", "\u07ff", "\u0800", "\uffff"};
  static final long[] LONGS = {0, 1, -1, 127, 128, 16_383, 16_384, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000,
      -1_000_000, 999_999, -999_999, 1_704_164_645_123_456L, -1_704_164_645_123_456L};

  final Random random = new Random(20261204L);

  String string() {
    int n = random.nextInt(4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(PIECES[random.nextInt(PIECES.length)]);
    }
    if (random.nextInt(10) == 0) {
      b.append("x".repeat(random.nextInt(300))); // length prefixes of two bytes
    }
    return b.toString();
  }

  long number() {
    return random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong() >> random.nextInt(64);
  }

  TraceId traceId() {
    return new TraceId(random.nextInt(3) == 0 ? 0 : number(), number());
  }

  KeyValue keyValue() {
    String key = string();
    switch (random.nextInt(5)) {
      case 0:
        return KeyValue.string(key, string());
      case 1:
        return KeyValue.bool(key, random.nextBoolean());
      case 2:
        return KeyValue.int64(key, number());
      case 3:
        double[] specials = {0.0, -0.0, Double.NaN, Double.MIN_VALUE, -1.5, Double.POSITIVE_INFINITY};
        return KeyValue.float64(key, random.nextBoolean() ? specials[random.nextInt(specials.length)]
            : random.nextGaussian() * 1e6);
      default:
        byte[] v = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(200)];
        random.nextBytes(v);
        return KeyValue.binary(key, v);
    }
  }

  List<KeyValue> keyValues() {
    List<KeyValue> out = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      out.add(keyValue());
    }
    return out;
  }

  Span span() {
    List<SpanRef> refs = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      refs.add(new SpanRef(random.nextBoolean() ? RefType.CHILD_OF : RefType.FOLLOWS_FROM, traceId(), number()));
    }
    List<Log> logs = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      logs.add(new Log(number(), keyValues()));
    }
    List<String> warnings = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      warnings.add(string());
    }
    int[] flags = {0, 1, 2, 3, -1, Integer.MIN_VALUE, 0x7fffffff};
    return new Span(traceId(), number(), string(), refs, flags[random.nextInt(flags.length)], number(), number(),
        keyValues(), logs, new Process(string(), keyValues()), warnings);
  }

  @Test
  void randomSpans_sameBytesAsProtobufJava() {
    for (int i = 0; i < 2000; i++) {
      Span s = span();
      byte[] expected = ProtoConverter.toProto(s, true).toByteArray();
      assertThat(SpanEncoding.PROTOBUF.encode(s)).as("span %d: %s", i, s).isEqualTo(expected);
      assertThat(new String(SpanEncoding.key(s), StandardCharsets.US_ASCII))
          .isEqualTo(s.traceId().toString());
    }
  }

  @Test
  void emptySpan_keepsTheMessagesProtobufAlwaysWrites() {
    Span s = new Span(TraceId.ZERO, 0, "", List.of(), 0, 0, 0, List.of(), List.of(new Log(0, List.of())),
        new Process("", List.of()), List.of(""));
    byte[] bytes = SpanEncoding.PROTOBUF.encode(s);
    assertThat(bytes).isEqualTo(ProtoConverter.toProto(s, true).toByteArray());
    // ids (18 + 10), empty start_time, duration, log with its empty timestamp, process, one empty warning
    assertThat(bytes).hasSize(18 + 10 + 2 + 2 + 4 + 2 + 2);
  }
}
