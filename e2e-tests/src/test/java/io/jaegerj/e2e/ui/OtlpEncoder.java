// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import com.google.protobuf.ByteString;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanId;
import io.jaegerj.model.SpanRef;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes test spans as an OTLP export request, so test data enters through the collector's OTLP HTTP receiver. */
final class OtlpEncoder {
  private OtlpEncoder() {}

  static ExportTraceServiceRequest encode(List<Span> spans) {
    Map<Process, ScopeSpans.Builder> byProcess = new LinkedHashMap<>();
    for (Span s : spans) {
      byProcess.computeIfAbsent(s.process(), p -> ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("ui-e2e")))
          .addSpans(span(s));
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byProcess.forEach((p, scope) -> {
      Resource.Builder resource = Resource.newBuilder().addAttributes(attr(KeyValue.string("service.name", p.serviceName())));
      p.tags().forEach(t -> resource.addAttributes(attr(t)));
      request.addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope));
    });
    return request.build();
  }

  private static io.opentelemetry.proto.trace.v1.Span span(Span s) {
    io.opentelemetry.proto.trace.v1.Span.Builder b = io.opentelemetry.proto.trace.v1.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(s.traceId().toBytes()))
        .setSpanId(ByteString.copyFrom(SpanId.toBytes(s.spanId())))
        .setName(s.operationName())
        .setStartTimeUnixNano(s.startTimeMicros() * 1000)
        .setEndTimeUnixNano((s.startTimeMicros() + s.durationMicros()) * 1000)
        .setFlags(s.flags());
    for (SpanRef r : s.references()) {
      if (r.type() == RefType.CHILD_OF && b.getParentSpanId().isEmpty() && r.traceId().equals(s.traceId())) {
        b.setParentSpanId(ByteString.copyFrom(SpanId.toBytes(r.spanId())));
      } else {
        b.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder()
            .setTraceId(ByteString.copyFrom(r.traceId().toBytes()))
            .setSpanId(ByteString.copyFrom(SpanId.toBytes(r.spanId()))));
      }
    }
    for (KeyValue t : s.tags()) {
      if (t.key().equals("span.kind")) {
        b.setKind(kind(t.stringValue()));
      } else if (t.key().equals("error") && t.boolValue()) {
        b.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
      } else {
        b.addAttributes(attr(t));
      }
    }
    for (Log l : s.logs()) {
      io.opentelemetry.proto.trace.v1.Span.Event.Builder e = io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
          .setTimeUnixNano(l.timestampMicros() * 1000);
      for (KeyValue f : l.fields()) {
        if (f.key().equals("event")) {
          e.setName(f.stringValue());
        } else {
          e.addAttributes(attr(f));
        }
      }
      b.addEvents(e);
    }
    return b.build();
  }

  private static io.opentelemetry.proto.trace.v1.Span.SpanKind kind(String v) {
    switch (v) {
      case "server":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
      case "client":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
      case "producer":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_PRODUCER;
      case "consumer":
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER;
      default:
        return io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL;
    }
  }

  private static io.opentelemetry.proto.common.v1.KeyValue attr(KeyValue kv) {
    AnyValue.Builder v = AnyValue.newBuilder();
    switch (kv.type()) {
      case BOOL:
        v.setBoolValue(kv.boolValue());
        break;
      case INT64:
        v.setIntValue(kv.int64Value());
        break;
      case FLOAT64:
        v.setDoubleValue(kv.float64Value());
        break;
      case BINARY:
        v.setBytesValue(ByteString.copyFrom(kv.binaryValue()));
        break;
      default:
        v.setStringValue(kv.stringValue());
    }
    return io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(kv.key()).setValue(v).build();
  }
}
