// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Text and byte forms of trace and span IDs (query.md §2.5) and their error texts (§7). */
class IdsTest {

  @ParameterizedTest
  @CsvSource({
      "1, 0, 1, 0000000000000001",
      "5af7183fb1d4cf5f, 0, 5af7183fb1d4cf5f, 5af7183fb1d4cf5f",
      "5AF7183FB1D4CF5F, 0, 5af7183fb1d4cf5f, 5af7183fb1d4cf5f",
      "ffffffffffffffff, 0, ffffffffffffffff, ffffffffffffffff",
      "0, 0, 0, 0000000000000000",
      "10000000000000000, 1, 0, 00000000000000010000000000000000",
      "abc0000000000000001, abc, 1, 0000000000000abc0000000000000001",
      "00000000000000000000000000000001, 0, 1, 0000000000000001",
      "ffffffffffffffffffffffffffffffff, ffffffffffffffff, ffffffffffffffff, ffffffffffffffffffffffffffffffff",
  })
  void traceIdParse_validText_splitsAndRenders(String text, String high, String low, String rendered) {
    TraceId id = TraceId.parse(text);
    assertThat(id).isEqualTo(new TraceId(Long.parseUnsignedLong(high, 16), Long.parseUnsignedLong(low, 16)));
    assertThat(id.toString()).isEqualTo(rendered);
    assertThat(TraceId.parse(id.toString())).isEqualTo(id);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "xyz | strconv.ParseUint: parsing \"xyz\": invalid syntax",
      "'' | strconv.ParseUint: parsing \"\": invalid syntax",
      "0x1 | strconv.ParseUint: parsing \"0x1\": invalid syntax",
      "-1 | strconv.ParseUint: parsing \"-1\": invalid syntax",
      "+1 | strconv.ParseUint: parsing \"+1\": invalid syntax",
      "12 34 | strconv.ParseUint: parsing \"12 34\": invalid syntax",
      "g0000000000000000 | strconv.ParseUint: parsing \"g\": invalid syntax",
      "10000000000000000z | strconv.ParseUint: parsing \"000000000000000z\": invalid syntax",
      "a\"b | strconv.ParseUint: parsing \"a\\\"b\": invalid syntax",
      "123456789012345678901234567890123 | TraceID cannot be longer than 32 hex characters: "
          + "123456789012345678901234567890123",
  })
  void traceIdParse_invalid_jaegerErrorText(String text, String message) {
    assertThatThrownBy(() -> TraceId.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void traceIdParse_controlCharacters_quotedLikeGo() {
    assertThatThrownBy(() -> TraceId.parse("a\tb\u0001\u2028é"))
        .hasMessage("strconv.ParseUint: parsing \"a\\tb\\x01\\u2028é\": invalid syntax");
  }

  @Test
  void traceIdParse_lengthCountsUtf8Bytes() {
    String s = "é".repeat(17); // 34 bytes in Go
    assertThatThrownBy(() -> TraceId.parse(s)).hasMessage("TraceID cannot be longer than 32 hex characters: " + s);
    assertThatThrownBy(() -> TraceId.parse("é".repeat(9)))
        .hasMessageStartingWith("strconv.ParseUint: parsing ");
  }

  @Test
  void traceId_renderingAndOrdering() {
    TraceId hi = new TraceId(1, 0);
    assertThat(hi.toString()).isEqualTo("00000000000000010000000000000000");
    assertThat(new TraceId(0, 0xab).toHex32()).isEqualTo("000000000000000000000000000000ab");
    assertThat(TraceId.ZERO.isZero()).isTrue();
    assertThat(hi.isZero()).isFalse();
    assertThat(new TraceId(-1, 0)).isGreaterThan(new TraceId(1, -1));
    assertThat(new TraceId(0, -1)).isGreaterThan(new TraceId(0, 1));
  }

  @Test
  void traceIdBytes_bigEndianAndLengthRules() {
    TraceId id = new TraceId(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
    assertThat(id.toBytes()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    assertThat(TraceId.fromBytes(id.toBytes())).isEqualTo(id);
    assertThat(TraceId.fromBytes(new byte[] {0, 0, 0, 0, 0, 0, 1, 2})).isEqualTo(new TraceId(0, 0x102));
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[12]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid length for TraceID: 12 bytes (expected: 8 or 16)");
  }

  @ParameterizedTest
  @CsvSource({
      "1, 0000000000000001",
      "FFFFFFFFFFFFFFFF, ffffffffffffffff",
      "8000000000000000, 8000000000000000",
      "00ab, 00000000000000ab",
  })
  void spanIdParse_validText(String text, String rendered) {
    long id = SpanId.parse(text);
    assertThat(SpanId.toString(id)).isEqualTo(rendered);
  }

  @Test
  void spanIdParse_invalid_jaegerErrorText() {
    assertThatThrownBy(() -> SpanId.parse("00000000000000001"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SpanID cannot be longer than 16 hex characters: 00000000000000001");
    assertThatThrownBy(() -> SpanId.parse("xyz"))
        .hasMessage("strconv.ParseUint: parsing \"xyz\": invalid syntax");
    assertThatThrownBy(() -> SpanId.parse(""))
        .hasMessage("strconv.ParseUint: parsing \"\": invalid syntax");
  }

  @Test
  void spanIdBytes_exactlyEight() {
    assertThat(SpanId.toBytes(0x0102030405060708L)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(SpanId.fromBytes(SpanId.toBytes(-2))).isEqualTo(-2);
    assertThatThrownBy(() -> SpanId.fromBytes(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid length for SpanID: 16 bytes (expected: 8)");
  }

  @Test
  void hexParse64_goParseUintRules() {
    assertThat(Hex.parse64("00000000000000000000ff")).isEqualTo(255);
    assertThat(Hex.parse64("fFfFfFfFfFfFfFfF")).isEqualTo(-1);
    assertThatThrownBy(() -> Hex.parse64("10000000000000000"))
        .hasMessage("strconv.ParseUint: parsing \"10000000000000000\": value out of range");
    assertThatThrownBy(() -> Hex.parse64("1000000000000000z"))
        .hasMessage("strconv.ParseUint: parsing \"1000000000000000z\": invalid syntax");
    assertThatThrownBy(() -> Hex.parse64("10000000000000000z"))
        .hasMessage("strconv.ParseUint: parsing \"10000000000000000z\": value out of range");
  }

  @Test
  void hex_render() {
    assertThat(Hex.of64(0)).isEqualTo("0000000000000000");
    assertThat(Hex.of64(Long.MIN_VALUE)).isEqualTo("8000000000000000");
    assertThat(Hex.of(new byte[] {0, (byte) 0xab, 0x7f})).isEqualTo("00ab7f");
    byte[] b = new byte[10];
    Hex.putLong(b, 1, 0x1122334455667788L);
    assertThat(Hex.getLong(b, 1)).isEqualTo(0x1122334455667788L);
    assertThat(b[0]).isZero();
    assertThat(b[9]).isZero();
  }
}
