// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelToOtlpTest {
  static final TraceId TID = new TraceId(0, 0x5af7183fb1d4cf5fL);
  static final long T0 = 1_700_000_000_000_123L;

  static Trace fixture() {
    Process api = Process.of("api", KeyValue.string("hostname", "h1"), KeyValue.string("jaeger.version", "Java-1.8"));
    Span root = Span.builder().traceId(TID).spanId(1).operationName("GET /api").startTimeMicros(T0)
        .durationMicros(5400)
        .tags(List.of(KeyValue.string("span.kind", "server"), KeyValue.int64("http.status_code", 200),
            KeyValue.string("otel.scope.name", "lib"), KeyValue.string("otel.scope.version", "1.0")))
        .process(api).build();
    Span child = Span.builder().traceId(TID).spanId(2).operationName("SELECT").startTimeMicros(T0 + 100)
        .durationMicros(1000)
        .addReference(SpanRef.followsFrom(new TraceId(0, 7), 9))
        .addReference(SpanRef.childOf(TID, 1))
        .tags(List.of(KeyValue.bool("error", true), KeyValue.string("otel.status_description", "boom"),
            KeyValue.string("span.kind", "client"), KeyValue.float64("ratio", 0.5),
            KeyValue.binary("blob", new byte[] {1, 2, 3})))
        .addLog(new Log(T0 + 200, List.of(KeyValue.string("event", "retry"), KeyValue.int64("attempt", 2))))
        .process(Process.of("db"))
        .warnings(List.of("w1"))
        .build();
    return Trace.of(List.of(root, child));
  }

  @Test
  void toTracesData_groupsByProcessAndScope_mapsSpecialTags() {
    TracesData td = ModelToOtlp.toTracesData(fixture());

    assertThat(td.getResourceSpansCount()).isEqualTo(2);
    ResourceSpans api = td.getResourceSpans(0);
    assertThat(api.getResource().getAttributesList()).extracting(kv -> kv.getKey())
        .containsExactly("service.name", "host.name", "opencensus.exporterversion");
    assertThat(api.getResource().getAttributes(2).getValue().getStringValue()).isEqualTo("Jaeger-Java-1.8");
    assertThat(api.getScopeSpans(0).getScope().getName()).isEqualTo("lib");
    var root = api.getScopeSpans(0).getSpans(0);
    assertThat(root.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(root.getAttributesList()).extracting(kv -> kv.getKey()).containsExactly("http.status_code");

    var child = td.getResourceSpans(1).getScopeSpans(0).getSpans(0);
    assertThat(child.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(child.getStatus().getMessage()).isEqualTo("boom");
    assertThat(child.getParentSpanId().toByteArray()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
    assertThat(child.getLinksCount()).isEqualTo(1);
    assertThat(child.getLinks(0).getAttributes(0).getValue().getStringValue()).isEqualTo("follows_from");
    assertThat(child.getEvents(0).getName()).isEqualTo("retry");
  }

  @Test
  void otlpJson_golden() throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      OtlpJsonWriter.write(g, ModelToOtlp.toTracesData(fixture()));
    }
    assertThat(w.toString()).isEqualTo("{\"resourceSpans\":["
        + "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}},"
        + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"h1\"}},"
        + "{\"key\":\"opencensus.exporterversion\",\"value\":{\"stringValue\":\"Jaeger-Java-1.8\"}}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"lib\",\"version\":\"1.0\"},\"spans\":[{"
        + "\"traceId\":\"00000000000000005af7183fb1d4cf5f\",\"spanId\":\"0000000000000001\",\"name\":\"GET /api\","
        + "\"kind\":2,\"startTimeUnixNano\":\"1700000000000123000\",\"endTimeUnixNano\":\"1700000000005523000\","
        + "\"attributes\":[{\"key\":\"http.status_code\",\"value\":{\"intValue\":\"200\"}}],\"status\":{}}]}]},"
        + "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"db\"}}]},"
        + "\"scopeSpans\":[{\"scope\":{},\"spans\":[{"
        + "\"traceId\":\"00000000000000005af7183fb1d4cf5f\",\"spanId\":\"0000000000000002\","
        + "\"parentSpanId\":\"0000000000000001\",\"name\":\"SELECT\",\"kind\":3,"
        + "\"startTimeUnixNano\":\"1700000000000223000\",\"endTimeUnixNano\":\"1700000000001223000\","
        + "\"attributes\":[{\"key\":\"ratio\",\"value\":{\"doubleValue\":0.5}},"
        + "{\"key\":\"blob\",\"value\":{\"bytesValue\":\"AQID\"}},"
        + "{\"key\":\"@jaeger@warnings\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"w1\"}]}}}],"
        + "\"events\":[{\"timeUnixNano\":\"1700000000000323000\",\"name\":\"retry\","
        + "\"attributes\":[{\"key\":\"attempt\",\"value\":{\"intValue\":\"2\"}}]}],"
        + "\"links\":[{\"traceId\":\"00000000000000000000000000000007\",\"spanId\":\"0000000000000009\","
        + "\"attributes\":[{\"key\":\"opentracing.ref_type\",\"value\":{\"stringValue\":\"follows_from\"}}]}],"
        + "\"status\":{\"message\":\"boom\",\"code\":2}}]}]}]}");
  }
}
