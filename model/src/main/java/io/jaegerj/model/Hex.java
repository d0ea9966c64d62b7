// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

/** Hex and big-endian helpers for IDs; allocation-light because they run per span. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** 16 lower-case hex characters for the unsigned value. */
  public static String of64(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(c);
  }

  /**
   * Parses hex digits (either case) as an unsigned 64-bit value, like Go's {@code strconv.ParseUint(s, 16, 64)}:
   * leading zeros are allowed beyond 16 digits; no sign, prefix or separators.
   *
   * @throws IllegalArgumentException with Go's text: {@code strconv.ParseUint: parsing "s": invalid syntax} for empty
   *     or non-hex input, {@code ...: value out of range} when the value needs more than 64 bits
   */
  public static long parse64(String s) {
    if (s.isEmpty()) {
      throw parseError(s, "invalid syntax");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = digit(s.charAt(i));
      if (d < 0) {
        throw parseError(s, "invalid syntax");
      }
      if ((v >>> 60) != 0) {
        throw parseError(s, "value out of range");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static IllegalArgumentException parseError(String s, String why) {
    return new IllegalArgumentException("strconv.ParseUint: parsing " + GoQuote.strconv(s) + ": " + why);
  }

  public static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  public static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  /** Lower-case hex of arbitrary bytes. */
  public static String of(byte[] bytes) {
    char[] c = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      c[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      c[2 * i + 1] = DIGITS[bytes[i] & 0xf];
    }
    return new String(c);
  }
}
