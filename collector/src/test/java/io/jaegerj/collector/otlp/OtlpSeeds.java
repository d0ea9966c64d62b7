// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;

/** Seed inputs touching every OTLP field the decoders read. */
final class OtlpSeeds {
  private OtlpSeeds() {}

  static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  static ExportTraceServiceRequest request() {
    AnyValue nested = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(kv("a", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
            .addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.newBuilder().setDoubleValue(0.5)))
            .build()))).build();
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 1, 1, 1, 1, 1, 1, 1}))
        .setParentSpanId(ByteString.copyFrom(new byte[] {2, 2, 2, 2, 2, 2, 2, 2}))
        .setName("op").setKindValue(3).setTraceState("k=v")
        .setStartTimeUnixNano(1_700_000_000_000_000_000L).setEndTimeUnixNano(1_700_000_000_100_000_000L)
        .addAttributes(kv("s", AnyValue.newBuilder().setStringValue("v").build()))
        .addAttributes(kv("b", AnyValue.newBuilder().setBoolValue(true).build()))
        .addAttributes(kv("raw", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("xy")).build()))
        .addAttributes(kv("n", nested))
        .addEvents(Span.Event.newBuilder().setName("e").setTimeUnixNano(1_700_000_000_050_000_000L)
            .addAttributes(kv("x", AnyValue.newBuilder().setIntValue(3).build())))
        .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(new byte[16]))
            .setSpanId(ByteString.copyFrom(new byte[8]))
            .addAttributes(kv("opentracing.ref_type", AnyValue.newBuilder().setStringValue("child_of").build())))
        .setStatus(Status.newBuilder().setCodeValue(2).setMessage("bad"))
        .build();
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(kv("service.name",
            AnyValue.newBuilder().setStringValue("svc").build())))
        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("s").setVersion("1"))
            .addSpans(span))).build();
  }

  static byte[] json() {
    return ("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
        + "\"svc\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\",\"version\":\"1\"},\"spans\":[{\"traceId\":"
        + "\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"0101010101010101\",\"parentSpanId\":\"0202020202020202\","
        + "\"name\":\"op\",\"kind\":3,\"traceState\":\"k=v\",\"startTimeUnixNano\":\"1700000000000000000\","
        + "\"endTimeUnixNano\":1700000000100000000,\"attributes\":[{\"key\":\"s\",\"value\":{\"stringValue\":\"v\"}},"
        + "{\"key\":\"d\",\"value\":{\"doubleValue\":\"NaN\"}},{\"key\":\"raw\",\"value\":{\"bytesValue\":\"eHk=\"}},"
        + "{\"key\":\"n\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":"
        + "[{\"intValue\":1},{\"boolValue\":false}]}}}]}}}],\"events\":[{\"timeUnixNano\":\"1700000000050000000\","
        + "\"name\":\"e\",\"attributes\":[{\"key\":\"x\",\"value\":{\"intValue\":\"3\"}}]}],\"links\":[{\"traceId\":"
        + "\"00000000000000000000000000000000\",\"spanId\":\"0000000000000000\"}],\"status\":{\"code\":2,"
        + "\"message\":\"bad\"}}]}]}]}").getBytes(StandardCharsets.UTF_8);
  }
}
