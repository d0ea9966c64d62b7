// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.Hex;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * Writes {@link TracesData} as OTLP/JSON the way Jaeger's api_v3 HTTP gateway renders it: lowerCamel field names in
 * proto field order, trace/span IDs as lower-case hex, 64-bit integers (times, {@code intValue}) as decimal strings,
 * enums ({@code kind}, {@code status.code}) as integers, default scalars omitted, while {@code resource},
 * {@code scope} and {@code status} are always present (possibly {@code {}}). Stateless and thread-safe.
 */
public final class OtlpJsonWriter {
  private OtlpJsonWriter() {}

  /** Writes one TracesData object ({@code {"resourceSpans":[...]}}). */
  public static void write(JsonGenerator g, TracesData data) throws IOException {
    g.writeStartObject();
    if (data.getResourceSpansCount() > 0) {
      g.writeArrayFieldStart("resourceSpans");
      for (ResourceSpans rs : data.getResourceSpansList()) {
        writeResourceSpans(g, rs);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeResourceSpans(JsonGenerator g, ResourceSpans rs) throws IOException {
    g.writeStartObject();
    g.writeFieldName("resource");
    writeResource(g, rs.getResource());
    if (rs.getScopeSpansCount() > 0) {
      g.writeArrayFieldStart("scopeSpans");
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        writeScopeSpans(g, ss);
      }
      g.writeEndArray();
    }
    if (!rs.getSchemaUrl().isEmpty()) {
      g.writeStringField("schemaUrl", rs.getSchemaUrl());
    }
    g.writeEndObject();
  }

  private static void writeResource(JsonGenerator g, Resource r) throws IOException {
    g.writeStartObject();
    writeAttributes(g, r.getAttributesList());
    if (r.getDroppedAttributesCount() != 0) {
      g.writeNumberField("droppedAttributesCount", r.getDroppedAttributesCount());
    }
    g.writeEndObject();
  }

  private static void writeScopeSpans(JsonGenerator g, ScopeSpans ss) throws IOException {
    g.writeStartObject();
    g.writeFieldName("scope");
    writeScope(g, ss.getScope());
    if (ss.getSpansCount() > 0) {
      g.writeArrayFieldStart("spans");
      for (Span s : ss.getSpansList()) {
        writeSpan(g, s);
      }
      g.writeEndArray();
    }
    if (!ss.getSchemaUrl().isEmpty()) {
      g.writeStringField("schemaUrl", ss.getSchemaUrl());
    }
    g.writeEndObject();
  }

  private static void writeScope(JsonGenerator g, InstrumentationScope s) throws IOException {
    g.writeStartObject();
    if (!s.getName().isEmpty()) {
      g.writeStringField("name", s.getName());
    }
    if (!s.getVersion().isEmpty()) {
      g.writeStringField("version", s.getVersion());
    }
    writeAttributes(g, s.getAttributesList());
    if (s.getDroppedAttributesCount() != 0) {
      g.writeNumberField("droppedAttributesCount", s.getDroppedAttributesCount());
    }
    g.writeEndObject();
  }

  private static void writeSpan(JsonGenerator g, Span s) throws IOException {
    g.writeStartObject();
    writeId(g, "traceId", s.getTraceId().toByteArray());
    writeId(g, "spanId", s.getSpanId().toByteArray());
    if (!s.getTraceState().isEmpty()) {
      g.writeStringField("traceState", s.getTraceState());
    }
    writeId(g, "parentSpanId", s.getParentSpanId().toByteArray());
    if (s.getFlags() != 0) {
      g.writeNumberField("flags", Integer.toUnsignedLong(s.getFlags()));
    }
    if (!s.getName().isEmpty()) {
      g.writeStringField("name", s.getName());
    }
    if (s.getKindValue() != 0) {
      g.writeNumberField("kind", s.getKindValue());
    }
    writeUint64(g, "startTimeUnixNano", s.getStartTimeUnixNano());
    writeUint64(g, "endTimeUnixNano", s.getEndTimeUnixNano());
    writeAttributes(g, s.getAttributesList());
    if (s.getDroppedAttributesCount() != 0) {
      g.writeNumberField("droppedAttributesCount", s.getDroppedAttributesCount());
    }
    if (s.getEventsCount() > 0) {
      g.writeArrayFieldStart("events");
      for (Span.Event e : s.getEventsList()) {
        g.writeStartObject();
        writeUint64(g, "timeUnixNano", e.getTimeUnixNano());
        if (!e.getName().isEmpty()) {
          g.writeStringField("name", e.getName());
        }
        writeAttributes(g, e.getAttributesList());
        if (e.getDroppedAttributesCount() != 0) {
          g.writeNumberField("droppedAttributesCount", e.getDroppedAttributesCount());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (s.getDroppedEventsCount() != 0) {
      g.writeNumberField("droppedEventsCount", s.getDroppedEventsCount());
    }
    if (s.getLinksCount() > 0) {
      g.writeArrayFieldStart("links");
      for (Span.Link l : s.getLinksList()) {
        g.writeStartObject();
        writeId(g, "traceId", l.getTraceId().toByteArray());
        writeId(g, "spanId", l.getSpanId().toByteArray());
        if (!l.getTraceState().isEmpty()) {
          g.writeStringField("traceState", l.getTraceState());
        }
        writeAttributes(g, l.getAttributesList());
        if (l.getDroppedAttributesCount() != 0) {
          g.writeNumberField("droppedAttributesCount", l.getDroppedAttributesCount());
        }
        if (l.getFlags() != 0) {
          g.writeNumberField("flags", Integer.toUnsignedLong(l.getFlags()));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (s.getDroppedLinksCount() != 0) {
      g.writeNumberField("droppedLinksCount", s.getDroppedLinksCount());
    }
    g.writeFieldName("status");
    writeStatus(g, s.getStatus());
    g.writeEndObject();
  }

  private static void writeStatus(JsonGenerator g, Status st) throws IOException {
    g.writeStartObject();
    if (!st.getMessage().isEmpty()) {
      g.writeStringField("message", st.getMessage());
    }
    if (st.getCodeValue() != 0) {
      g.writeNumberField("code", st.getCodeValue());
    }
    g.writeEndObject();
  }

  private static void writeId(JsonGenerator g, String name, byte[] id) throws IOException {
    if (id.length > 0) {
      g.writeStringField(name, Hex.of(id));
    }
  }

  private static void writeUint64(JsonGenerator g, String name, long v) throws IOException {
    if (v != 0) {
      g.writeStringField(name, Long.toUnsignedString(v));
    }
  }

  private static void writeAttributes(JsonGenerator g, List<KeyValue> attrs) throws IOException {
    if (attrs.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("attributes");
    for (KeyValue kv : attrs) {
      writeKeyValue(g, kv);
    }
    g.writeEndArray();
  }

  private static void writeKeyValue(JsonGenerator g, KeyValue kv) throws IOException {
    g.writeStartObject();
    g.writeStringField("key", kv.getKey());
    g.writeFieldName("value");
    writeAnyValue(g, kv.getValue());
    g.writeEndObject();
  }

  private static void writeAnyValue(JsonGenerator g, AnyValue v) throws IOException {
    g.writeStartObject();
    switch (v.getValueCase()) {
      case STRING_VALUE:
        g.writeStringField("stringValue", v.getStringValue());
        break;
      case BOOL_VALUE:
        g.writeBooleanField("boolValue", v.getBoolValue());
        break;
      case INT_VALUE:
        g.writeStringField("intValue", Long.toString(v.getIntValue()));
        break;
      case DOUBLE_VALUE:
        writeDouble(g, v.getDoubleValue());
        break;
      case BYTES_VALUE:
        g.writeStringField("bytesValue", Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
        break;
      case ARRAY_VALUE:
        g.writeObjectFieldStart("arrayValue");
        if (v.getArrayValue().getValuesCount() > 0) {
          g.writeArrayFieldStart("values");
          for (AnyValue e : v.getArrayValue().getValuesList()) {
            writeAnyValue(g, e);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
        break;
      case KVLIST_VALUE:
        g.writeObjectFieldStart("kvlistValue");
        if (v.getKvlistValue().getValuesCount() > 0) {
          g.writeArrayFieldStart("values");
          for (KeyValue e : v.getKvlistValue().getValuesList()) {
            writeKeyValue(g, e);
          }
          g.writeEndArray();
        }
        g.writeEndObject();
        break;
      default:
        break;
    }
    g.writeEndObject();
  }

  private static void writeDouble(JsonGenerator g, double d) throws IOException {
    if (Double.isNaN(d)) {
      g.writeStringField("doubleValue", "NaN");
    } else if (Double.isInfinite(d)) {
      g.writeStringField("doubleValue", d > 0 ? "Infinity" : "-Infinity");
    } else {
      g.writeFieldName("doubleValue");
      g.writeRawValue(GoFloat.formatJson(d));
    }
  }
}
