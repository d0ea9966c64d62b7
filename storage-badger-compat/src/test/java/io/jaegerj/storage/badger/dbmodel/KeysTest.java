// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger.dbmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeysTest {
  private static final TraceId TID = new TraceId(0x0102030405060708L, 0x1112131415161718L);

  @Test
  void spanKey_layout() {
    byte[] k = Keys.spanKey(TID, 0x2122232425262728L, 0x3132333435363738L);
    assertThat(Hex.of(k)).isEqualTo(
        "80" + "0102030405060708" + "1112131415161718" + "2122232425262728" + "3132333435363738");
    assertThat(Keys.spanKeyTraceId(k)).isEqualTo(TID);
    assertThat(Keys.spanKeyStartMicros(k)).isEqualTo(0x2122232425262728L);
    assertThat(Keys.startsWith(k, Keys.tracePrefix(TID))).isTrue();
  }

  @Test
  void spanKey_ordersByStartThenSpanId() {
    byte[] a = Keys.spanKey(TID, 10, 99);
    byte[] b = Keys.spanKey(TID, 11, 1);
    byte[] c = Keys.spanKey(TID, 11, 2);
    assertThat(Arrays.compareUnsigned(a, b)).isNegative();
    assertThat(Arrays.compareUnsigned(b, c)).isNegative();
  }

  @Test
  void indexKey_layoutAndParsing() {
    byte[] seek = Keys.operationSeek("svc", "op");
    assertThat(Hex.of(seek)).isEqualTo("82" + "03737663" + "026f70");
    byte[] k = Keys.indexKey(seek, 77, TID);
    assertThat(k).hasSize(seek.length + 24);
    assertThat(Keys.indexStartMicros(k)).isEqualTo(77);
    assertThat(Keys.indexTraceId(k)).isEqualTo(TID);
    assertThat(Keys.isIndexKeyOf(k, seek)).isTrue();
    assertThat(Keys.indexStrings(k)).containsExactly("svc", "op");
  }

  @Test
  void operationSeek_concatenationsDoNotCollide() {
    // Jaeger's unseparated layout makes these identical.
    assertThat(Keys.operationSeek("ab", "c")).isNotEqualTo(Keys.operationSeek("a", "bc"));
    assertThat(Keys.tagSeek("s", "ab", "c")).isNotEqualTo(Keys.tagSeek("s", "a", "bc"));
    byte[] svcA = Keys.serviceSeek("a");
    byte[] keyAb = Keys.indexKey(Keys.serviceSeek("ab"), 1, TID);
    assertThat(Keys.startsWith(keyAb, svcA)).isFalse();
  }

  @Test
  void serviceSeek_longStringsUseMultiByteLength() {
    String longName = "x".repeat(300);
    byte[] seek = Keys.serviceSeek(longName);
    assertThat(seek).hasSize(1 + 2 + 300);
    assertThat(Keys.indexStrings(Keys.indexKey(seek, 0, TID))).containsExactly(longName);
  }

  @Test
  void indexUpperBound_isAboveEveryKeyAtThatTime() {
    byte[] seek = Keys.serviceSeek("svc");
    byte[] bound = Keys.indexUpperBound(seek, 50);
    byte[] max = Keys.indexKey(seek, 50, new TraceId(-1, -1));
    byte[] later = Keys.indexKey(seek, 51, TraceId.ZERO);
    assertThat(Arrays.compareUnsigned(max, bound)).isLessThanOrEqualTo(0);
    assertThat(Arrays.compareUnsigned(bound, later)).isNegative();
  }

  @Test
  void indexKeys_coverServiceOperationTagsProcessLogsAndDuration() {
    Span span = Span.builder()
        .traceId(TID)
        .spanId(1)
        .operationName("op")
        .startTimeMicros(5)
        .durationMicros(9)
        .addTag(KeyValue.bool("error", true))
        .addLog(new Log(6, List.of(KeyValue.int64("n", 3))))
        .process(Process.of("svc", KeyValue.string("host", "h")))
        .build();
    List<byte[]> keys = Keys.indexKeys(span);
    assertThat(keys).hasSize(6);
    assertThat(keys).anySatisfy(k -> assertThat(k).isEqualTo(Keys.indexKey(Keys.serviceSeek("svc"), 5, TID)));
    assertThat(keys).anySatisfy(k -> assertThat(k).isEqualTo(Keys.indexKey(Keys.operationSeek("svc", "op"), 5, TID)));
    assertThat(keys).anySatisfy(k -> assertThat(k).isEqualTo(Keys.indexKey(Keys.tagSeek("svc", "error", "true"), 5, TID)));
    assertThat(keys).anySatisfy(k -> assertThat(k).isEqualTo(Keys.indexKey(Keys.tagSeek("svc", "host", "h"), 5, TID)));
    assertThat(keys).anySatisfy(k -> assertThat(k).isEqualTo(Keys.indexKey(Keys.tagSeek("svc", "n", "3"), 5, TID)));
    byte[] duration = Keys.indexKey(Keys.durationSeek(9), 5, TID);
    assertThat(keys).anySatisfy(k -> assertThat(k).isEqualTo(duration));
    assertThat(Keys.durationOf(duration)).isEqualTo(9);
  }

  @Test
  void nameKeys_roundTrip() {
    assertThat(Keys.nameKeyStrings(Keys.serviceNameKey("svc"))).containsExactly("svc");
    byte[] op = Keys.operationNameKey("svc", "GET /", "");
    assertThat(op[0]).isEqualTo(Keys.OPERATION_NAME);
    assertThat(Keys.nameKeyStrings(op)).containsExactly("svc", "GET /", "");
  }

  @Test
  void expiryKey_roundTrip() {
    byte[] span = Keys.spanKey(TID, 1, 2);
    byte[] k = Keys.expiryKey(1234, span);
    assertThat(Keys.expiryKeySeconds(k)).isEqualTo(1234);
    assertThat(Keys.expiryKeySpanKey(k)).isEqualTo(span);
  }

  @Test
  void prefixEnd_incrementsLastNonFfByte() {
    assertThat(Keys.prefixEnd(new byte[] {1, (byte) 0xff})).containsExactly(2);
    assertThat(Keys.prefixEnd(new byte[] {(byte) 0xff})).isNull();
  }

  @Test
  void values_roundTrip() {
    byte[] v = Values.spanValue(99, new byte[] {7});
    assertThat(v[0]).isEqualTo(Values.ENCODING_PROTOBUF);
    assertThat(Values.spanExpiry(v)).isEqualTo(99);
    assertThat(Values.indexExpiry(Values.indexValue(5))).isEqualTo(5);
    assertThat(Values.expired(5, 5)).isTrue();
    assertThat(Values.expired(6, 5)).isFalse();
    assertThat(Values.expired(0, 5)).isFalse();
  }
}
