// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

/**
 * A 128-bit trace ID held as two unsigned 64-bit halves. A 64-bit ID has {@code high == 0}.
 *
 * <p>Text form (query API): lower-case hex, the low half alone as 16 characters when the high half is zero,
 * otherwise 32 characters. Immutable and thread-safe.
 */
public record TraceId(long high, long low) implements Comparable<TraceId> {

  public static final TraceId ZERO = new TraceId(0, 0);

  /** True for the all-zero ID, which Jaeger accepts on ingest but rejects in some query APIs. */
  public boolean isZero() {
    return high == 0 && low == 0;
  }

  /** The query API's rendering: 16 hex characters when {@code high == 0}, otherwise 32. */
  @Override
  public String toString() {
    if (high == 0) {
      return Hex.of64(low);
    }
    return Hex.of64(high) + Hex.of64(low);
  }

  /** Always 32 hex characters, as OTLP JSON and api_v3 render trace IDs. */
  public String toHex32() {
    return Hex.of64(high) + Hex.of64(low);
  }

  /**
   * Parses 1 to 32 hex characters: the last 16 are the low half, any before them the high half.
   *
   * @throws IllegalArgumentException with Jaeger's message text when the input is too long, empty or not hex
   */
  public static TraceId parse(String s) {
    int len = utf8Length(s);
    if (len > 32) {
      throw new IllegalArgumentException("TraceID cannot be longer than 32 hex characters: " + s);
    }
    if (len > 16 && s.length() > 16) {
      int split = s.length() - 16;
      return new TraceId(Hex.parse64(s.substring(0, split)), Hex.parse64(s.substring(split)));
    }
    return new TraceId(0, Hex.parse64(s));
  }

  /** Go measures the input in UTF-8 bytes; non-ASCII input is invalid anyway, but the length check comes first. */
  static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          n += 2;
          i++;
        } else {
          n += c >= 0x800 ? 2 : 1;
        }
      }
    }
    return n;
  }

  /** 16 bytes big-endian, high half first, as api_v2 protobuf and OTLP carry trace IDs. */
  public byte[] toBytes() {
    byte[] out = new byte[16];
    Hex.putLong(out, 0, high);
    Hex.putLong(out, 8, low);
    return out;
  }

  /**
   * Reads 16 bytes (high then low) or 8 bytes (low only, high = 0).
   *
   * @throws IllegalArgumentException for any other length
   */
  public static TraceId fromBytes(byte[] b) {
    if (b.length == 16) {
      return new TraceId(Hex.getLong(b, 0), Hex.getLong(b, 8));
    }
    if (b.length == 8) {
      return new TraceId(0, Hex.getLong(b, 0));
    }
    throw new IllegalArgumentException("invalid length for TraceID: " + b.length + " bytes (expected: 8 or 16)");
  }

  @Override
  public int compareTo(TraceId o) {
    int c = Long.compareUnsigned(high, o.high);
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }
}
