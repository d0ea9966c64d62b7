// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.time.Duration;

/**
 * Go's duration syntax: parsing as {@code time.ParseDuration} does ({@code 300ms}, {@code -1.5h}, {@code 2h45m},
 * {@code .5s}; units ns, us, µs, μs, ms, s, m, h; a bare {@code 0}) with Go's error texts, and printing as
 * {@code Duration.String()} does ({@code 1h2m3.5s}, {@code 1.5ms}, {@code 0s}). Stateless and thread-safe.
 */
public final class GoDuration {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /** 1<<63 as an unsigned value: the largest magnitude Go accepts (for negative durations). */
  private static final long TWO_POW_63 = Long.MIN_VALUE;

  private GoDuration() {}

  /**
   * Parses a Go duration string.
   *
   * @throws IllegalArgumentException with Go's wording: {@code time: invalid duration "x"},
   *     {@code time: missing unit in duration "x"}, {@code time: unknown unit "u" in duration "x"}
   */
  public static Duration parse(String s) {
    String orig = s;
    int i = 0;
    int n = s.length();
    boolean neg = false;
    if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      i++;
    }
    if (n - i == 1 && s.charAt(i) == '0') {
      return Duration.ZERO;
    }
    if (i == n) {
      throw invalid(orig);
    }
    long total = 0; // unsigned
    while (i < n) {
      char c = s.charAt(i);
      if (!(c == '.' || (c >= '0' && c <= '9'))) {
        throw invalid(orig);
      }
      // integer part
      int start = i;
      long v = 0; // unsigned
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_POW_63, 10)) > 0) {
          throw invalid(orig);
        }
        v = v * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
          throw invalid(orig);
        }
        i++;
      }
      boolean pre = i != start;
      // fraction
      long f = 0;
      double scale = 1;
      boolean post = false;
      if (i < n && s.charAt(i) == '.') {
        i++;
        int fstart = i;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          if (!overflow) {
            if (Long.compareUnsigned(f, Long.MAX_VALUE / 10) > 0) {
              overflow = true;
            } else {
              long y = f * 10 + (s.charAt(i) - '0');
              if (Long.compareUnsigned(y, TWO_POW_63) > 0) {
                overflow = true;
              } else {
                f = y;
                scale *= 10;
              }
            }
          }
          i++;
        }
        post = i != fstart;
      }
      if (!pre && !post) {
        throw invalid(orig);
      }
      // unit
      int ustart = i;
      while (i < n) {
        char u = s.charAt(i);
        if (u == '.' || (u >= '0' && u <= '9')) {
          break;
        }
        i++;
      }
      if (i == ustart) {
        throw new IllegalArgumentException("time: missing unit in duration " + GoQuote.time(orig));
      }
      String u = s.substring(ustart, i);
      long unit = unitNanos(u);
      if (unit == 0) {
        throw new IllegalArgumentException(
            "time: unknown unit " + GoQuote.time(u) + " in duration " + GoQuote.time(orig));
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_POW_63, unit)) > 0) {
        throw invalid(orig);
      }
      v *= unit;
      if (f > 0) {
        // Go adds the fraction through float64 and truncates; do the same for identical results.
        v += toUnsigned((double) f * ((double) unit / scale));
        if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
          throw invalid(orig);
        }
      }
      total += v;
      if (Long.compareUnsigned(total, TWO_POW_63) > 0) {
        throw invalid(orig);
      }
    }
    if (neg) {
      return Duration.ofNanos(-total);
    }
    if (total == TWO_POW_63) {
      throw invalid(orig);
    }
    return Duration.ofNanos(total);
  }

  private static long toUnsigned(double d) {
    if (d < 0x1p63) {
      return (long) d;
    }
    return ((long) (d / 2)) << 1;
  }

  private static long unitNanos(String u) {
    switch (u) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s":
      case "\u03bcs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return NANOS_PER_SECOND;
      case "m":
        return 60 * NANOS_PER_SECOND;
      case "h":
        return 3600 * NANOS_PER_SECOND;
      default:
        return 0;
    }
  }

  private static IllegalArgumentException invalid(String s) {
    return new IllegalArgumentException("time: invalid duration " + GoQuote.time(s));
  }

  /**
   * Go's {@code Duration.String()} of a duration's nanoseconds.
   *
   * @throws ArithmeticException when the duration does not fit Go's int64 nanoseconds
   */
  public static String format(Duration d) {
    return formatNanos(d.toNanos());
  }

  /** Go's {@code Duration.String()} for a count of nanoseconds. */
  public static String formatNanos(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    boolean neg = nanos < 0;
    long u = neg ? -nanos : nanos; // unsigned; Long.MIN_VALUE stays 1<<63
    StringBuilder b = new StringBuilder(32);
    if (Long.compareUnsigned(u, NANOS_PER_SECOND) < 0) {
      if (u < 1_000L) {
        b.append(u).append("ns");
      } else if (u < 1_000_000L) {
        appendFraction(b, u, 1_000L, 3);
        b.append("µs");
      } else {
        appendFraction(b, u, 1_000_000L, 6);
        b.append("ms");
      }
    } else {
      long secondsTotal = Long.divideUnsigned(u, NANOS_PER_SECOND);
      long fracNanos = Long.remainderUnsigned(u, NANOS_PER_SECOND);
      long h = secondsTotal / 3600;
      long m = (secondsTotal / 60) % 60;
      long sec = secondsTotal % 60;
      if (h > 0) {
        b.append(h).append('h');
      }
      if (h > 0 || m > 0) {
        b.append(m).append('m');
      }
      b.append(sec);
      appendFractionDigits(b, fracNanos, 9);
      b.append('s');
    }
    return neg ? "-" + b : b.toString();
  }

  private static void appendFraction(StringBuilder b, long v, long div, int digits) {
    b.append(v / div);
    appendFractionDigits(b, v % div, digits);
  }

  /** Appends "." and {@code digits} digits of {@code frac} without trailing zeros; nothing when zero. */
  private static void appendFractionDigits(StringBuilder b, long frac, int digits) {
    if (frac == 0) {
      return;
    }
    char[] c = new char[digits];
    for (int i = digits - 1; i >= 0; i--) {
      c[i] = (char) ('0' + frac % 10);
      frac /= 10;
    }
    int end = digits;
    while (c[end - 1] == '0') {
      end--;
    }
    b.append('.').append(c, 0, end);
  }
}
