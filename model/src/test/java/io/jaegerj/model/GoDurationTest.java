// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {

  // Inputs and nanosecond results as Go's time.ParseDuration gives them.
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1h2m3.5s | 3723500000000",
      "1.5ms | 1500000",
      "0s | 0",
      "0 | 0",
      "-0 | 0",
      "+0 | 0",
      "300ms | 300000000",
      "-1.5h | -5400000000000",
      "2h45m | 9900000000000",
      "+5s | 5000000000",
      "5.s | 5000000000",
      ".5s | 500000000",
      "1.004s | 1004000000",
      "100.00100s | 100001000000",
      "10ns | 10",
      "11us | 11000",
      "12µs | 12000",
      "12μs | 12000",
      "15m | 900000000000",
      "10.5s4m | 250500000000",
      "-2m3.4s | -123400000000",
      "1h2m3s4ms5us6ns | 3723004005006",
      "0.3333333333333333333h | 1200000000000",
      "9007199254740993ns | 9007199254740993",
      "9223372036854775807ns | 9223372036854775807",
      "9223372036854775.807us | 9223372036854775807",
      "9223372036s854ms775us807ns | 9223372036854775807",
      "-9223372036854775808ns | -9223372036854775808",
      "-9223372036854775.808us | -9223372036854775808",
      "0.100000000000000000000h | 360000000000",
      "0.830103483285477580700h | 2988372539827",
  })
  void parse_goExamples(String text, long nanos) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "abc | time: invalid duration \"abc\"",
      "1d | time: unknown unit \"d\" in duration \"1d\"",
      "'' | time: invalid duration \"\"",
      "3 | time: missing unit in duration \"3\"",
      "- | time: invalid duration \"-\"",
      "s | time: invalid duration \"s\"",
      ". | time: invalid duration \".\"",
      "-. | time: invalid duration \"-.\"",
      ".s | time: invalid duration \".s\"",
      "+.s | time: invalid duration \"+.s\"",
      "1.2.3s | time: missing unit in duration \"1.2.3s\"",
      "1 s | time: unknown unit \" s\" in duration \"1 s\"",
      "9223372036854775808ns | time: invalid duration \"9223372036854775808ns\"",
      "9223372036854775.808us | time: invalid duration \"9223372036854775.808us\"",
      "9223372036s854ms775us808ns | time: invalid duration \"9223372036s854ms775us808ns\"",
      "-9223372036854775809ns | time: invalid duration \"-9223372036854775809ns\"",
      "99999999999999999999h | time: invalid duration \"99999999999999999999h\"",
      "1é | time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"",
      "1\"s | time: unknown unit \"\\\"s\" in duration \"1\\\"s\"",
  })
  void parse_invalid_goErrorText(String text, String message) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  // Outputs of Go's Duration.String().
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0 | 0s",
      "1 | 1ns",
      "1100 | 1.1µs",
      "2200000 | 2.2ms",
      "1500000 | 1.5ms",
      "1000500 | 1.0005ms",
      "300000000 | 300ms",
      "3300000000 | 3.3s",
      "2250000000 | 2.25s",
      "245000000000 | 4m5s",
      "245001000000 | 4m5.001s",
      "120500000000 | 2m0.5s",
      "18367001000000 | 5h6m7.001s",
      "480000000001 | 8m0.000000001s",
      "3723500000000 | 1h2m3.5s",
      "3600000000000 | 1h0m0s",
      "9900000000000 | 2h45m0s",
      "-5400000000000 | -1h30m0s",
      "-1 | -1ns",
      "-1500 | -1.5µs",
      "9223372036854775807 | 2562047h47m16.854775807s",
      "-9223372036854775808 | -2562047h47m16.854775808s",
  })
  void formatNanos_goExamples(long nanos, String expected) {
    assertThat(GoDuration.formatNanos(nanos)).isEqualTo(expected);
    assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(expected);
  }

  @Test
  void format_parse_roundTrip() {
    for (long n : new long[] {1, 999, 1000, 1001, 999_999_999, 1_000_000_001, 86_400_000_000_000L, -3_000_000_007L}) {
      assertThat(GoDuration.parse(GoDuration.formatNanos(n))).isEqualTo(Duration.ofNanos(n));
    }
  }

  @Test
  void format_outOfGoRange_throws() {
    assertThatThrownBy(() -> GoDuration.format(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(ArithmeticException.class);
  }
}
