// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.math.BigDecimal;

/**
 * Formats doubles the way Go's {@code strconv.FormatFloat(f, 'g', -1, 64)} and encoding/json do: shortest digits
 * that round-trip, exponent form only for very small or very large magnitudes.
 */
public final class GoFloat {
  private GoFloat() {}

  /** Go's {@code %v}/'g' form: exponent when exp < -4 or exp >= 21, as used by AsString. */
  public static String format(double d) {
    return format(d, -4, 21);
  }

  /** encoding/json's form: plain digits unless |d| < 1e-6 or |d| >= 1e21. */
  public static String formatJson(double d) {
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    double abs = Math.abs(d);
    if (abs < 1e-6 || abs >= 1e21) {
      return exponent(d);
    }
    return plain(d);
  }

  private static String format(double d, int minExp, int maxExp) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exp = bd.precision() - bd.scale() - 1;
    if (exp < minExp || exp >= maxExp) {
      return exponent(d);
    }
    return plain(d);
  }

  private static String plain(double d) {
    return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }

  private static String exponent(double d) {
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exp = bd.precision() - bd.scale() - 1;
    BigDecimal mantissa = bd.movePointLeft(exp).stripTrailingZeros();
    String m = mantissa.toPlainString();
    String sign = exp < 0 ? "-" : "+";
    int a = Math.abs(exp);
    return m + "e" + sign + (a < 10 ? "0" + a : Integer.toString(a));
  }
}
