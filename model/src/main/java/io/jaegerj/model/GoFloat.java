// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Renders doubles exactly as Jaeger's Go code does, in two flavours:
 *
 * <ul>
 *   <li>{@link #format(double)}: {@code strconv.FormatFloat(f, 'g', 10, 64)}, the form of Jaeger's
 *       {@code KeyValue.AsString} (ten significant digits; exponent form when the exponent is below -4 or not below
 *       the digit count, e.g. {@code 1e+10}, {@code 1e-05}).
 *   <li>{@link #formatJson(double)}: encoding/json's form, the shortest digits that parse back to the same double,
 *       plain unless the magnitude is below 1e-6 or from 1e21 (e.g. {@code 1e+21}, {@code 1e-7}).
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class GoFloat {
  private static final MathContext TEN_DIGITS = new MathContext(10, RoundingMode.HALF_EVEN);

  private GoFloat() {}

  /**
   * Go's {@code strconv.FormatFloat(d, 'g', 10, 64)}; {@code NaN}, {@code +Inf}, {@code -Inf} for non-finite values.
   */
  public static String format(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    boolean neg = Double.doubleToRawLongBits(d) < 0;
    if (d == 0) {
      return neg ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(Math.abs(d)).round(TEN_DIGITS).stripTrailingZeros();
    String digits = rounded.unscaledValue().toString();
    int nd = digits.length();
    int dp = nd - rounded.scale(); // value = 0.digits * 10^dp
    int eprec = 10;
    if (eprec > nd && nd >= dp) {
      eprec = nd;
    }
    int exp = dp - 1;
    StringBuilder b = new StringBuilder(24);
    if (neg) {
      b.append('-');
    }
    if (exp < -4 || exp >= eprec) {
      appendExponent(b, digits, exp, true);
    } else {
      appendPlain(b, digits, dp);
    }
    return b.toString();
  }

  /**
   * encoding/json's rendering of a finite double: shortest round-trip digits, {@code -0} for negative zero.
   *
   * @throws IllegalArgumentException for NaN and infinities, which JSON numbers cannot hold
   */
  public static String formatJson(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("unsupported value: " + format(d));
    }
    boolean neg = Double.doubleToRawLongBits(d) < 0;
    if (d == 0) {
      return neg ? "-0" : "0";
    }
    double abs = Math.abs(d);
    // Jackson's Schubfach writer gives the shortest closest digits (like Go), unlike Double.toString before JDK 19.
    String java = NumberOutput.toString(abs, true);
    int e = java.indexOf('E');
    String mantissa = e < 0 ? java : java.substring(0, e);
    int exp10 = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
    int dot = mantissa.indexOf('.');
    String intPart = dot < 0 ? mantissa : mantissa.substring(0, dot);
    String fracPart = dot < 0 ? "" : mantissa.substring(dot + 1);
    String all = intPart + fracPart;
    int dp = intPart.length() + exp10;
    int start = 0;
    while (start < all.length() - 1 && all.charAt(start) == '0') {
      start++;
      dp--;
    }
    int end = all.length();
    while (end > start + 1 && all.charAt(end - 1) == '0') {
      end--;
    }
    String digits = all.substring(start, end);
    if (digits.length() == 2) {
      // Java prefers a closer two-digit form where Go takes the one-digit one (only matters for subnormals).
      digits = oneDigitIfRoundTrips(abs, digits, dp);
      if (digits.length() == 3) {
        dp++;
        digits = "1";
      }
    }
    StringBuilder b = new StringBuilder(24);
    if (neg) {
      b.append('-');
    }
    if (abs < 1e-6 || abs >= 1e21) {
      appendExponent(b, digits, dp - 1, false);
    } else {
      appendPlain(b, digits, dp);
    }
    return b.toString();
  }

  /** Returns a one-digit replacement for {@code digits} when one parses back to {@code abs}; "10x" means carry. */
  private static String oneDigitIfRoundTrips(double abs, String digits, int dp) {
    int first = digits.charAt(0) - '0';
    int second = digits.charAt(1) - '0';
    int exp = dp - 1;
    boolean downOk = Double.parseDouble(first + "e" + exp) == abs;
    boolean upOk = Double.parseDouble((first + 1) + "e" + exp) == abs;
    if (downOk && (!upOk || second < 5)) {
      return Integer.toString(first);
    }
    if (upOk) {
      return first == 9 ? "10x" : Integer.toString(first + 1);
    }
    return digits;
  }

  private static void appendPlain(StringBuilder b, String digits, int dp) {
    int nd = digits.length();
    if (dp <= 0) {
      b.append("0.");
      for (int i = dp; i < 0; i++) {
        b.append('0');
      }
      b.append(digits);
    } else if (dp >= nd) {
      b.append(digits);
      for (int i = nd; i < dp; i++) {
        b.append('0');
      }
    } else {
      b.append(digits, 0, dp).append('.').append(digits, dp, nd);
    }
  }

  private static void appendExponent(StringBuilder b, String digits, int exp, boolean padTwo) {
    b.append(digits.charAt(0));
    if (digits.length() > 1) {
      b.append('.').append(digits, 1, digits.length());
    }
    b.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (padTwo && a < 10) {
      b.append('0');
    }
    b.append(a);
  }
}
