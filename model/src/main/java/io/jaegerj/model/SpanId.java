// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

/** Helpers for 64-bit span IDs, which the model keeps as primitive {@code long} values (unsigned bits). */
public final class SpanId {
  private SpanId() {}

  /** Always 16 lower-case hex characters, zero-padded. */
  public static String toString(long spanId) {
    return Hex.of64(spanId);
  }

  /**
   * Parses 1 to 16 hex characters.
   *
   * @throws IllegalArgumentException with Jaeger's texts: {@code SpanID cannot be longer than 16 hex characters: s}, or
   *     Go's {@code strconv.ParseUint: parsing "s": invalid syntax} when empty or not hex
   */
  public static long parse(String s) {
    if (TraceId.utf8Length(s) > 16) {
      throw new IllegalArgumentException("SpanID cannot be longer than 16 hex characters: " + s);
    }
    return Hex.parse64(s);
  }

  /** 8 bytes big-endian. */
  public static byte[] toBytes(long spanId) {
    byte[] out = new byte[8];
    Hex.putLong(out, 0, spanId);
    return out;
  }

  /**
   * Reads exactly 8 big-endian bytes.
   *
   * @throws IllegalArgumentException for any other length
   */
  public static long fromBytes(byte[] b) {
    if (b.length != 8) {
      throw new IllegalArgumentException("invalid length for SpanID: " + b.length + " bytes (expected: 8)");
    }
    return Hex.getLong(b, 0);
  }
}
