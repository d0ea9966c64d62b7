// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jaegerj.model.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

/**
 * Decodes OTLP/JSON trace requests ({@code POST /v1/traces} with {@code application/json}, and the query's
 * {@code /api/transform}). Follows the OTLP/JSON rules: trace and span IDs are hex strings, enums are integers (enum
 * names are accepted too), 64-bit integers may be strings or numbers, keys may be lowerCamelCase or snake_case, and
 * unknown fields are ignored. Stateless and thread-safe.
 */
public final class OtlpJson {
  /** Nesting of attribute values is bounded so that hostile input cannot exhaust the stack. */
  static final int MAX_DEPTH = 200;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH * 3 + 20).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private OtlpJson() {}

  /**
   * Parses a JSON {@code ExportTraceServiceRequest}.
   *
   * @throws IllegalArgumentException for malformed JSON, wrong value types or malformed IDs; the message says what
   */
  public static ExportTraceServiceRequest parse(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid OTLP JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid OTLP JSON: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid OTLP JSON: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("invalid OTLP JSON: empty body");
    }
    object(root, "request");
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    for (JsonNode rs : array(field(root, "resourceSpans", "resource_spans"), "resourceSpans")) {
      req.addResourceSpans(resourceSpans(rs));
    }
    return req.build();
  }

  /** Parses and converts to Jaeger spans ({@link OtlpToModel#toModel(ExportTraceServiceRequest)}). */
  public static List<Span> decode(byte[] json) {
    return OtlpToModel.toModel(parse(json));
  }

  private static ResourceSpans resourceSpans(JsonNode n) {
    object(n, "resourceSpans");
    ResourceSpans.Builder b = ResourceSpans.newBuilder();
    JsonNode resource = field(n, "resource", "resource");
    if (resource != null) {
      object(resource, "resource");
      Resource.Builder r = Resource.newBuilder();
      for (JsonNode kv : array(field(resource, "attributes", "attributes"), "attributes")) {
        r.addAttributes(keyValue(kv, 0));
      }
      r.setDroppedAttributesCount((int) uint(field(resource, "droppedAttributesCount", "dropped_attributes_count")));
      b.setResource(r);
    }
    b.setSchemaUrl(string(field(n, "schemaUrl", "schema_url"), "schemaUrl"));
    for (JsonNode ss : array(field(n, "scopeSpans", "scope_spans"), "scopeSpans")) {
      b.addScopeSpans(scopeSpans(ss));
    }
    return b.build();
  }

  private static ScopeSpans scopeSpans(JsonNode n) {
    object(n, "scopeSpans");
    ScopeSpans.Builder b = ScopeSpans.newBuilder();
    JsonNode scope = field(n, "scope", "scope");
    if (scope != null) {
      object(scope, "scope");
      InstrumentationScope.Builder s = InstrumentationScope.newBuilder()
          .setName(string(field(scope, "name", "name"), "scope.name"))
          .setVersion(string(field(scope, "version", "version"), "scope.version"));
      for (JsonNode kv : array(field(scope, "attributes", "attributes"), "attributes")) {
        s.addAttributes(keyValue(kv, 0));
      }
      b.setScope(s);
    }
    b.setSchemaUrl(string(field(n, "schemaUrl", "schema_url"), "schemaUrl"));
    for (JsonNode span : array(field(n, "spans", "spans"), "spans")) {
      b.addSpans(span(span));
    }
    return b.build();
  }

  private static io.opentelemetry.proto.trace.v1.Span span(JsonNode n) {
    object(n, "span");
    io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(id(field(n, "traceId", "trace_id"), 16, "traceId"))
        .setSpanId(id(field(n, "spanId", "span_id"), 8, "spanId"))
        .setTraceState(string(field(n, "traceState", "trace_state"), "traceState"))
        .setParentSpanId(id(field(n, "parentSpanId", "parent_span_id"), 8, "parentSpanId"))
        .setFlags((int) uint(field(n, "flags", "flags")))
        .setName(string(field(n, "name", "name"), "name"))
        .setKindValue(enumValue(field(n, "kind", "kind"), "SPAN_KIND_", KINDS))
        .setStartTimeUnixNano(uint(field(n, "startTimeUnixNano", "start_time_unix_nano")))
        .setEndTimeUnixNano(uint(field(n, "endTimeUnixNano", "end_time_unix_nano")))
        .setDroppedAttributesCount((int) uint(field(n, "droppedAttributesCount", "dropped_attributes_count")))
        .setDroppedEventsCount((int) uint(field(n, "droppedEventsCount", "dropped_events_count")))
        .setDroppedLinksCount((int) uint(field(n, "droppedLinksCount", "dropped_links_count")));
    for (JsonNode kv : array(field(n, "attributes", "attributes"), "attributes")) {
      b.addAttributes(keyValue(kv, 0));
    }
    for (JsonNode e : array(field(n, "events", "events"), "events")) {
      object(e, "event");
      io.opentelemetry.proto.trace.v1.Span.Event.Builder eb = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
          .setTimeUnixNano(uint(field(e, "timeUnixNano", "time_unix_nano")))
          .setName(string(field(e, "name", "name"), "event.name"))
          .setDroppedAttributesCount((int) uint(field(e, "droppedAttributesCount", "dropped_attributes_count")));
      for (JsonNode kv : array(field(e, "attributes", "attributes"), "attributes")) {
        eb.addAttributes(keyValue(kv, 0));
      }
      b.addEvents(eb);
    }
    for (JsonNode l : array(field(n, "links", "links"), "links")) {
      object(l, "link");
      io.opentelemetry.proto.trace.v1.Span.Link.Builder lb = io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
          .setTraceId(id(field(l, "traceId", "trace_id"), 16, "link.traceId"))
          .setSpanId(id(field(l, "spanId", "span_id"), 8, "link.spanId"))
          .setTraceState(string(field(l, "traceState", "trace_state"), "link.traceState"))
          .setFlags((int) uint(field(l, "flags", "flags")))
          .setDroppedAttributesCount((int) uint(field(l, "droppedAttributesCount", "dropped_attributes_count")));
      for (JsonNode kv : array(field(l, "attributes", "attributes"), "attributes")) {
        lb.addAttributes(keyValue(kv, 0));
      }
      b.addLinks(lb);
    }
    JsonNode status = field(n, "status", "status");
    if (status != null) {
      object(status, "status");
      b.setStatus(Status.newBuilder()
          .setMessage(string(field(status, "message", "message"), "status.message"))
          .setCodeValue(enumValue(field(status, "code", "code"), "STATUS_CODE_", CODES)));
    }
    return b.build();
  }

  private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
  private static final String[] CODES = {"UNSET", "OK", "ERROR"};

  private static KeyValue keyValue(JsonNode n, int depth) {
    object(n, "attribute");
    KeyValue.Builder b = KeyValue.newBuilder().setKey(string(field(n, "key", "key"), "key"));
    JsonNode v = field(n, "value", "value");
    if (v != null) {
      b.setValue(anyValue(v, depth));
    }
    return b.build();
  }

  private static AnyValue anyValue(JsonNode n, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("attribute value nested deeper than " + MAX_DEPTH);
    }
    object(n, "value");
    AnyValue.Builder b = AnyValue.newBuilder();
    JsonNode v;
    if ((v = field(n, "stringValue", "string_value")) != null) {
      b.setStringValue(string(v, "stringValue"));
    } else if ((v = field(n, "boolValue", "bool_value")) != null) {
      if (!v.isBoolean()) {
        throw new IllegalArgumentException("boolValue: not a boolean: " + v);
      }
      b.setBoolValue(v.booleanValue());
    } else if ((v = field(n, "intValue", "int_value")) != null) {
      b.setIntValue(int64(v, "intValue"));
    } else if ((v = field(n, "doubleValue", "double_value")) != null) {
      b.setDoubleValue(dbl(v));
    } else if ((v = field(n, "bytesValue", "bytes_value")) != null) {
      try {
        b.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(string(v, "bytesValue"))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bytesValue: invalid base64", e);
      }
    } else if ((v = field(n, "arrayValue", "array_value")) != null) {
      object(v, "arrayValue");
      ArrayValue.Builder a = ArrayValue.newBuilder();
      for (JsonNode e : array(field(v, "values", "values"), "values")) {
        a.addValues(anyValue(e, depth + 1));
      }
      b.setArrayValue(a);
    } else if ((v = field(n, "kvlistValue", "kvlist_value")) != null) {
      object(v, "kvlistValue");
      KeyValueList.Builder l = KeyValueList.newBuilder();
      for (JsonNode e : array(field(v, "values", "values"), "values")) {
        l.addValues(keyValue(e, depth + 1));
      }
      b.setKvlistValue(l);
    }
    return b.build();
  }

  /** The field under its camelCase or snake_case name; null when absent or JSON null. */
  private static JsonNode field(JsonNode n, String camel, String snake) {
    JsonNode v = n.get(camel);
    if (v == null && !camel.equals(snake)) {
      v = n.get(snake);
    }
    return v == null || v.isNull() ? null : v;
  }

  private static void object(JsonNode n, String what) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(what + ": expected an object, got " + n.getNodeType());
    }
  }

  private static Iterable<JsonNode> array(JsonNode n, String what) {
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(what + ": expected an array, got " + n.getNodeType());
    }
    return n;
  }

  private static String string(JsonNode n, String what) {
    if (n == null) {
      return "";
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(what + ": expected a string, got " + n.getNodeType());
    }
    return n.textValue();
  }

  /** Hex ID of exactly {@code bytes} bytes, or the empty string for "unset". */
  private static ByteString id(JsonNode n, int bytes, String what) {
    String s = string(n, what);
    if (s.isEmpty()) {
      return ByteString.EMPTY;
    }
    if (s.length() != bytes * 2) {
      throw new IllegalArgumentException(what + ": invalid length " + s.length() + " (expected: " + bytes * 2
          + " hex characters)");
    }
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      int hi = Character.digit(s.charAt(2 * i), 16);
      int lo = Character.digit(s.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(what + ": not hex: " + s);
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return ByteString.copyFrom(out);
  }

  /** Unsigned 64-bit integer as number or decimal string. */
  private static long uint(JsonNode n) {
    if (n == null) {
      return 0;
    }
    try {
      if (n.isTextual()) {
        return Long.parseUnsignedLong(n.textValue());
      }
      if (n.isIntegralNumber() && n.canConvertToExactIntegral()) {
        BigInteger v = n.bigIntegerValue();
        if (v.signum() >= 0 && v.bitLength() <= 64) {
          return v.longValue();
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an unsigned integer: " + n, e);
    }
    throw new IllegalArgumentException("not an unsigned integer: " + n);
  }

  private static long int64(JsonNode n, String what) {
    try {
      if (n.isTextual()) {
        return Long.parseLong(n.textValue());
      }
      if (n.isIntegralNumber() && n.canConvertToLong()) {
        return n.longValue();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": not a 64-bit integer: " + n, e);
    }
    throw new IllegalArgumentException(what + ": not a 64-bit integer: " + n);
  }

  private static double dbl(JsonNode n) {
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      switch (n.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(n.textValue());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("doubleValue: not a number: " + n, e);
          }
      }
    }
    throw new IllegalArgumentException("doubleValue: not a number: " + n);
  }

  /** An enum as its number or its proto name (with or without the prefix). */
  private static int enumValue(JsonNode n, String prefix, String[] names) {
    if (n == null) {
      return 0;
    }
    if (n.isIntegralNumber() && n.canConvertToInt()) {
      return n.intValue();
    }
    if (n.isTextual()) {
      String s = n.textValue();
      String bare = s.startsWith(prefix) ? s.substring(prefix.length()) : s;
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(bare)) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("invalid enum value: " + n);
  }
}
