// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es.dbmodel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jaeger's Elasticsearch span document ({@code _source} of {@code jaeger-span-*}): writing in the v1.69+ typed-value
 * form, reading both that and the older all-strings form. Warnings are not stored, as in Jaeger.
 */
public final class SpanDocuments {
  private static final JsonFactory JSON = new JsonFactory();

  private SpanDocuments() {}

  /** The span's document as UTF-8 JSON, fields in Jaeger's order. */
  public static byte[] write(Span span, TagsAsFields tagsAsFields) {
    return write(span, tagsAsFields, new ByteArrayOutputStream(2048));
  }

  /**
   * As {@link #write(Span, TagsAsFields)}, encoding into {@code scratch} (reset first) so that a writer encoding many
   * spans grows one buffer once instead of one per span; the returned array is a copy of exactly the document.
   */
  public static byte[] write(Span span, TagsAsFields tagsAsFields, ByteArrayOutputStream scratch) {
    scratch.reset();
    try (JsonGenerator g = JSON.createGenerator(scratch)) {
      writeTo(g, span, tagsAsFields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return scratch.toByteArray();
  }

  static void writeTo(JsonGenerator g, Span span, TagsAsFields taf) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceID", span.traceId().toString());
    g.writeStringField("spanID", SpanId.toString(span.spanId()));
    if (span.flags() != 0) {
      g.writeNumberField("flags", Integer.toUnsignedLong(span.flags()));
    }
    g.writeStringField("operationName", span.operationName());
    g.writeArrayFieldStart("references");
    for (SpanRef r : span.references()) {
      g.writeStartObject();
      g.writeStringField("refType", r.type() == RefType.FOLLOWS_FROM ? "FOLLOWS_FROM" : "CHILD_OF");
      g.writeStringField("traceID", r.traceId().toString());
      g.writeStringField("spanID", SpanId.toString(r.spanId()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("startTime", span.startTimeMicros());
    g.writeNumberField("startTimeMillis", span.startTimeMicros() / 1000);
    g.writeNumberField("duration", span.durationMicros());
    writeTags(g, span.tags(), taf);
    g.writeArrayFieldStart("logs");
    for (Log l : span.logs()) {
      g.writeStartObject();
      g.writeNumberField("timestamp", l.timestampMicros());
      if (l.fields().isEmpty()) {
        g.writeNullField("fields");
      } else {
        g.writeArrayFieldStart("fields");
        for (KeyValue kv : l.fields()) {
          writeKeyValue(g, kv);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("process");
    g.writeStringField("serviceName", span.process().serviceName());
    writeTags(g, span.process().tags(), taf);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeTags(JsonGenerator g, List<KeyValue> tags, TagsAsFields taf) throws IOException {
    List<KeyValue> elevated = null;
    g.writeArrayFieldStart("tags");
    for (KeyValue kv : tags) {
      if (kv.type() != ValueType.BINARY && taf.elevates(kv.key())) {
        if (elevated == null) {
          elevated = new ArrayList<>();
        }
        elevated.add(kv);
      } else {
        writeKeyValue(g, kv);
      }
    }
    g.writeEndArray();
    if (elevated != null) {
      g.writeObjectFieldStart("tag");
      for (KeyValue kv : elevated) {
        g.writeFieldName(taf.fieldName(kv.key()));
        writeValue(g, kv);
      }
      g.writeEndObject();
    }
  }

  private static void writeKeyValue(JsonGenerator g, KeyValue kv) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", kv.key());
    g.writeStringField("type", kv.type().jsonName());
    g.writeFieldName("value");
    writeValue(g, kv);
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, KeyValue kv) throws IOException {
    switch (kv.type()) {
      case STRING -> g.writeString(kv.stringValue());
      case BOOL -> g.writeBoolean(kv.boolValue());
      case INT64 -> g.writeNumber(kv.int64Value());
      // Go's encoder: shortest digits, integral values without ".0"; NaN and infinities cannot be JSON numbers,
      // so they fall back to the pre-1.69 string form, which readers parse by type.
      case FLOAT64 -> {
        double d = kv.float64Value();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          g.writeString(GoFloat.format(d));
        } else {
          g.writeNumber(GoFloat.formatJson(d));
        }
      }
      case BINARY -> g.writeString(Hex.of(kv.binaryValue()));
    }
  }

  /**
   * Reads a span document.
   *
   * @param dotReplacement the {@code es.tags-as-fields.dot-replacement} used to turn {@code tag} keys back
   * @throws IllegalArgumentException for values Jaeger also rejects (unknown reference or tag types, null values)
   */
  public static Span read(JsonNode doc, String dotReplacement) {
    TagsAsFields taf = new TagsAsFields(false, Set.of(), dotReplacement);
    TraceId traceId = TraceId.parse(text(doc, "traceID"));
    Span.Builder b = Span.builder()
        .traceId(traceId)
        .spanId(SpanId.parse(text(doc, "spanID")))
        .operationName(doc.path("operationName").asText(""))
        .flags((int) doc.path("flags").asLong(0))
        .startTimeMicros(doc.path("startTime").asLong())
        .durationMicros(doc.path("duration").asLong());
    List<SpanRef> refs = new ArrayList<>();
    for (JsonNode r : doc.path("references")) {
      String type = r.path("refType").asText();
      TraceId refTrace = TraceId.parse(text(r, "traceID"));
      long refSpan = SpanId.parse(text(r, "spanID"));
      switch (type) {
        case "CHILD_OF" -> refs.add(SpanRef.childOf(refTrace, refSpan));
        case "FOLLOWS_FROM" -> refs.add(SpanRef.followsFrom(refTrace, refSpan));
        default -> throw new IllegalArgumentException("not a valid SpanRefType string " + type);
      }
    }
    JsonNode parent = doc.get("parentSpanID");
    if (parent != null && parent.isTextual() && !parent.asText().isEmpty()) {
      long parentId = SpanId.parse(parent.asText());
      if (parentId != 0) {
        boolean present = false;
        for (SpanRef r : refs) {
          present |= r.type() == RefType.CHILD_OF && r.spanId() == parentId && r.traceId().equals(traceId);
        }
        if (!present) {
          refs.add(SpanRef.childOf(traceId, parentId));
        }
      }
    }
    b.references(refs);
    b.tags(readTags(doc, taf));
    List<Log> logs = new ArrayList<>();
    for (JsonNode l : doc.path("logs")) {
      List<KeyValue> fields = new ArrayList<>();
      for (JsonNode f : l.path("fields")) {
        fields.add(readKeyValue(f));
      }
      logs.add(new Log(l.path("timestamp").asLong(), fields));
    }
    b.logs(logs);
    JsonNode p = doc.path("process");
    b.process(new Process(p.path("serviceName").asText(""), readTags(p, taf)));
    return b.build();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v.asText();
  }

  private static List<KeyValue> readTags(JsonNode owner, TagsAsFields taf) {
    List<KeyValue> out = new ArrayList<>();
    for (JsonNode kv : owner.path("tags")) {
      out.add(readKeyValue(kv));
    }
    JsonNode map = owner.get("tag");
    if (map != null && map.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.add(inferred(taf.tagKey(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  private static KeyValue inferred(String key, JsonNode v) {
    if (v.isBoolean()) {
      return KeyValue.bool(key, v.booleanValue());
    }
    if (v.isIntegralNumber()) {
      return KeyValue.int64(key, v.longValue());
    }
    if (v.isNumber()) {
      return KeyValue.float64(key, v.doubleValue());
    }
    if (v.isTextual()) {
      return KeyValue.string(key, v.textValue());
    }
    throw new IllegalArgumentException("invalid tag type in " + v);
  }

  static KeyValue readKeyValue(JsonNode kv) {
    String key = kv.path("key").asText("");
    String typeName = kv.path("type").asText("");
    ValueType type = ValueType.fromJsonName(typeName);
    if (type == null) {
      throw new IllegalArgumentException("not a valid ValueType string " + typeName);
    }
    JsonNode v = kv.get("value");
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("invalid nil value for tag " + key);
    }
    if (v.isTextual()) {
      String s = v.textValue();
      return switch (type) {
        case STRING -> KeyValue.string(key, s);
        case BOOL -> KeyValue.bool(key, parseGoBool(s));
        case INT64 -> KeyValue.int64(key, Long.parseLong(s));
        case FLOAT64 -> KeyValue.float64(key, parseFloat(s));
        case BINARY -> KeyValue.binary(key, HexFormat.of().parseHex(s));
      };
    }
    return switch (type) {
      case BOOL -> {
        if (!v.isBoolean()) {
          throw new IllegalArgumentException("invalid bool value for tag " + key + ": " + v);
        }
        yield KeyValue.bool(key, v.booleanValue());
      }
      case INT64 -> {
        if (!v.isNumber()) {
          throw new IllegalArgumentException("invalid int64 value for tag " + key + ": " + v);
        }
        if (v.isIntegralNumber()) {
          yield KeyValue.int64(key, v.longValue());
        }
        // an integer written with an exponent or fraction is accepted only when exact
        yield KeyValue.int64(key, new BigDecimal(v.asText()).longValueExact());
      }
      case FLOAT64 -> {
        if (!v.isNumber()) {
          throw new IllegalArgumentException("invalid float64 value for tag " + key + ": " + v);
        }
        yield KeyValue.float64(key, v.doubleValue());
      }
      default -> throw new IllegalArgumentException("invalid " + type.jsonName() + " value for tag " + key + ": " + v);
    };
  }

  private static boolean parseGoBool(String s) {
    return switch (s) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default -> throw new IllegalArgumentException("invalid bool value: " + s);
    };
  }

  private static double parseFloat(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }
}
