// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jaegerj.model.TraceId;
import java.io.IOException;

/** Typed JSON value reads with Go-like error texts, shared by the JSON v1 and v2 decoders. */
final class JsonText {
  private JsonText() {}

  static String string(JsonParser p, JsonToken t, String what) throws IOException, ZipkinDecodeException {
    if (t != JsonToken.VALUE_STRING) {
      throw mismatch(t, what, "string");
    }
    return p.getText();
  }

  static long int64(JsonParser p, JsonToken t, String what) throws IOException, ZipkinDecodeException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw mismatch(t, what, "int64");
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new ZipkinDecodeException("json: cannot unmarshal number " + p.getText() + " into Go value of type "
          + "int64 (" + what + ")");
    }
    return p.getLongValue();
  }

  static boolean bool(JsonParser p, JsonToken t, String what) throws ZipkinDecodeException {
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw mismatch(t, what, "bool");
  }

  static ZipkinDecodeException mismatch(JsonToken t, String what, String goType) {
    return new ZipkinDecodeException("json: cannot unmarshal " + kind(t) + " into Go value of type " + goType
        + " (" + what + ")");
  }

  static String kind(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    switch (t) {
      case START_ARRAY: return "array";
      case START_OBJECT: return "object";
      case VALUE_STRING: return "string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT: return "number";
      case VALUE_TRUE:
      case VALUE_FALSE: return "bool";
      default: return t.asString() == null ? t.name() : t.asString();
    }
  }

  /** zipkin-go's rule: up to 16 hex digits are the low half, digits before them the high half. */
  static TraceId traceIdV2(String hex) throws ZipkinDecodeException {
    if (hex.isEmpty()) {
      throw new ZipkinDecodeException("valid traceId required");
    }
    if (hex.length() > 16) {
      return new TraceId(parseUint(hex.substring(0, hex.length() - 16)), parseUint(hex.substring(hex.length() - 16)));
    }
    return new TraceId(0, parseUint(hex));
  }

  static long spanIdV2(String hex) throws ZipkinDecodeException {
    return hex.isEmpty() ? 0 : parseUint(hex);
  }

  /** Go's strconv.ParseUint(s, 16, 64). */
  static long parseUint(String s) throws ZipkinDecodeException {
    if (s.isEmpty()) {
      throw new ZipkinDecodeException("strconv.ParseUint: parsing \"\": invalid syntax");
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0 || s.charAt(i) > 0x7f) {
        throw new ZipkinDecodeException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
      }
      if ((v >>> 60) != 0) {
        throw new ZipkinDecodeException("strconv.ParseUint: parsing \"" + s + "\": value out of range");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** Strict fixed-width hex as Zipkin JSON v1 requires; null when a character is not hex. */
  static long fixedHex(String s, int from, int to) throws ZipkinDecodeException {
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      int d = Character.digit(c, 16);
      if (d < 0 || c > 0x7f) {
        throw new ZipkinDecodeException("encoding/hex: invalid byte: U+" + String.format("%04X", (int) c) + " '"
            + c + "'");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static String message(Exception e) {
    if (e instanceof ZipkinDecodeException) {
      return e.getMessage();
    }
    if (e instanceof JsonParseException) {
      return "invalid JSON: " + ((JsonParseException) e).getOriginalMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
