// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import io.jaegerj.model.otlp.OtlpToModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The intermediate OTLP-shaped span that Jaeger 1.74 builds from Zipkin input on 9411, and its conversion into the
 * Jaeger model with the rules of the OTLP-to-Jaeger translator: scope tags first, then attributes, {@code span.kind},
 * status tags, {@code w3c.tracestate}; events become logs with a leading {@code event} field; the parent and links
 * become references. Mutable, used by one thread.
 */
final class OtlpShape {
  static final int KIND_UNSPECIFIED = 0;
  static final int KIND_INTERNAL = 1;
  static final int KIND_SERVER = 2;
  static final int KIND_CLIENT = 3;
  static final int KIND_PRODUCER = 4;
  static final int KIND_CONSUMER = 5;
  static final int STATUS_UNSET = 0;
  static final int STATUS_OK = 1;
  static final int STATUS_ERROR = 2;

  /** Resource attributes; {@code service.name} becomes the process service name, the rest process tags. */
  final Map<String, KeyValue> resource = new LinkedHashMap<>();
  String scopeName = "";
  String scopeVersion = "";
  TraceId traceId = TraceId.ZERO;
  long spanId;
  long parentSpanId;
  String traceState = "";
  String name = "";
  int kind = KIND_UNSPECIFIED;
  long startMicros;
  long durationMicros;
  /** Span attributes in insertion order; a put on an existing key keeps its position, as pdata maps do. */
  final Map<String, KeyValue> attributes = new LinkedHashMap<>();
  final List<Log> events = new ArrayList<>();
  final List<SpanRef> links = new ArrayList<>();
  int statusCode = STATUS_UNSET;
  String statusMessage = "";

  void putString(String key, String value) {
    attributes.put(key, KeyValue.string(key, value));
  }

  /** An event: the name goes first as field {@code event} unless empty or already among the attributes. */
  void addEvent(long timestampMicros, String eventName, List<KeyValue> eventAttributes) {
    List<KeyValue> fields = new ArrayList<>(eventAttributes.size() + 1);
    boolean hasEvent = false;
    for (KeyValue kv : eventAttributes) {
      hasEvent |= kv.key().equals("event");
    }
    if (!eventName.isEmpty() && !hasEvent) {
      fields.add(KeyValue.string("event", eventName));
    }
    fields.addAll(eventAttributes);
    events.add(new Log(timestampMicros, fields));
  }

  Span toJaeger() {
    KeyValue svc = resource.get("service.name");
    String serviceName;
    if (svc == null) {
      serviceName = "missing-service-name";
    } else if (svc.type() != ValueType.STRING) {
      serviceName = "service-name-wrong-type";
    } else if (svc.stringValue().isEmpty()) {
      serviceName = "empty-service-name";
    } else {
      serviceName = svc.stringValue();
    }
    List<KeyValue> processTags = new ArrayList<>(resource.size());
    for (KeyValue kv : resource.values()) {
      if (!kv.key().equals("service.name")) {
        processTags.add(kv);
      }
    }
    List<KeyValue> tags = new ArrayList<>(attributes.size() + 6);
    if (!scopeName.isEmpty()) {
      tags.add(KeyValue.string("otel.scope.name", scopeName));
    }
    if (!scopeVersion.isEmpty()) {
      tags.add(KeyValue.string("otel.scope.version", scopeVersion));
    }
    tags.addAll(attributes.values());
    OtlpToModel.addSpanFieldTags(tags, kindText(kind), statusCode, statusMessage, traceState);
    List<SpanRef> refs = new ArrayList<>(links.size() + 1);
    if (parentSpanId != 0) {
      refs.add(SpanRef.childOf(traceId, parentSpanId));
    }
    for (SpanRef link : links) {
      if (parentSpanId != 0 && link.spanId() == parentSpanId && link.traceId().equals(traceId)) {
        refs.set(0, new SpanRef(link.type(), traceId, parentSpanId));
        continue;
      }
      refs.add(link);
    }
    return Span.builder()
        .traceId(traceId)
        .spanId(spanId)
        .operationName(name)
        .references(refs)
        .flags(0)
        .startTimeMicros(startMicros)
        .durationMicros(durationMicros)
        .tags(tags)
        .logs(events)
        .process(new Process(serviceName, processTags))
        .build();
  }

  private static String kindText(int kind) {
    switch (kind) {
      case KIND_INTERNAL: return "internal";
      case KIND_SERVER: return "server";
      case KIND_CLIENT: return "client";
      case KIND_PRODUCER: return "producer";
      case KIND_CONSUMER: return "consumer";
      default: return null;
    }
  }

  /**
   * Parses the JSON object of an encoded event or link ({@code name|{json}|dropped}): strings, booleans and numbers
   * are kept (integral numbers as INT64), other values are ignored.
   */
  static List<KeyValue> jsonAttributes(String json) throws ZipkinDecodeException {
    try (JsonParser p = JsonV2Decoder.JSON.createParser(json)) {
      JsonToken t = p.nextToken();
      List<KeyValue> out = new ArrayList<>();
      if (t == JsonToken.VALUE_NULL) {
        return out;
      }
      if (t != JsonToken.START_OBJECT) {
        throw new ZipkinDecodeException("json: cannot unmarshal " + JsonText.kind(t)
            + " into Go value of type map[string]interface {}");
      }
      Map<String, KeyValue> byKey = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (v) {
          case VALUE_STRING:
            byKey.put(key, KeyValue.string(key, p.getText()));
            break;
          case VALUE_TRUE:
          case VALUE_FALSE:
            byKey.put(key, KeyValue.bool(key, v == JsonToken.VALUE_TRUE));
            break;
          case VALUE_NUMBER_INT:
          case VALUE_NUMBER_FLOAT:
            double d = p.getDoubleValue();
            byKey.put(key, d % 1.0 == 0.0 && !Double.isInfinite(d) ? KeyValue.int64(key, (long) d)
                : KeyValue.float64(key, d));
            break;
          default:
            byKey.remove(key);
            p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new ZipkinDecodeException("invalid character after top-level value");
      }
      out.addAll(byKey.values());
      return out;
    } catch (IOException e) {
      throw new ZipkinDecodeException(JsonText.message(e), e);
    }
  }

  /** Go's strconv.ParseUint(s, 10, 32) for the dropped-count suffix. */
  static void checkDropped(String s) throws ZipkinDecodeException {
    boolean ok = !s.isEmpty() && s.length() <= 10;
    for (int i = 0; ok && i < s.length(); i++) {
      ok = s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }
    if (!ok || Long.parseLong(s) > 0xffffffffL) {
      throw new ZipkinDecodeException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
    }
  }

  static RefType linkType(List<KeyValue> attrs) {
    for (KeyValue kv : attrs) {
      if (kv.key().equals("opentracing.ref_type") && kv.type() == ValueType.STRING
          && kv.stringValue().equals("child_of")) {
        return RefType.CHILD_OF;
      }
    }
    return RefType.FOLLOWS_FROM;
  }
}
