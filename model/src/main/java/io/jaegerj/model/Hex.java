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
   * Parses 1 to 16 hex digits (either case) as an unsigned value.
   *
   * @throws IllegalArgumentException in the shape of Go's strconv error for empty or non-hex input
   */
  public static long parse64(String s) {
    if (s.isEmpty() || s.length() > 16) {
      throw new IllegalArgumentException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        throw new IllegalArgumentException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
      }
      v = (v << 4) | d;
    }
    return v;
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
