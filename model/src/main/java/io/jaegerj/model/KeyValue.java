// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A typed tag or log field. Numeric and boolean values live in one primitive slot so a tag costs one object
 * beyond its key and string. Immutable and thread-safe; {@link #binaryValue()} returns a copy.
 */
public final class KeyValue {
  private final String key;
  private final ValueType type;
  private final long bits; // BOOL: 0/1, INT64: value, FLOAT64: Double.doubleToRawLongBits
  private final Object ref; // STRING: String, BINARY: byte[]

  private KeyValue(String key, ValueType type, long bits, Object ref) {
    this.key = Objects.requireNonNull(key, "key");
    this.type = type;
    this.bits = bits;
    this.ref = ref;
  }

  public static KeyValue string(String key, String value) {
    return new KeyValue(key, ValueType.STRING, 0, Objects.requireNonNull(value, "value"));
  }

  public static KeyValue bool(String key, boolean value) {
    return new KeyValue(key, ValueType.BOOL, value ? 1 : 0, null);
  }

  public static KeyValue int64(String key, long value) {
    return new KeyValue(key, ValueType.INT64, value, null);
  }

  public static KeyValue float64(String key, double value) {
    return new KeyValue(key, ValueType.FLOAT64, Double.doubleToRawLongBits(value), null);
  }

  public static KeyValue binary(String key, byte[] value) {
    return new KeyValue(key, ValueType.BINARY, 0, value.clone());
  }

  public String key() {
    return key;
  }

  public ValueType type() {
    return type;
  }

  /** The string value; empty for other types. */
  public String stringValue() {
    return type == ValueType.STRING ? (String) ref : "";
  }

  public boolean boolValue() {
    return type == ValueType.BOOL && bits != 0;
  }

  public long int64Value() {
    return type == ValueType.INT64 ? bits : 0;
  }

  public double float64Value() {
    return type == ValueType.FLOAT64 ? Double.longBitsToDouble(bits) : 0;
  }

  /** A copy of the binary value; empty for other types. */
  public byte[] binaryValue() {
    return type == ValueType.BINARY ? ((byte[]) ref).clone() : new byte[0];
  }

  /** Number of bytes of the binary value without copying it. */
  public int binaryLength() {
    return type == ValueType.BINARY ? ((byte[]) ref).length : 0;
  }

  /**
   * The value as text, the way Jaeger's {@code AsString} renders it: used for tag matching in searches and for
   * string-typed storage columns. Booleans are {@code true}/{@code false}, floats use Go's shortest {@code 'g'}-like
   * form, binary is lower-case hex.
   */
  public String asString() {
    switch (type) {
      case STRING:
        return (String) ref;
      case BOOL:
        return bits != 0 ? "true" : "false";
      case INT64:
        return Long.toString(bits);
      case FLOAT64:
        return GoFloat.format(Double.longBitsToDouble(bits));
      case BINARY:
        return Hex.of((byte[]) ref);
      default:
        throw new AssertionError(type);
    }
  }

  /** Approximate payload size in bytes, for queue accounting. */
  public int sizeEstimate() {
    int s = 16 + key.length();
    if (type == ValueType.STRING) {
      s += ((String) ref).length();
    } else if (type == ValueType.BINARY) {
      s += ((byte[]) ref).length;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KeyValue)) {
      return false;
    }
    KeyValue that = (KeyValue) o;
    if (type != that.type || bits != that.bits || !key.equals(that.key)) {
      return false;
    }
    if (type == ValueType.BINARY) {
      return Arrays.equals((byte[]) ref, (byte[]) that.ref);
    }
    return Objects.equals(ref, that.ref);
  }

  @Override
  public int hashCode() {
    int h = key.hashCode() * 31 + type.hashCode();
    h = h * 31 + Long.hashCode(bits);
    if (type == ValueType.BINARY) {
      return h * 31 + Arrays.hashCode((byte[]) ref);
    }
    return h * 31 + Objects.hashCode(ref);
  }

  @Override
  public String toString() {
    String v = type == ValueType.BINARY
        ? Base64.getEncoder().encodeToString((byte[]) ref)
        : asString();
    return key + "=" + v + "(" + type.jsonName() + ")";
  }

  /** Convenience for tests and converters: the UTF-8 bytes of a string. */
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
