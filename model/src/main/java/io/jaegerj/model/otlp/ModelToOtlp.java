// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import com.google.protobuf.ByteString;
import io.jaegerj.model.GoFloat;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.ValueType;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts Jaeger-model traces to OTLP {@link TracesData}, following the OpenTelemetry collector's Jaeger translator
 * (as Jaeger's api_v3 does for traces read from v1 storage):
 *
 * <ul>
 *   <li>spans are grouped into one ResourceSpans per distinct process (first-appearance order) and, inside it, one
 *       ScopeSpans per instrumentation scope ({@code otel.scope.name}/{@code otel.scope.version} tags, or the older
 *       {@code otel.library.*});
 *   <li>resource: {@code service.name} from the service name, then the process tags; {@code hostname} becomes
 *       {@code host.name} and {@code jaeger.version} becomes {@code opencensus.exporterversion=Jaeger-<v>} unless
 *       the target key is already present;
 *   <li>span: {@code span.kind} tag → kind; {@code w3c.tracestate} → traceState; {@code error=true},
 *       {@code otel.status_code}, {@code otel.status_description} → status; the first same-trace CHILD_OF reference →
 *       parentSpanId; every other reference → a link with attribute {@code opentracing.ref_type};
 *   <li>logs → events (a string field {@code event} is the event name); span warnings → string-array attribute
 *       {@code @jaeger@warnings}.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class ModelToOtlp {
  /** The span attribute Jaeger uses for adjuster warnings in OTLP. */
  public static final String WARNINGS_ATTRIBUTE = "@jaeger@warnings";

  private ModelToOtlp() {}

  /** All traces in one TracesData (resource spans of each trace appended in order). */
  public static TracesData toTracesData(List<Trace> traces) {
    TracesData.Builder out = TracesData.newBuilder();
    for (Trace t : traces) {
      appendTrace(out, t);
    }
    return out.build();
  }

  /** One trace. */
  public static TracesData toTracesData(Trace trace) {
    TracesData.Builder out = TracesData.newBuilder();
    appendTrace(out, trace);
    return out.build();
  }

  /**
   * Sorts resource, scope, span, event and link attributes by key and each span's events by name, as Jaeger's
   * api_v3 "sort collections" adjuster does (stable, so equal keys keep their order). Used unless raw traces are
   * requested.
   */
  public static TracesData sortAttributes(TracesData data) {
    TracesData.Builder b = data.toBuilder();
    for (ResourceSpans.Builder rs : b.getResourceSpansBuilderList()) {
      Resource.Builder r = rs.getResourceBuilder();
      List<io.opentelemetry.proto.common.v1.KeyValue> ra = sorted(r.getAttributesList());
      r.clearAttributes().addAllAttributes(ra);
      for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
        InstrumentationScope.Builder sc = ss.getScopeBuilder();
        List<io.opentelemetry.proto.common.v1.KeyValue> sa = sorted(sc.getAttributesList());
        sc.clearAttributes().addAllAttributes(sa);
        for (io.opentelemetry.proto.trace.v1.Span.Builder sp : ss.getSpansBuilderList()) {
          List<io.opentelemetry.proto.common.v1.KeyValue> a = sorted(sp.getAttributesList());
          sp.clearAttributes().addAllAttributes(a);
          List<io.opentelemetry.proto.trace.v1.Span.Event> events = new ArrayList<>();
          for (io.opentelemetry.proto.trace.v1.Span.Event e : sp.getEventsList()) {
            events.add(e.toBuilder().clearAttributes().addAllAttributes(sorted(e.getAttributesList())).build());
          }
          events.sort(Comparator.comparing(io.opentelemetry.proto.trace.v1.Span.Event::getName));
          sp.clearEvents().addAllEvents(events);
          for (io.opentelemetry.proto.trace.v1.Span.Link.Builder l : sp.getLinksBuilderList()) {
            List<io.opentelemetry.proto.common.v1.KeyValue> la = sorted(l.getAttributesList());
            l.clearAttributes().addAllAttributes(la);
          }
        }
      }
    }
    return b.build();
  }

  private static List<io.opentelemetry.proto.common.v1.KeyValue> sorted(
      List<io.opentelemetry.proto.common.v1.KeyValue> attrs) {
    List<io.opentelemetry.proto.common.v1.KeyValue> out = new ArrayList<>(attrs);
    out.sort(Comparator.comparing(io.opentelemetry.proto.common.v1.KeyValue::getKey));
    return out;
  }

  private record ScopeKey(String name, String version) {}

  private static void appendTrace(TracesData.Builder out, Trace trace) {
    Map<Process, Map<ScopeKey, List<io.opentelemetry.proto.trace.v1.Span>>> groups = new LinkedHashMap<>();
    for (Span s : trace.spans()) {
      String scopeName = "";
      String scopeVersion = "";
      for (KeyValue kv : s.tags()) {
        switch (kv.key()) {
          case "otel.scope.name":
          case "otel.library.name":
            scopeName = kv.asString();
            break;
          case "otel.scope.version":
          case "otel.library.version":
            scopeVersion = kv.asString();
            break;
          default:
            break;
        }
      }
      groups.computeIfAbsent(s.process(), p -> new LinkedHashMap<>())
          .computeIfAbsent(new ScopeKey(scopeName, scopeVersion), k -> new ArrayList<>())
          .add(toSpan(s));
    }
    for (Map.Entry<Process, Map<ScopeKey, List<io.opentelemetry.proto.trace.v1.Span>>> g : groups.entrySet()) {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(toResource(g.getKey()));
      for (Map.Entry<ScopeKey, List<io.opentelemetry.proto.trace.v1.Span>> sc : g.getValue().entrySet()) {
        rs.addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder()
                .setName(sc.getKey().name())
                .setVersion(sc.getKey().version()))
            .addAllSpans(sc.getValue()));
      }
      out.addResourceSpans(rs);
    }
  }

  static Resource toResource(Process p) {
    Map<String, AnyValue> attrs = new LinkedHashMap<>();
    if (!p.serviceName().isEmpty()) {
      attrs.put("service.name", str(p.serviceName()));
    }
    for (KeyValue kv : p.tags()) {
      attrs.put(kv.key(), value(kv));
    }
    if (attrs.containsKey("hostname") && !attrs.containsKey("host.name")) {
      AnyValue v = attrs.remove("hostname");
      attrs.put("host.name", str(asString(v)));
    }
    if (attrs.containsKey("jaeger.version") && !attrs.containsKey("opencensus.exporterversion")) {
      AnyValue v = attrs.remove("jaeger.version");
      attrs.put("opencensus.exporterversion", str("Jaeger-" + asString(v)));
    }
    Resource.Builder r = Resource.newBuilder();
    for (Map.Entry<String, AnyValue> e : attrs.entrySet()) {
      r.addAttributes(attr(e.getKey(), e.getValue()));
    }
    return r.build();
  }

  static io.opentelemetry.proto.trace.v1.Span toSpan(Span s) {
    io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(s.traceId().toBytes()))
        .setSpanId(ByteString.copyFrom(SpanId.toBytes(s.spanId())))
        .setName(s.operationName())
        .setStartTimeUnixNano(s.startTimeMicros() * 1000)
        .setEndTimeUnixNano(s.endTimeMicros() * 1000);

    long parent = 0;
    for (SpanRef r : s.references()) {
      if (r.type() == RefType.CHILD_OF && r.traceId().equals(s.traceId())) {
        parent = r.spanId();
        break;
      }
    }
    if (parent != 0) {
      b.setParentSpanId(ByteString.copyFrom(SpanId.toBytes(parent)));
    }

    Map<String, AnyValue> attrs = new LinkedHashMap<>();
    for (KeyValue kv : s.tags()) {
      attrs.put(kv.key(), value(kv));
    }
    AnyValue kind = attrs.remove("span.kind");
    if (kind != null) {
      b.setKindValue(kind(asString(kind)));
    }
    AnyValue traceState = attrs.remove("w3c.tracestate");
    if (traceState != null) {
      b.setTraceState(asString(traceState));
    }
    for (String k : new String[] {"otel.scope.name", "otel.scope.version", "otel.library.name",
        "otel.library.version"}) {
      attrs.remove(k);
    }
    status(attrs, b);
    if (!s.warnings().isEmpty()) {
      ArrayValue.Builder arr = ArrayValue.newBuilder();
      for (String w : s.warnings()) {
        arr.addValues(str(w));
      }
      attrs.put(WARNINGS_ATTRIBUTE, AnyValue.newBuilder().setArrayValue(arr).build());
    }
    for (Map.Entry<String, AnyValue> e : attrs.entrySet()) {
      b.addAttributes(attr(e.getKey(), e.getValue()));
    }

    for (Log l : s.logs()) {
      io.opentelemetry.proto.trace.v1.Span.Event.Builder ev = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
          .setTimeUnixNano(l.timestampMicros() * 1000);
      for (KeyValue f : l.fields()) {
        if (f.key().equals("event") && f.type() == ValueType.STRING && ev.getName().isEmpty()) {
          ev.setName(f.stringValue());
        } else {
          ev.addAttributes(attr(f.key(), value(f)));
        }
      }
      b.addEvents(ev);
    }

    boolean parentSkipped = false;
    for (SpanRef r : s.references()) {
      if (!parentSkipped && parent != 0 && r.type() == RefType.CHILD_OF && r.spanId() == parent
          && r.traceId().equals(s.traceId())) {
        parentSkipped = true;
        continue;
      }
      b.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
          .setTraceId(ByteString.copyFrom(r.traceId().toBytes()))
          .setSpanId(ByteString.copyFrom(SpanId.toBytes(r.spanId())))
          .addAttributes(attr("opentracing.ref_type",
              str(r.type() == RefType.CHILD_OF ? "child_of" : "follows_from"))));
    }
    return b.build();
  }

  private static void status(Map<String, AnyValue> attrs, io.opentelemetry.proto.trace.v1.Span.Builder b) {
    Status.StatusCode code = Status.StatusCode.STATUS_CODE_UNSET;
    String message = "";
    boolean exists = false;
    AnyValue error = attrs.get("error");
    if (error != null && error.hasBoolValue() && error.getBoolValue()) {
      attrs.remove("error");
      code = Status.StatusCode.STATUS_CODE_ERROR;
      exists = true;
      AnyValue desc = attrs.remove("otel.status_description");
      if (desc != null) {
        message = asString(desc);
      }
    }
    AnyValue statusCode = attrs.remove("otel.status_code");
    if (statusCode != null && !exists) {
      exists = true;
      switch (asString(statusCode).toUpperCase(Locale.ROOT)) {
        case "OK":
          code = Status.StatusCode.STATUS_CODE_OK;
          break;
        case "ERROR":
          code = Status.StatusCode.STATUS_CODE_ERROR;
          break;
        default:
          break;
      }
      AnyValue desc = attrs.remove("otel.status_description");
      if (desc != null) {
        message = asString(desc);
      }
    }
    if (exists) {
      b.setStatus(Status.newBuilder().setCode(code).setMessage(message));
    }
  }

  private static int kind(String k) {
    switch (k) {
      case "internal":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL_VALUE;
      case "server":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER_VALUE;
      case "client":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT_VALUE;
      case "producer":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_PRODUCER_VALUE;
      case "consumer":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER_VALUE;
      default:
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_UNSPECIFIED_VALUE;
    }
  }

  private static io.opentelemetry.proto.common.v1.KeyValue attr(String key, AnyValue v) {
    return io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  private static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static String asString(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case BOOL_VALUE:
        return Boolean.toString(v.getBoolValue());
      case INT_VALUE:
        return Long.toString(v.getIntValue());
      case DOUBLE_VALUE:
        return GoFloat.format(v.getDoubleValue());
      default:
        return "";
    }
  }

  static AnyValue value(KeyValue kv) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (kv.type()) {
      case STRING:
        return v.setStringValue(kv.stringValue()).build();
      case BOOL:
        return v.setBoolValue(kv.boolValue()).build();
      case INT64:
        return v.setIntValue(kv.int64Value()).build();
      case FLOAT64:
        return v.setDoubleValue(kv.float64Value()).build();
      case BINARY:
        return v.setBytesValue(ByteString.copyFrom(kv.binaryValue())).build();
      default:
        throw new AssertionError(kv.type());
    }
  }
}
