// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoFloatTest {

  // Expected values are what Go's encoding/json prints for the same float64.
  @ParameterizedTest
  @CsvSource({
      "1e21, 1e+21",
      "1.5e300, 1.5e+300",
      "1e-7, 1e-7",
      "1.25e-10, 1.25e-10",
      "0.000001, 0.000001",
      "0.1, 0.1",
      "123456789, 123456789",
      "-0.0, -0",
      "0, 0",
      "1, 1",
      "-2.5, -2.5",
      "100, 100",
      "1e20, 100000000000000000000",
      "123456.789, 123456.789",
      "3.141592653589793, 3.141592653589793",
      "2.82879384806159E17, 282879384806159000",
      "1.7976931348623157e308, 1.7976931348623157e+308",
      "4.9e-324, 5e-324",
      "2.2250738585072014E-308, 2.2250738585072014e-308",
      "0.3, 0.3",
      "9007199254740993, 9007199254740992",
  })
  void formatJson_matchesGoEncodingJson(double value, String expected) {
    assertThat(GoFloat.formatJson(value)).isEqualTo(expected);
  }

  // Expected values are what Go's strconv.FormatFloat(v, 'g', 10, 64) prints (Jaeger's KeyValue.AsString).
  @ParameterizedTest
  @CsvSource({
      "1e21, 1e+21",
      "1e-7, 1e-07",
      "0.1, 0.1",
      "123456789, 123456789",
      "1234567890, 1234567890",
      "12345678901, 1.23456789e+10",
      "1e10, 1e+10",
      "-0.0, -0",
      "0.0001, 0.0001",
      "0.00001, 1e-05",
      "3.141592653589793, 3.141592654",
      "100, 100",
      "1.5, 1.5",
      "-2.25e-300, -2.25e-300",
      "12345678905, 1.23456789e+10",
      "12345678915, 1.234567892e+10",
  })
  void format_matchesGoFormatFloatG10(double value, String expected) {
    assertThat(GoFloat.format(value)).isEqualTo(expected);
  }

  @Test
  void format_nonFinite_usesGoNames() {
    assertThat(GoFloat.format(Double.NaN)).isEqualTo("NaN");
    assertThat(GoFloat.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(GoFloat.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
  }

  @Test
  void formatJson_nonFinite_rejected() {
    assertThatThrownBy(() -> GoFloat.formatJson(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unsupported value: NaN");
  }

  @Test
  void formatJson_randomDoubles_parseBackExactly() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(r.nextLong());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        continue;
      }
      String s = GoFloat.formatJson(d);
      assertThat(Double.parseDouble(s)).as(s).isEqualTo(d);
      assertThat(s).doesNotContain("E").doesNotEndWith(".");
    }
  }

  /**
   * Go's shortest formatting: no decimal with fewer significant digits parses back to the same double, and among
   * decimals of the chosen length that do, the chosen one is the closest to the exact binary value.
   */
  @Test
  void formatJson_randomDoubles_shortestAndClosest() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 3_000; i++) {
      double d = Math.abs(Double.longBitsToDouble(r.nextLong()));
      if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
        continue;
      }
      BigDecimal chosen = new BigDecimal(GoFloat.formatJson(d));
      int digits = chosen.stripTrailingZeros().precision();
      BigDecimal exact = new BigDecimal(d);
      if (digits > 1) {
        MathContext shorter = new MathContext(digits - 1, RoundingMode.FLOOR);
        BigDecimal down = exact.round(shorter);
        BigDecimal up = exact.round(new MathContext(digits - 1, RoundingMode.CEILING));
        assertThat(down.doubleValue()).as("shorter below %s", chosen).isNotEqualTo(d);
        assertThat(up.doubleValue()).as("shorter above %s", chosen).isNotEqualTo(d);
      }
      BigDecimal nearest = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (nearest.doubleValue() == d) {
        assertThat(chosen.compareTo(nearest)).as("closest for %s", exact).isZero();
      }
    }
  }
}
