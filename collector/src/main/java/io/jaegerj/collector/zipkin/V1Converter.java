// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.model.IpText;
import io.jaegerj.collector.thrift.ZipkinCore;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Zipkin v1 spans (JSON or Thrift) to the Jaeger model as Jaeger 1.74 stores them on 9411: the contrib zipkinv1
 * translator to OTLP (service from the first core annotation's endpoint, kind from the first core annotation, binary
 * annotations as attributes with status extraction), then the OTLP-to-Jaeger translator. A shared client+server span
 * stays one span. Stateless apart from the clock used for JSON spans without any time.
 */
final class V1Converter {
  static final String UNKNOWN_SERVICE = "unknown-service";

  private V1Converter() {}

  /** One span; {@code json} selects the JSON-v1 variants of the time and fallback-service rules. */
  static Span convert(ZipkinCore.Span z, boolean json, Clock clock) {
    OtlpShape o = new OtlpShape();
    ZipkinCore.Endpoint endpoint = annotations(z.annotations(), o);
    String fallback = binaryAnnotations(z.binaryAnnotations(), json, o);
    String serviceName = endpoint == null ? UNKNOWN_SERVICE : endpoint.serviceName();
    if (serviceName.equals(UNKNOWN_SERVICE) && !fallback.isEmpty()) {
      serviceName = fallback;
    }
    if (json ? z.timestamp() != null && z.timestamp() != 0 : z.timestamp() != null) {
      long start = clamp(z.timestamp());
      long duration = z.duration() == null ? 0 : z.duration();
      o.startMicros = start;
      o.durationMicros = clamp(z.timestamp() + duration) - start;
    }
    o.name = z.name();
    o.traceId = new TraceId(z.traceIdHigh(), z.traceId());
    o.spanId = z.id();
    o.parentSpanId = z.parentId() == null ? 0 : z.parentId();
    if (json && o.startMicros == 0) {
      long now = Math.multiplyExact(clock.millis(), 1000L);
      o.startMicros = now;
      o.durationMicros = 0;
      o.attributes.put("otel.zipkin.absentField.startTime",
          KeyValue.bool("otel.zipkin.absentField.startTime", true));
    }
    o.resource.put("service.name", KeyValue.string("service.name", serviceName));
    if (endpoint != null) {
      if (endpoint.ipv4() != 0) {
        o.resource.put("ipv4", KeyValue.string("ipv4", IpText.ipv4(endpoint.ipv4())));
      }
      if (endpoint.ipv6() != null && endpoint.ipv6().length > 0) {
        o.resource.put("ipv6", KeyValue.string("ipv6", IpText.of(endpoint.ipv6())));
      }
      if (endpoint.port() != 0) {
        o.resource.put("port", KeyValue.string("port", Integer.toString(endpoint.port())));
      }
    }
    return o.toJaeger();
  }

  private static long clamp(long micros) {
    return micros <= 0 ? 0 : micros;
  }

  private static boolean isCore(String value) {
    switch (value) {
      case "cs": case "cr": case "ms": case "mr": case "ss": case "sr":
        return true;
      default:
        return false;
    }
  }

  /** Sets kind, times and events; returns the endpoint of the first core annotation with a service name. */
  private static ZipkinCore.Endpoint annotations(List<ZipkinCore.Annotation> annotations, OtlpShape o) {
    long earliest = Long.MAX_VALUE;
    long latest = Long.MIN_VALUE;
    ZipkinCore.Endpoint endpoint = null;
    boolean kindSet = false;
    long start = 0;
    long end = 0;
    for (ZipkinCore.Annotation a : annotations) {
      if (a == null || a.value().isEmpty()) {
        continue;
      }
      boolean core = isCore(a.value());
      if (endpoint == null && core && a.host() != null && !a.host().serviceName().isEmpty()) {
        endpoint = a.host();
      }
      if (!kindSet && core) {
        switch (a.value()) {
          case "cs": case "cr": o.kind = OtlpShape.KIND_CLIENT; break;
          case "ms": o.kind = OtlpShape.KIND_PRODUCER; break;
          case "mr": o.kind = OtlpShape.KIND_CONSUMER; break;
          default: o.kind = OtlpShape.KIND_SERVER;
        }
        kindSet = true;
      }
      long ts = clamp(a.timestamp());
      if (a.timestamp() < earliest) {
        earliest = a.timestamp();
        start = ts;
      }
      if (a.timestamp() > latest) {
        latest = a.timestamp();
        end = ts;
      }
      if (!core) {
        o.addEvent(ts, a.value(), List.of());
      }
    }
    o.startMicros = start;
    o.durationMicros = end - start;
    return endpoint;
  }

  /** Adds attributes and the status; returns the fallback service name. */
  private static String binaryAnnotations(List<ZipkinCore.BinaryAnnotation> list, boolean json, OtlpShape o) {
    String fallback = "";
    String localComponent = "";
    StatusMapper status = new StatusMapper();
    for (ZipkinCore.BinaryAnnotation b : list) {
      if (b.host() != null && (!json || !b.host().serviceName().isEmpty())) {
        fallback = b.host().serviceName();
      }
      String key = b.key();
      if (key.equals("lc")) {
        key = "component";
        localComponent = new String(b.value(), StandardCharsets.UTF_8);
      }
      KeyValue value = value(key, b);
      if (status.consume(key, value)) {
        continue;
      }
      o.attributes.put(key, value);
    }
    if (fallback.isEmpty()) {
      fallback = localComponent;
    }
    status.apply(o);
    return fallback;
  }

  private static KeyValue value(String key, ZipkinCore.BinaryAnnotation b) {
    byte[] v = b.value();
    switch (b.type()) {
      case ZipkinCore.BOOL:
        return KeyValue.bool(key, v.length == 1 && v[0] == 1);
      case ZipkinCore.BYTES:
        return KeyValue.string(key, Base64.getEncoder().encodeToString(v));
      case ZipkinCore.DOUBLE:
        return v.length < 8 ? notEnough(key) : KeyValue.float64(key, ByteBuffer.wrap(v).getDouble());
      case ZipkinCore.I16:
        return v.length < 2 ? notEnough(key) : KeyValue.int64(key, ByteBuffer.wrap(v).getShort() & 0xffffL);
      case ZipkinCore.I32:
        return v.length < 4 ? notEnough(key) : KeyValue.int64(key, ByteBuffer.wrap(v).getInt() & 0xffffffffL);
      case ZipkinCore.I64:
        return v.length < 8 ? notEnough(key) : KeyValue.int64(key, ByteBuffer.wrap(v).getLong());
      case ZipkinCore.STRING:
        return KeyValue.string(key, new String(v, StandardCharsets.UTF_8));
      default:
        return KeyValue.string(key, "<unknown zipkin v1 binary annotation type (" + b.type() + ")>");
    }
  }

  private static KeyValue notEnough(String key) {
    return KeyValue.string(key, "<not enough bytes representing the number>");
  }

  /** Collects status hints from binary annotations, then picks the best source. */
  private static final class StatusMapper {
    private Integer censusCode;
    private String censusMessage = "";
    private Integer otelCode;
    private String otelMessage = "";
    private Integer httpCode;
    private String httpMessage = "";
    private boolean errorTag;

    /** Returns true when the attribute is consumed (not kept as a tag). */
    boolean consume(String key, KeyValue value) {
      switch (key) {
        case "census.status_code": {
          Integer c = code(value);
          if (c != null) {
            censusCode = c == 0 ? OtlpShape.STATUS_OK : OtlpShape.STATUS_ERROR;
          }
          return true;
        }
        case "census.status_description":
        case "opencensus.status_description":
          censusMessage = value.stringValue();
          return true;
        case "otel.status_code": {
          Integer c = code(value);
          if (c != null) {
            otelCode = c;
          }
          return true;
        }
        case "otel.status_description":
          otelMessage = value.stringValue();
          return true;
        case "http.status_code": {
          Integer c = code(value);
          if (c != null) {
            httpCode = c >= 100 && c < 400 ? OtlpShape.STATUS_UNSET : OtlpShape.STATUS_ERROR;
          }
          return false;
        }
        case "http.status_message":
          httpMessage = value.stringValue();
          return false;
        case "error":
          errorTag = true;
          return true;
        default:
          return false;
      }
    }

    void apply(OtlpShape o) {
      if (censusCode != null) {
        set(o, censusCode, censusMessage);
      } else if (otelCode != null) {
        set(o, otelCode, otelMessage);
      } else if (errorTag) {
        set(o, OtlpShape.STATUS_ERROR, !censusMessage.isEmpty() ? censusMessage : otelMessage);
      } else if (httpCode != null) {
        set(o, httpCode, httpMessage);
      }
    }

    private static void set(OtlpShape o, int code, String message) {
      o.statusCode = code;
      o.statusMessage = message;
    }

    /** An INT64 value, or text holding a base-10 integer, within int32; else null. */
    private static Integer code(KeyValue v) {
      long l;
      if (v.type() == ValueType.INT64) {
        l = v.int64Value();
      } else if (v.type() == ValueType.STRING) {
        try {
          l = Long.parseLong(v.stringValue());
        } catch (NumberFormatException e) {
          return null;
        }
      } else {
        return null;
      }
      return l > Integer.MAX_VALUE || l < Integer.MIN_VALUE ? null : (int) l;
    }
  }
}
