// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class OtlpToModelTest {
  static final byte[] TRACE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  static final byte[] SPAN = {0, 0, 0, 0, 0, 0, 0, 42};
  static final byte[] PARENT = {0, 0, 0, 0, 0, 0, 0, 7};

  static io.opentelemetry.proto.common.v1.KeyValue attr(String k, AnyValue v) {
    return io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  static AnyValue str(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  static ExportTraceServiceRequest request(Resource resource, InstrumentationScope scope,
      io.opentelemetry.proto.trace.v1.Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource)
        .addScopeSpans(ScopeSpans.newBuilder().setScope(scope).addAllSpans(List.of(spans)))).build();
  }

  static io.opentelemetry.proto.trace.v1.Span.Builder span() {
    return io.opentelemetry.proto.trace.v1.Span.newBuilder().setTraceId(ByteString.copyFrom(TRACE))
        .setSpanId(ByteString.copyFrom(SPAN)).setName("GET /x")
        .setStartTimeUnixNano(1_700_000_000_123_456_789L).setEndTimeUnixNano(1_700_000_000_223_456_000L);
  }

  @Test
  void toModel_fullSpan_mapsEveryField() {
    Resource resource = Resource.newBuilder()
        .addAttributes(attr("host.name", str("h1")))
        .addAttributes(attr("service.name", str("frontend")))
        .addAttributes(attr("pid", AnyValue.newBuilder().setIntValue(12).build())).build();
    InstrumentationScope scope = InstrumentationScope.newBuilder().setName("lib").setVersion("1.2").build();
    io.opentelemetry.proto.trace.v1.Span s = span()
        .setParentSpanId(ByteString.copyFrom(PARENT))
        .setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
        .setTraceState("k=v")
        .addAttributes(attr("b", AnyValue.newBuilder().setBoolValue(true).build()))
        .addAttributes(attr("d", AnyValue.newBuilder().setDoubleValue(1.5).build()))
        .addAttributes(attr("bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2}))
            .build()))
        .addAttributes(attr("arr", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(str("a")).addValues(AnyValue.newBuilder().setIntValue(1))).build()))
        .addAttributes(attr("map", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(attr("z", str("<1>"))).addValues(attr("a", AnyValue.newBuilder().setDoubleValue(2.0)
                .build()))).build()))
        .addAttributes(attr("empty", AnyValue.getDefaultInstance()))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("exception")
            .setTimeUnixNano(1_700_000_000_150_000_999L).addAttributes(attr("exception.type", str("IOE"))))
        .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setName("ignored")
            .setTimeUnixNano(1_700_000_000_160_000_000L).addAttributes(attr("event", str("mine"))))
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(ByteString.copyFrom(TRACE))
            .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 9})))
        .build();

    List<Span> spans = OtlpToModel.toModel(request(resource, scope, s));

    assertThat(spans).hasSize(1);
    Span j = spans.get(0);
    TraceId tid = new TraceId(0x0102030405060708L, 0x090a0b0c0d0e0f10L);
    assertThat(j.traceId()).isEqualTo(tid);
    assertThat(j.spanId()).isEqualTo(42);
    assertThat(j.operationName()).isEqualTo("GET /x");
    assertThat(j.flags()).isZero();
    assertThat(j.startTimeMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(j.durationMicros()).isEqualTo(99_999L); // (end - start) in ns, truncated to µs
    assertThat(j.references()).containsExactly(SpanRef.childOf(tid, 7), SpanRef.followsFrom(tid, 9));
    assertThat(j.process().serviceName()).isEqualTo("frontend");
    assertThat(j.process().tags()).containsExactly(KeyValue.string("host.name", "h1"), KeyValue.int64("pid", 12));
    assertThat(j.tags()).containsExactly(
        KeyValue.string("otel.scope.name", "lib"),
        KeyValue.string("otel.scope.version", "1.2"),
        KeyValue.bool("b", true),
        KeyValue.float64("d", 1.5),
        KeyValue.binary("bytes", new byte[] {1, 2}),
        KeyValue.string("arr", "[\"a\",1]"),
        KeyValue.string("map", "{\"a\":2,\"z\":\"\\u003c1\\u003e\"}"),
        KeyValue.string("empty", ""),
        KeyValue.string("span.kind", "server"),
        KeyValue.string("otel.status_code", "ERROR"),
        KeyValue.bool("error", true),
        KeyValue.string("otel.status_description", "boom"),
        KeyValue.string("w3c.tracestate", "k=v"));
    assertThat(j.logs()).containsExactly(
        new Log(1_700_000_000_150_000L, List.of(KeyValue.string("event", "exception"),
            KeyValue.string("exception.type", "IOE"))),
        new Log(1_700_000_000_160_000L, List.of(KeyValue.string("event", "mine"))));
    assertThat(j.warnings()).isEmpty();
  }

  @Test
  void toModel_linkToParent_setsParentReferenceType() {
    io.opentelemetry.proto.trace.v1.Span s = span().setParentSpanId(ByteString.copyFrom(PARENT))
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(ByteString.copyFrom(TRACE))
            .setSpanId(ByteString.copyFrom(PARENT)))
        .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(ByteString.copyFrom(TRACE))
            .setSpanId(ByteString.copyFrom(SPAN)).addAttributes(attr("opentracing.ref_type", str("child_of"))))
        .build();
    Span j = OtlpToModel.toModel(request(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
        s)).get(0);
    assertThat(j.references()).extracting(SpanRef::type, SpanRef::spanId)
        .containsExactly(Tuple.tuple(RefType.FOLLOWS_FROM, 7L),
            Tuple.tuple(RefType.CHILD_OF, 42L));
  }

  @Test
  void toModel_serviceNameSanitizers() {
    assertThat(serviceOf(Resource.getDefaultInstance())).isEqualTo("missing-service-name");
    assertThat(serviceOf(Resource.newBuilder().addAttributes(attr("service.name", str(""))).build()))
        .isEqualTo("empty-service-name");
    assertThat(serviceOf(Resource.newBuilder().addAttributes(attr("service.name",
        AnyValue.newBuilder().setIntValue(1).build())).build())).isEqualTo("service-name-wrong-type");
  }

  private static String serviceOf(Resource r) {
    return OtlpToModel.toModel(request(r, InstrumentationScope.getDefaultInstance(), span().build())).get(0)
        .process().serviceName();
  }

  @Test
  void toModel_endNotAfterStart_addsOneNanosecondAndWarning() {
    io.opentelemetry.proto.trace.v1.Span s = span().setStartTimeUnixNano(1_700_000_000_000_000_000L)
        .setEndTimeUnixNano(1_699_999_999_500_000_000L).build();
    Span j = OtlpToModel.toModel(request(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
        s)).get(0);
    assertThat(j.durationMicros()).isZero();
    assertThat(j.warnings()).containsExactly("Negative duration detected, sanitizing end timestamp. "
        + "Original end timestamp: 2023-11-14 22:13:19.5 +0000 UTC, adjusted to: "
        + "2023-11-14 22:13:20.000000001 +0000 UTC");
  }

  @Test
  void toModel_jaegerWarningsAttribute_movesToWarnings() {
    io.opentelemetry.proto.trace.v1.Span s = span().addAttributes(attr("@jaeger@warnings", AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addValues(str("w1")).addValues(str("w2"))).build())).build();
    Span j = OtlpToModel.toModel(request(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
        s)).get(0);
    assertThat(j.warnings()).containsExactly("w1", "w2");
    assertThat(j.tags()).isEmpty();
  }

  @Test
  void toModel_badIdLengths_rejected_emptyIdsAreZero() {
    assertThatThrownBy(() -> OtlpToModel.toModel(request(Resource.getDefaultInstance(),
        InstrumentationScope.getDefaultInstance(), span().setTraceId(ByteString.copyFrom(new byte[8])).build())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace ID");
    assertThatThrownBy(() -> OtlpToModel.toModel(request(Resource.getDefaultInstance(),
        InstrumentationScope.getDefaultInstance(), span().setSpanId(ByteString.copyFrom(new byte[3])).build())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("span ID");
    Span j = OtlpToModel.toModel(request(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
        span().clearTraceId().clearSpanId().build())).get(0);
    assertThat(j.traceId()).isEqualTo(TraceId.ZERO);
    assertThat(j.spanId()).isZero();
  }

  @Test
  void spanCount_countsAcrossResourcesAndScopes() {
    ExportTraceServiceRequest r = request(Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(),
        span().build(), span().build());
    assertThat(OtlpToModel.spanCount(r.toBuilder().addResourceSpans(r.getResourceSpans(0)).build())).isEqualTo(4);
  }
}
