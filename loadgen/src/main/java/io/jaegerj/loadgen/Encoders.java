// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import com.google.protobuf.ByteString;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Log;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

/**
 * Encodes generated traces with independent libraries: the OTLP generated protobuf classes, Zipkin's own
 * {@code SpanBytesEncoder} and the Jaeger client's generated Thrift classes.
 */
public final class Encoders {
  private Encoders() {}

  /** Builds a template for {@code protocol} from one freshly generated request unit. */
  public static Template template(Protocol protocol, Workload w, SplittableRandom rnd, long baseMicros) {
    List<Workload.GenTrace> traces = w.generate(rnd, baseMicros);
    switch (protocol) {
      case OTLP_GRPC:
      case OTLP_HTTP:
        return Template.locate(List.of(otlp(traces).toByteArray()), new int[] {w.spansPerRequest()}, traces,
            baseMicros, Template.Encoding.PROTO_NANOS, w);
      case ZIPKIN_JSON:
        return Template.locate(List.of(zipkinJson(traces)), new int[] {w.spansPerRequest()}, traces, baseMicros,
            Template.Encoding.JSON_HEX_MICROS, w);
      case JAEGER_THRIFT_HTTP: {
        Map<Integer, List<Workload.GenSpan>> byService = byService(traces);
        List<byte[]> bodies = new ArrayList<>();
        int[] counts = new int[byService.size()];
        int i = 0;
        for (Map.Entry<Integer, List<Workload.GenSpan>> e : byService.entrySet()) {
          bodies.add(jaegerThrift(e.getKey(), e.getValue(), traces));
          counts[i++] = e.getValue().size();
        }
        return Template.locate(bodies, counts, traces, baseMicros, Template.Encoding.THRIFT_MICROS, w);
      }
      default:
        throw new AssertionError(protocol);
    }
  }

  private static Map<Integer, List<Workload.GenSpan>> byService(List<Workload.GenTrace> traces) {
    Map<Integer, List<Workload.GenSpan>> m = new TreeMap<>();
    for (Workload.GenTrace t : traces) {
      for (Workload.GenSpan s : t.spans()) {
        m.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
      }
    }
    return m;
  }

  private static Map<Workload.GenSpan, Workload.GenTrace> traceIndex(List<Workload.GenTrace> traces) {
    Map<Workload.GenSpan, Workload.GenTrace> m = new IdentityHashMap<>();
    for (Workload.GenTrace t : traces) {
      for (Workload.GenSpan s : t.spans()) {
        m.put(s, t);
      }
    }
    return m;
  }

  // ---- OTLP protobuf

  /** An OTLP export request, one ResourceSpans per service. */
  public static ExportTraceServiceRequest otlp(List<Workload.GenTrace> traces) {
    ExportTraceServiceRequest.Builder req = ExportTraceServiceRequest.newBuilder();
    Map<Workload.GenSpan, Workload.GenTrace> traceOf = traceIndex(traces);
    Map<Integer, List<Workload.GenSpan>> byService = byService(traces);
    for (Map.Entry<Integer, List<Workload.GenSpan>> e : byService.entrySet()) {
      int svc = e.getKey();
      Resource resource = Resource.newBuilder()
          .addAttributes(kv("service.name", Workload.serviceName(svc)))
          .addAttributes(kv("host.name", "host-" + svc))
          .addAttributes(kv("telemetry.sdk.language", "java"))
          .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
          .build();
      ScopeSpans.Builder scope = ScopeSpans.newBuilder()
          .setScope(InstrumentationScope.newBuilder().setName("io.jaegerj.loadgen").setVersion("1.0.0"));
      for (Workload.GenSpan s : e.getValue()) {
        Workload.GenTrace t = traceOf.get(s);
        Span.Builder b = Span.newBuilder()
            .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(t.traceIdHigh()).putLong(t.traceIdLow())
                .array()))
            .setSpanId(id8(s.spanId()))
            .setName(s.operation())
            .setKind(otlpKind(s.kind()))
            .setStartTimeUnixNano(s.startMicros() * 1000)
            .setEndTimeUnixNano((s.startMicros() + s.durationMicros()) * 1000);
        if (s.parentId() != 0) {
          b.setParentSpanId(id8(s.parentId()));
        }
        for (Workload.Attr a : s.attrs()) {
          b.addAttributes(kv(a.key(), a.value()));
        }
        for (Workload.Event ev : s.events()) {
          Span.Event.Builder eb = Span.Event.newBuilder().setName(ev.name()).setTimeUnixNano(ev.timeMicros() * 1000);
          for (Workload.Attr a : ev.attrs()) {
            eb.addAttributes(kv(a.key(), a.value()));
          }
          b.addEvents(eb);
        }
        if (s.error()) {
          b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("request failed"));
        }
        scope.addSpans(b);
      }
      req.addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope));
    }
    return req.build();
  }

  private static ByteString id8(long id) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id).array());
  }

  private static Span.SpanKind otlpKind(Workload.Kind k) {
    switch (k) {
      case SERVER:
        return Span.SpanKind.SPAN_KIND_SERVER;
      case CLIENT:
        return Span.SpanKind.SPAN_KIND_CLIENT;
      case PRODUCER:
        return Span.SpanKind.SPAN_KIND_PRODUCER;
      case CONSUMER:
        return Span.SpanKind.SPAN_KIND_CONSUMER;
      default:
        return Span.SpanKind.SPAN_KIND_INTERNAL;
    }
  }

  private static KeyValue kv(String key, Object v) {
    AnyValue.Builder a = AnyValue.newBuilder();
    if (v instanceof String) {
      a.setStringValue((String) v);
    } else if (v instanceof Long) {
      a.setIntValue((Long) v);
    } else if (v instanceof Boolean) {
      a.setBoolValue((Boolean) v);
    } else if (v instanceof Double) {
      a.setDoubleValue((Double) v);
    } else {
      throw new IllegalArgumentException("attribute type: " + v.getClass());
    }
    return KeyValue.newBuilder().setKey(key).setValue(a).build();
  }

  // ---- Zipkin JSON v2

  /** A Zipkin JSON v2 list of spans, as zipkin-reporter would send it. */
  public static byte[] zipkinJson(List<Workload.GenTrace> traces) {
    List<zipkin2.Span> spans = new ArrayList<>();
    for (Workload.GenTrace t : traces) {
      for (Workload.GenSpan s : t.spans()) {
        zipkin2.Span.Builder b = zipkin2.Span.newBuilder()
            .traceId(t.traceIdHigh(), t.traceIdLow())
            .id(s.spanId())
            .name(s.operation())
            .timestamp(s.startMicros())
            .duration(s.durationMicros())
            .localEndpoint(Endpoint.newBuilder().serviceName(Workload.serviceName(s.service()))
                .ip("10.0." + (s.service() / 250) + "." + (s.service() % 250 + 1)).build());
        if (s.parentId() != 0) {
          b.parentId(s.parentId());
        }
        zipkin2.Span.Kind kind = zipkinKind(s.kind());
        if (kind != null) {
          b.kind(kind);
        }
        for (Workload.Attr a : s.attrs()) {
          b.putTag(a.key(), String.valueOf(a.value()));
        }
        if (s.error()) {
          b.putTag("error", "request failed");
        }
        for (Workload.Event ev : s.events()) {
          b.addAnnotation(ev.timeMicros(), ev.name());
        }
        spans.add(b.build());
      }
    }
    return SpanBytesEncoder.JSON_V2.encodeList(spans);
  }

  private static zipkin2.Span.Kind zipkinKind(Workload.Kind k) {
    switch (k) {
      case SERVER:
        return zipkin2.Span.Kind.SERVER;
      case CLIENT:
        return zipkin2.Span.Kind.CLIENT;
      case PRODUCER:
        return zipkin2.Span.Kind.PRODUCER;
      case CONSUMER:
        return zipkin2.Span.Kind.CONSUMER;
      default:
        return null;
    }
  }

  // ---- Jaeger Thrift (binary protocol, as jaeger-client's HttpSender posts it)

  static byte[] jaegerThrift(int service, List<Workload.GenSpan> spans, List<Workload.GenTrace> traces) {
    List<io.jaegertracing.thriftjava.Span> out = new ArrayList<>(spans.size());
    Map<Workload.GenSpan, Workload.GenTrace> traceOf = traceIndex(traces);
    for (Workload.GenSpan s : spans) {
      Workload.GenTrace t = traceOf.get(s);
      io.jaegertracing.thriftjava.Span js = new io.jaegertracing.thriftjava.Span(t.traceIdLow(), t.traceIdHigh(),
          s.spanId(), s.parentId(), s.operation(), 1, s.startMicros(), s.durationMicros());
      List<Tag> tags = new ArrayList<>(s.attrs().size() + 2);
      tags.add(new Tag("span.kind", TagType.STRING).setVStr(s.kind().name().toLowerCase(Locale.ROOT)));
      for (Workload.Attr a : s.attrs()) {
        tags.add(tag(a.key(), a.value()));
      }
      if (s.error()) {
        tags.add(new Tag("error", TagType.BOOL).setVBool(true));
      }
      js.setTags(tags);
      List<Log> logs = new ArrayList<>(s.events().size());
      for (Workload.Event ev : s.events()) {
        List<Tag> fields = new ArrayList<>();
        fields.add(new Tag("event", TagType.STRING).setVStr(ev.name()));
        for (Workload.Attr a : ev.attrs()) {
          fields.add(tag(a.key(), a.value()));
        }
        logs.add(new Log(ev.timeMicros(), fields));
      }
      js.setLogs(logs);
      out.add(js);
    }
    io.jaegertracing.thriftjava.Process process =
        new io.jaegertracing.thriftjava.Process(Workload.serviceName(service));
    process.setTags(List.of(new Tag("hostname", TagType.STRING).setVStr("host-" + service),
        new Tag("jaeger.version", TagType.STRING).setVStr("Java-1.8.1")));
    try {
      return new TSerializer(new TBinaryProtocol.Factory()).serialize(new Batch(process, out));
    } catch (TException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Tag tag(String key, Object v) {
    if (v instanceof String) {
      return new Tag(key, TagType.STRING).setVStr((String) v);
    } else if (v instanceof Long) {
      return new Tag(key, TagType.LONG).setVLong((Long) v);
    } else if (v instanceof Boolean) {
      return new Tag(key, TagType.BOOL).setVBool((Boolean) v);
    } else if (v instanceof Double) {
      return new Tag(key, TagType.DOUBLE).setVDouble((Double) v);
    }
    throw new IllegalArgumentException("attribute type: " + v.getClass());
  }
}
