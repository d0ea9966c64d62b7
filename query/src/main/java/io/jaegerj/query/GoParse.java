// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.config.Settings;
import io.jaegerj.model.GoQuote;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, boolean and time parsing with Go's strconv / time error texts, which clients see in 400 answers. */
final class GoParse {
  private GoParse() {}

  /** strconv.ParseInt(s, 10, bits). */
  static long parseInt(String s, int bits) {
    return parseInteger("strconv.ParseInt", s, bits);
  }

  /** strconv.Atoi. */
  static long atoi(String s) {
    return parseInteger("strconv.Atoi", s, 64);
  }

  private static long parseInteger(String fn, String s, int bits) {
    String digits = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
    if (digits.isEmpty()) {
      throw new IllegalArgumentException(fn + ": parsing " + GoQuote.strconv(s) + ": invalid syntax");
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(fn + ": parsing " + GoQuote.strconv(s) + ": invalid syntax");
      }
    }
    long v;
    try {
      v = Long.parseLong(s.startsWith("+") ? digits : s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(fn + ": parsing " + GoQuote.strconv(s) + ": value out of range");
    }
    if (bits < 64) {
      long max = (1L << (bits - 1)) - 1;
      if (v > max || v < -max - 1) {
        throw new IllegalArgumentException(fn + ": parsing " + GoQuote.strconv(s) + ": value out of range");
      }
    }
    return v;
  }

  /** strconv.ParseBool. */
  static boolean parseBool(String s) {
    try {
      return Settings.parseBool(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("strconv.ParseBool: parsing " + GoQuote.strconv(s) + ": invalid syntax");
    }
  }

  /** strconv.ParseFloat(s, 64). */
  static double parseFloat(String s) {
    String t = s.trim();
    if (t.isEmpty() || !t.equals(s) || t.endsWith("d") || t.endsWith("D") || t.endsWith("f") || t.endsWith("F")) {
      throw new IllegalArgumentException("strconv.ParseFloat: parsing " + GoQuote.strconv(s) + ": invalid syntax");
    }
    switch (t.toLowerCase(Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf": case "+inf": case "infinity": case "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf": case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("strconv.ParseFloat: parsing " + GoQuote.strconv(s) + ": invalid syntax");
    }
  }

  /** time.Parse(time.RFC3339Nano, s), as nanoseconds since the epoch. */
  static long parseRfc3339Nanos(String s) {
    try {
      Instant i = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("parsing time " + GoQuote.strconv(s)
          + " as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse " + GoQuote.strconv(s) + " as RFC 3339");
    }
  }
}
