// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import com.google.protobuf.ByteString;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts OTLP traces into Jaeger spans the way Jaeger 1.74 stores spans received over OTLP: first its OTLP
 * sanitizers (missing, empty or non-string {@code service.name}; end time not after start time), then the
 * OTLP-to-Jaeger translation (process from the resource, scope and status tags, span kind, links as references,
 * events as logs, array and map attributes as JSON text).
 *
 * <p>Times are truncated from nanoseconds to microseconds; the duration is {@code (end - start) / 1000}. Stateless
 * and thread-safe.
 */
public final class OtlpToModel {
  public static final String MISSING_SERVICE_NAME = "missing-service-name";
  public static final String EMPTY_SERVICE_NAME = "empty-service-name";
  public static final String WRONG_TYPE_SERVICE_NAME = "service-name-wrong-type";
  public static final String WARNINGS_ATTRIBUTE = "@jaeger@warnings";
  private static final DateTimeFormatter GO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private OtlpToModel() {}

  /** Number of spans in a request, without converting it. */
  public static int spanCount(ExportTraceServiceRequest request) {
    int n = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  /**
   * Converts every span of the request, in request order.
   *
   * @throws IllegalArgumentException when a trace ID is not 0 or 16 bytes long or a span ID not 0 or 8 bytes long
   */
  public static List<Span> toModel(ExportTraceServiceRequest request) {
    return toModel(request.getResourceSpansList());
  }

  /** As {@link #toModel(ExportTraceServiceRequest)}. */
  public static List<Span> toModel(List<ResourceSpans> resourceSpans) {
    int count = 0;
    for (ResourceSpans rs : resourceSpans) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        count += ss.getSpansCount();
      }
    }
    List<Span> out = new ArrayList<>(count);
    for (ResourceSpans rs : resourceSpans) {
      Process process = process(rs.getResource().getAttributesList());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        InstrumentationScope scope = ss.getScope();
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          out.add(span(s, scope, process));
        }
      }
    }
    return out;
  }

  private static Process process(List<io.opentelemetry.proto.common.v1.KeyValue> attributes) {
    String service = MISSING_SERVICE_NAME;
    List<KeyValue> tags = new ArrayList<>(attributes.size());
    boolean found = false;
    for (io.opentelemetry.proto.common.v1.KeyValue kv : attributes) {
      if (kv.getKey().equals("service.name")) {
        // Like a map, the last duplicate wins.
        found = true;
        AnyValue v = kv.getValue();
        if (v.getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
          service = WRONG_TYPE_SERVICE_NAME;
        } else if (v.getStringValue().isEmpty()) {
          service = EMPTY_SERVICE_NAME;
        } else {
          service = v.getStringValue();
        }
        continue;
      }
      tags.add(tag(kv.getKey(), kv.getValue()));
    }
    if (!found) {
      service = MISSING_SERVICE_NAME;
    }
    return new Process(service, tags);
  }

  private static Span span(io.opentelemetry.proto.trace.v1.Span s, InstrumentationScope scope, Process process) {
    TraceId traceId = traceId(s.getTraceId());
    long parent = spanId(s.getParentSpanId());
    long start = s.getStartTimeUnixNano();
    long end = s.getEndTimeUnixNano();
    List<String> warnings = new ArrayList<>(1);
    if (Long.compareUnsigned(end, start) <= 0) {
      long adjusted = start + 1;
      warnings.add("Negative duration detected, sanitizing end timestamp. Original end timestamp: "
          + goTime(end) + ", adjusted to: " + goTime(adjusted));
      end = adjusted;
    }

    List<KeyValue> tags = new ArrayList<>(s.getAttributesCount() + 6);
    if (!scope.getName().isEmpty()) {
      tags.add(KeyValue.string("otel.scope.name", scope.getName()));
    }
    if (!scope.getVersion().isEmpty()) {
      tags.add(KeyValue.string("otel.scope.version", scope.getVersion()));
    }
    for (io.opentelemetry.proto.common.v1.KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(WARNINGS_ATTRIBUTE)) {
        addWarnings(kv.getValue(), warnings);
        continue;
      }
      tags.add(tag(kv.getKey(), kv.getValue()));
    }
    Status status = s.getStatus();
    addSpanFieldTags(tags, kind(s.getKindValue()), status.getCodeValue(), status.getMessage(), s.getTraceState());

    return new Span(traceId, spanId(s.getSpanId()), s.getName(), references(s, traceId, parent), 0,
        start / 1000, (end - start) / 1000, tags, logs(s), process, warnings);
  }

  private static List<SpanRef> references(io.opentelemetry.proto.trace.v1.Span s, TraceId traceId, long parent) {
    int n = s.getLinksCount() + (parent != 0 ? 1 : 0);
    if (n == 0) {
      return List.of();
    }
    List<SpanRef> refs = new ArrayList<>(n);
    if (parent != 0) {
      refs.add(SpanRef.childOf(traceId, parent));
    }
    for (io.opentelemetry.proto.trace.v1.Span.Link link : s.getLinksList()) {
      TraceId linkTrace = traceId(link.getTraceId());
      long linkSpan = spanId(link.getSpanId());
      RefType type = RefType.FOLLOWS_FROM;
      for (io.opentelemetry.proto.common.v1.KeyValue kv : link.getAttributesList()) {
        if (kv.getKey().equals("opentracing.ref_type")) {
          String v = kv.getValue().getStringValue();
          type = v.equals("child_of") ? RefType.CHILD_OF : RefType.FOLLOWS_FROM;
        }
      }
      if (parent != 0 && linkSpan == parent && linkTrace.equals(traceId)) {
        // The parent is already the first reference; the link only says which type it has.
        refs.set(0, new SpanRef(type, traceId, parent));
        continue;
      }
      refs.add(new SpanRef(type, linkTrace, linkSpan));
    }
    return refs;
  }

  private static List<Log> logs(io.opentelemetry.proto.trace.v1.Span s) {
    if (s.getEventsCount() == 0) {
      return List.of();
    }
    List<Log> logs = new ArrayList<>(s.getEventsCount());
    for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
      List<KeyValue> fields = new ArrayList<>(e.getAttributesCount() + 1);
      boolean hasEventAttribute = false;
      for (io.opentelemetry.proto.common.v1.KeyValue kv : e.getAttributesList()) {
        if (kv.getKey().equals("event")) {
          hasEventAttribute = true;
          break;
        }
      }
      if (!e.getName().isEmpty() && !hasEventAttribute) {
        fields.add(KeyValue.string("event", e.getName()));
      }
      for (io.opentelemetry.proto.common.v1.KeyValue kv : e.getAttributesList()) {
        fields.add(tag(kv.getKey(), kv.getValue()));
      }
      logs.add(new Log(e.getTimeUnixNano() / 1000, fields));
    }
    return logs;
  }

  private static void addWarnings(AnyValue v, List<String> warnings) {
    if (v.getValueCase() == AnyValue.ValueCase.ARRAY_VALUE) {
      for (AnyValue w : v.getArrayValue().getValuesList()) {
        warnings.add(asText(w));
      }
    } else {
      warnings.add(asText(v));
    }
  }

  /** Jaeger's {@code span.kind} value for an OTLP span kind, or null for unspecified and unknown kinds. */
  public static String kind(int kind) {
    switch (kind) {
      case 1:
        return "internal";
      case 2:
        return "server";
      case 3:
        return "client";
      case 4:
        return "producer";
      case 5:
        return "consumer";
      default:
        return null;
    }
  }

  /** One attribute as a Jaeger tag: scalars keep their type, arrays and maps become JSON text. */
  public static KeyValue tag(String key, AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return KeyValue.string(key, v.getStringValue());
      case BOOL_VALUE:
        return KeyValue.bool(key, v.getBoolValue());
      case INT_VALUE:
        return KeyValue.int64(key, v.getIntValue());
      case DOUBLE_VALUE:
        return KeyValue.float64(key, v.getDoubleValue());
      case BYTES_VALUE:
        return KeyValue.binary(key, v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
      case KVLIST_VALUE:
        StringBuilder b = new StringBuilder();
        appendJson(b, v);
        return KeyValue.string(key, b.toString());
      default:
        return KeyValue.string(key, "");
    }
  }

  /** The text form of a value, as the OTel collector's {@code AsString}. */
  static String asText(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case BOOL_VALUE:
        return Boolean.toString(v.getBoolValue());
      case INT_VALUE:
        return Long.toString(v.getIntValue());
      case DOUBLE_VALUE:
        return GoFloat.formatJson(v.getDoubleValue());
      case BYTES_VALUE:
        return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
      case KVLIST_VALUE:
        StringBuilder b = new StringBuilder();
        appendJson(b, v);
        return b.toString();
      default:
        return "";
    }
  }

  /** JSON as Go's encoding/json renders the raw value: map keys sorted, HTML characters escaped. */
  private static void appendJson(StringBuilder b, AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        appendJsonString(b, v.getStringValue());
        break;
      case BOOL_VALUE:
        b.append(v.getBoolValue());
        break;
      case INT_VALUE:
        b.append(v.getIntValue());
        break;
      case DOUBLE_VALUE:
        b.append(GoFloat.formatJson(v.getDoubleValue()));
        break;
      case BYTES_VALUE:
        b.append('"').append(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray())).append('"');
        break;
      case ARRAY_VALUE:
        b.append('[');
        List<AnyValue> values = v.getArrayValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          appendJson(b, values.get(i));
        }
        b.append(']');
        break;
      case KVLIST_VALUE:
        Map<String, AnyValue> sorted = new TreeMap<>();
        for (io.opentelemetry.proto.common.v1.KeyValue kv : v.getKvlistValue().getValuesList()) {
          sorted.put(kv.getKey(), kv.getValue());
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, AnyValue> e : sorted.entrySet()) {
          if (!first) {
            b.append(',');
          }
          first = false;
          appendJsonString(b, e.getKey());
          b.append(':');
          appendJson(b, e.getValue());
        }
        b.append('}');
        break;
      default:
        b.append("null");
    }
  }

  private static void appendJsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\f':
          b.append("\\f");
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            String hex = Integer.toHexString(c);
            b.append("\\u");
            for (int p = hex.length(); p < 4; p++) {
              b.append('0');
            }
            b.append(hex);
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  /**
   * 16 bytes, or none for the zero ID.
   *
   * @throws IllegalArgumentException for any other length
   */
  static TraceId traceId(ByteString b) {
    if (b.isEmpty()) {
      return TraceId.ZERO;
    }
    if (b.size() != 16) {
      throw new IllegalArgumentException("invalid length for trace ID: " + b.size() + " bytes (expected: 16)");
    }
    byte[] a = b.toByteArray();
    return new TraceId(Hex.getLong(a, 0), Hex.getLong(a, 8));
  }

  /**
   * 8 bytes, or none for 0.
   *
   * @throws IllegalArgumentException for any other length
   */
  static long spanId(ByteString b) {
    if (b.isEmpty()) {
      return 0;
    }
    if (b.size() != 8) {
      throw new IllegalArgumentException("invalid length for span ID: " + b.size() + " bytes (expected: 8)");
    }
    return Hex.getLong(b.toByteArray(), 0);
  }

  /** Go's {@code time.Time.String()} in UTC, as pcommon timestamps print. */
  public static String goTime(long unixNanos) {
    Instant t = Instant.ofEpochSecond(Math.floorDiv(unixNanos, 1_000_000_000L),
        Math.floorMod(unixNanos, 1_000_000_000L));
    StringBuilder b = new StringBuilder(GO_TIME.format(t));
    int nanos = t.getNano();
    if (nanos != 0) {
      String frac = Integer.toString(1_000_000_000 + nanos).substring(1);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(frac, 0, end);
    }
    return b.append(" +0000 UTC").toString();
  }

  // Tags every span of a kind or status shares; KeyValue is immutable, so one instance serves them all.
  private static final KeyValue[] KIND_TAGS = {
    KeyValue.string("span.kind", "internal"), KeyValue.string("span.kind", "server"),
    KeyValue.string("span.kind", "client"), KeyValue.string("span.kind", "producer"),
    KeyValue.string("span.kind", "consumer"),
  };
  private static final KeyValue STATUS_OK_TAG = KeyValue.string("otel.status_code", "OK");
  private static final KeyValue STATUS_ERROR_TAG = KeyValue.string("otel.status_code", "ERROR");
  private static final KeyValue ERROR_TAG = KeyValue.bool("error", true);

  private static KeyValue kindTag(String kindName) {
    for (KeyValue t : KIND_TAGS) {
      if (t.stringValue().equals(kindName)) {
        return t;
      }
    }
    return KeyValue.string("span.kind", kindName);
  }

  /**
   * Appends the tags Jaeger derives from an OTLP span's own fields, in Jaeger's order: {@code span.kind} (when the
   * kind has a name), {@code otel.status_code} (and {@code error=true} for ERROR), {@code otel.status_description},
   * {@code w3c.tracestate}. Shared by every path that turns OTLP-shaped spans into the model.
   *
   * @param kindName the Jaeger name of the span kind, or null for unspecified
   * @param statusCode the OTLP status code number (1 = OK, 2 = ERROR)
   */
  public static void addSpanFieldTags(List<KeyValue> tags, String kindName, int statusCode, String statusMessage,
      String traceState) {
    if (kindName != null) {
      tags.add(kindTag(kindName));
    }
    if (statusCode == Status.StatusCode.STATUS_CODE_OK_VALUE) {
      tags.add(STATUS_OK_TAG);
    } else if (statusCode == Status.StatusCode.STATUS_CODE_ERROR_VALUE) {
      tags.add(STATUS_ERROR_TAG);
      tags.add(ERROR_TAG);
    }
    if (!statusMessage.isEmpty()) {
      tags.add(KeyValue.string("otel.status_description", statusMessage));
    }
    if (!traceState.isEmpty()) {
      tags.add(KeyValue.string("w3c.tracestate", traceState));
    }
  }
}
