// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Go's duration syntax: parsing as {@code time.ParseDuration} accepts it ({@code 300ms}, {@code 1.5h},
 * {@code 2h45m}; units ns, us, µs, ms, s, m, h) and printing as {@code Duration.String()} does ({@code 1h2m3.5s},
 * {@code 1.5ms}, {@code 0s}).
 */
public final class GoDuration {
  private GoDuration() {}

  /**
   * Parses a Go duration string.
   *
   * @throws IllegalArgumentException with Go's wording ({@code time: invalid duration "x"})
   */
  public static Duration parse(String s) {
    String orig = s;
    if (s.isEmpty()) {
      throw invalid(orig);
    }
    boolean neg = false;
    int i = 0;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      neg = s.charAt(0) == '-';
      i++;
    }
    if (s.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    if (i == s.length()) {
      throw invalid(orig);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String num = s.substring(start, i);
      if (num.isEmpty() || num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) {
        throw invalid(orig);
      }
      int ustart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(ustart, i);
      long mult;
      switch (unit) {
        case "ns": mult = 1L; break;
        case "us": case "µs": case "μs": mult = 1_000L; break;
        case "ms": mult = 1_000_000L; break;
        case "s": mult = 1_000_000_000L; break;
        case "m": mult = 60_000_000_000L; break;
        case "h": mult = 3_600_000_000_000L; break;
        case "":
          throw new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"");
        default:
          throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
      }
      totalNanos = totalNanos.add(new BigDecimal(num).multiply(BigDecimal.valueOf(mult)));
    }
    if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw invalid(orig);
    }
    long nanos = totalNanos.longValue();
    return Duration.ofNanos(neg ? -nanos : nanos);
  }

  private static IllegalArgumentException invalid(String s) {
    return new IllegalArgumentException("time: invalid duration \"" + s + "\"");
  }

  /** Go's {@code Duration.String()}. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    boolean neg = n < 0;
    long u = Math.abs(n);
    StringBuilder b = new StringBuilder();
    if (u < 1_000_000_000L) {
      String unit;
      long div;
      if (u < 1_000L) {
        return (neg ? "-" : "") + u + "ns";
      } else if (u < 1_000_000L) {
        unit = "µs";
        div = 1_000L;
      } else {
        unit = "ms";
        div = 1_000_000L;
      }
      b.append(fraction(u, div)).append(unit);
    } else {
      long h = u / 3_600_000_000_000L;
      long rem = u % 3_600_000_000_000L;
      long m = rem / 60_000_000_000L;
      rem = rem % 60_000_000_000L;
      if (h > 0) {
        b.append(h).append('h');
      }
      if (h > 0 || m > 0) {
        b.append(m).append('m');
      }
      b.append(fraction(rem, 1_000_000_000L)).append('s');
    }
    return (neg ? "-" : "") + b;
  }

  private static String fraction(long v, long div) {
    long whole = v / div;
    long frac = v % div;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String f = Long.toString(frac);
    int width = Long.toString(div).length() - 1;
    StringBuilder fs = new StringBuilder();
    for (int i = f.length(); i < width; i++) {
      fs.append('0');
    }
    fs.append(f);
    int end = fs.length();
    while (end > 0 && fs.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + fs.substring(0, end);
  }
}
