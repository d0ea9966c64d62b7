// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.jaegerj.collector.thrift.ZipkinCore;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Jaeger's own zipkincore-to-model converter, used for the legacy agent's {@code emitZipkinBatch}: the Zipkin
 * sanitizers (start time, duration, zero parent id, non-boolean {@code error}) run first, then a span that has both
 * {@code cs} and {@code sr} is split into a client and a server span, {@code sa}/{@code ca}/{@code ma} become
 * {@code peer.*} tags and process-describing annotations move to the process. Stateless and thread-safe.
 */
public final class JaegerZipkinConverter {
  static final String UNKNOWN_SERVICE_NAME = "unknown-service-name";

  private JaegerZipkinConverter() {}

  /** Converts every span; a span may yield two. */
  public static List<Span> convert(List<ZipkinCore.Span> spans) {
    List<Span> out = new ArrayList<>(spans.size());
    for (ZipkinCore.Span s : spans) {
      convert(sanitize(s), out);
    }
    return out;
  }

  // ---- sanitizers -------------------------------------------------------------------------------------------

  static ZipkinCore.Span sanitize(ZipkinCore.Span s) {
    Long timestamp = s.timestamp();
    Long duration = s.duration();
    Long parentId = s.parentId();
    List<ZipkinCore.BinaryAnnotation> binary = new ArrayList<>(s.binaryAnnotations());

    // start time: from cs, else from sr for a root span
    if (timestamp == null || timestamp == 0) {
      ZipkinCore.Annotation cs = find(s.annotations(), "cs");
      ZipkinCore.Annotation sr = find(s.annotations(), "sr");
      if (cs != null) {
        timestamp = cs.timestamp();
      } else if (sr != null && (parentId == null || parentId == 0)) {
        timestamp = sr.timestamp();
      }
    }
    // duration
    if (duration == null) {
      long d = 0;
      ZipkinCore.Annotation cs = find(s.annotations(), "cs");
      ZipkinCore.Annotation cr = find(s.annotations(), "cr");
      if (cs != null && cr != null) {
        d = cr.timestamp() - cs.timestamp();
      } else if (s.annotations().size() >= 2) {
        d = s.annotations().get(s.annotations().size() - 1).timestamp() - s.annotations().get(0).timestamp();
      }
      duration = d > 0 ? d : 1L;
    } else if (duration < 0) {
      binary.add(new ZipkinCore.BinaryAnnotation("errNegativeDuration",
          Long.toString(duration).getBytes(StandardCharsets.UTF_8), ZipkinCore.STRING, null));
      duration = 1L;
    }
    // zero parent id
    if (parentId != null && parentId == 0) {
      parentId = null;
      binary.add(new ZipkinCore.BinaryAnnotation("errZeroParentID", "0".getBytes(StandardCharsets.UTF_8),
          ZipkinCore.STRING, null));
    }
    // non-boolean error annotations
    for (int i = 0; i < binary.size(); i++) {
      ZipkinCore.BinaryAnnotation b = binary.get(i);
      if (b.type() == ZipkinCore.BOOL || !b.key().toLowerCase(Locale.ROOT).equals("error")) {
        continue;
      }
      String text = new String(b.value(), StandardCharsets.UTF_8);
      boolean isFalse = text.equalsIgnoreCase("false");
      binary.set(i, new ZipkinCore.BinaryAnnotation(b.key(), new byte[] {(byte) (isFalse ? 0 : 1)}, ZipkinCore.BOOL,
          b.host()));
      if (!isFalse && !text.isEmpty() && !text.equalsIgnoreCase("true")) {
        binary.add(new ZipkinCore.BinaryAnnotation("error.message", b.value(), ZipkinCore.STRING, b.host()));
      }
    }
    return new ZipkinCore.Span(s.traceIdHigh(), s.traceId(), s.name(), s.id(), parentId, s.annotations(), binary,
        s.debug(), timestamp, duration);
  }

  private static ZipkinCore.Annotation find(List<ZipkinCore.Annotation> annotations, String value) {
    for (ZipkinCore.Annotation a : annotations) {
      if (a.value().equals(value)) {
        return a;
      }
    }
    return null;
  }

  // ---- conversion -------------------------------------------------------------------------------------------

  private static String coreKind(String value) {
    switch (value) {
      case "sr": case "ss": return "server";
      case "cr": case "cs": return "client";
      default: return null;
    }
  }

  private static boolean isProcessTag(String key) {
    return key.equals("jaegerClient") || key.equals("jaeger.hostname") || key.equals("jaeger.version");
  }

  private static void convert(ZipkinCore.Span z, List<Span> out) {
    List<KeyValue> tags = new ArrayList<>();
    List<KeyValue> processTags = new ArrayList<>();
    for (ZipkinCore.BinaryAnnotation b : z.binaryAnnotations()) {
      if (isProcessTag(b.key())) {
        String key = b.key().equals("jaeger.hostname") ? "hostname" : "jaeger.version";
        processTags.add(rename(tag(b), key));
      } else if (b.key().equals("lc")) {
        tags.add(KeyValue.string("component", new String(b.value(), StandardCharsets.UTF_8)));
      } else if (b.key().equals("sa") || b.key().equals("ca") || b.key().equals("ma")) {
        peerTags(b.host(), tags);
      } else {
        tags.add(tag(b));
      }
    }
    String kind = null;
    for (ZipkinCore.Annotation a : z.annotations()) {
      kind = coreKind(a.value());
      if (kind != null) {
        break;
      }
    }
    if (kind != null) {
      tags.add(KeyValue.string("span.kind", kind));
    }
    TraceId traceId = new TraceId(z.traceIdHigh(), z.traceId());
    List<SpanRef> refs = new ArrayList<>(1);
    if (z.parentId() != null && z.parentId() != 0) {
      refs.add(SpanRef.childOf(traceId, z.parentId()));
    }
    int flags = z.debug() ? Span.FLAG_DEBUG : 0;
    long start = z.timestamp() == null ? 0 : z.timestamp();
    long duration = z.duration() == null ? 0 : z.duration();
    if (start == 0) {
      ZipkinCore.Annotation cs = find(z.annotations(), "cs");
      ZipkinCore.Annotation sr = find(z.annotations(), "sr");
      if (cs != null) {
        start = cs.timestamp();
        ZipkinCore.Annotation cr = find(z.annotations(), "cr");
        if (cr != null && duration == 0) {
          duration = cr.timestamp() - cs.timestamp();
        }
      } else if (sr != null) {
        start = sr.timestamp();
        ZipkinCore.Annotation ss = find(z.annotations(), "ss");
        if (ss != null && duration == 0) {
          duration = ss.timestamp() - sr.timestamp();
        }
      }
    }
    Process process = process(z, processTags);
    Span first = Span.builder()
        .traceId(traceId)
        .spanId(z.id())
        .operationName(z.name())
        .references(refs)
        .flags(flags)
        .startTimeMicros(start)
        .durationMicros(duration)
        .tags(tags)
        .logs(logs(z.annotations()))
        .process(process)
        .build();
    out.add(first);

    ZipkinCore.Annotation cs = find(z.annotations(), "cs");
    ZipkinCore.Annotation sr = find(z.annotations(), "sr");
    if (cs != null && sr != null) {
      Span.Builder second = Span.builder()
          .traceId(traceId)
          .spanId(z.id())
          .operationName(z.name())
          .references(refs)
          .flags(flags)
          .process(process);
      if ("client".equals(first.spanKind())) {
        second.addTag(KeyValue.string("span.kind", "server")).startTimeMicros(sr.timestamp());
        ZipkinCore.Annotation ss = find(z.annotations(), "ss");
        if (ss != null) {
          second.durationMicros(ss.timestamp() - sr.timestamp());
        }
      } else {
        second.addTag(KeyValue.string("span.kind", "client")).startTimeMicros(cs.timestamp());
        ZipkinCore.Annotation cr = find(z.annotations(), "cr");
        if (cr != null) {
          second.durationMicros(cr.timestamp() - cs.timestamp());
        }
      }
      out.add(second.build());
    }
  }

  private static KeyValue rename(KeyValue kv, String key) {
    switch (kv.type()) {
      case STRING: return KeyValue.string(key, kv.stringValue());
      case BOOL: return KeyValue.bool(key, kv.boolValue());
      case INT64: return KeyValue.int64(key, kv.int64Value());
      case FLOAT64: return KeyValue.float64(key, kv.float64Value());
      default: return KeyValue.binary(key, kv.binaryValue());
    }
  }

  private static void peerTags(ZipkinCore.Endpoint e, List<KeyValue> tags) {
    if (e == null) {
      return;
    }
    tags.add(KeyValue.string("peer.service", e.serviceName()));
    if (e.ipv4() != 0) {
      tags.add(KeyValue.int64("peer.ipv4", e.ipv4() & 0xffffffffL));
    }
    if (e.ipv6() != null) {
      tags.add(KeyValue.binary("peer.ipv6", e.ipv6()));
    }
    if (e.port() != 0) {
      tags.add(KeyValue.int64("peer.port", e.port() & 0xffff));
    }
  }

  /** A typed binary annotation; a number with too few bytes becomes an explanatory STRING. */
  static KeyValue tag(ZipkinCore.BinaryAnnotation b) {
    byte[] v = b.value();
    String key = b.key();
    switch (b.type()) {
      case ZipkinCore.BOOL:
        return KeyValue.bool(key, v.length == 1 && v[0] == 1);
      case ZipkinCore.BYTES:
        return KeyValue.binary(key, v);
      case ZipkinCore.DOUBLE:
        return v.length < 8 ? cannotParse(b) : KeyValue.float64(key, ByteBuffer.wrap(v).getDouble());
      case ZipkinCore.I16:
        return v.length < 2 ? cannotParse(b) : KeyValue.int64(key, ByteBuffer.wrap(v).getShort());
      case ZipkinCore.I32:
        return v.length < 4 ? cannotParse(b) : KeyValue.int64(key, ByteBuffer.wrap(v).getInt());
      case ZipkinCore.I64:
        return v.length < 8 ? cannotParse(b) : KeyValue.int64(key, ByteBuffer.wrap(v).getLong());
      case ZipkinCore.STRING:
        return KeyValue.string(key, new String(v, StandardCharsets.UTF_8));
      default:
        return KeyValue.string(key, "Cannot parse Zipkin value " + Base64.getEncoder().encodeToString(v)
            + ": unknown zipkin annotation type: " + b.type());
    }
  }

  private static KeyValue cannotParse(ZipkinCore.BinaryAnnotation b) {
    String err = b.value().length == 0 ? "EOF" : "unexpected EOF";
    return KeyValue.string(b.key(), "Cannot parse Zipkin value " + Base64.getEncoder().encodeToString(b.value())
        + ": " + err);
  }

  private static Process process(ZipkinCore.Span z, List<KeyValue> tags) {
    ZipkinCore.Endpoint host = null;
    for (ZipkinCore.Annotation a : z.annotations()) {
      if (coreKind(a.value()) != null && named(a.host())) {
        host = a.host();
        break;
      }
    }
    for (int i = 0; host == null && i < z.binaryAnnotations().size(); i++) {
      ZipkinCore.BinaryAnnotation b = z.binaryAnnotations().get(i);
      if (b.key().equals("lc") && named(b.host())) {
        host = b.host();
      }
    }
    for (int i = 0; host == null && i < z.annotations().size(); i++) {
      if (named(z.annotations().get(i).host())) {
        host = z.annotations().get(i).host();
      }
    }
    for (int i = 0; host == null && i < z.binaryAnnotations().size(); i++) {
      if (named(z.binaryAnnotations().get(i).host())) {
        host = z.binaryAnnotations().get(i).host();
      }
    }
    List<KeyValue> all = new ArrayList<>(tags);
    if (host == null) {
      return new Process(UNKNOWN_SERVICE_NAME, all);
    }
    if (host.ipv4() != 0) {
      all.add(KeyValue.int64("ip", host.ipv4()));
    }
    return new Process(host.serviceName(), all);
  }

  private static boolean named(ZipkinCore.Endpoint e) {
    return e != null && !e.serviceName().isEmpty();
  }

  private static List<Log> logs(List<ZipkinCore.Annotation> annotations) {
    List<Log> logs = new ArrayList<>();
    for (ZipkinCore.Annotation a : annotations) {
      if (a.value().isEmpty() || coreKind(a.value()) != null) {
        continue;
      }
      logs.add(new Log(a.timestamp(), logFields(a.value())));
    }
    return logs;
  }

  /** A JSON object of strings becomes one field per key (in document order); anything else one {@code event}. */
  private static List<KeyValue> logFields(String value) {
    Map<String, String> fields = jsonStringMap(value);
    if (fields == null) {
      return List.of(KeyValue.string("event", value));
    }
    List<KeyValue> out = new ArrayList<>(fields.size());
    for (Map.Entry<String, String> e : fields.entrySet()) {
      out.add(KeyValue.string(e.getKey(), e.getValue()));
    }
    return out;
  }

  private static Map<String, String> jsonStringMap(String value) {
    try (JsonParser p = JsonV2Decoder.JSON.createParser(value)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return t == JsonToken.VALUE_NULL && p.nextToken() == null ? new LinkedHashMap<>() : null;
      }
      Map<String, String> out = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_STRING) {
          out.put(key, p.getText());
        } else if (v != JsonToken.VALUE_NULL) {
          return null;
        }
      }
      return p.nextToken() == null ? out : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
