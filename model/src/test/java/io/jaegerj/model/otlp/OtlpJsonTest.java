// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {
  static final String CAMEL = """
      {"resourceSpans":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"checkout"}},
          {"key":"replicas","value":{"intValue":"3"}}]},
        "scopeSpans":[{"scope":{"name":"io.x","version":"9"},"spans":[{
          "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174",
          "parentSpanId":"EEE19B7EC3C1B173","name":"charge","kind":3,
          "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
          "attributes":[{"key":"ok","value":{"boolValue":true}},{"key":"ratio","value":{"doubleValue":"0.25"}},
                        {"key":"raw","value":{"bytesValue":"AQI="}},
                        {"key":"list","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":5}]}}}],
          "events":[{"timeUnixNano":"1544712660500000000","name":"retry","attributes":[
              {"key":"n","value":{"intValue":2}}]}],
          "links":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000001"}],
          "status":{"code":"STATUS_CODE_OK"},
          "unknownField":{"ignored":true}}]}]}]}
      """;

  @Test
  void decode_camelCase_mapsLikeProto() {
    List<Span> spans = OtlpJson.decode(CAMEL.getBytes(StandardCharsets.UTF_8));
    assertThat(spans).hasSize(1);
    Span s = spans.get(0);
    TraceId tid = TraceId.parse("5b8efff798038103d269b633813fc60c");
    assertThat(s.traceId()).isEqualTo(tid);
    assertThat(s.spanId()).isEqualTo(0xeee19b7ec3c1b174L);
    assertThat(s.references()).containsExactly(SpanRef.childOf(tid, 0xeee19b7ec3c1b173L), SpanRef.followsFrom(tid, 1));
    assertThat(s.startTimeMicros()).isEqualTo(1544712660000000L);
    assertThat(s.durationMicros()).isEqualTo(1_000_000L);
    assertThat(s.process().serviceName()).isEqualTo("checkout");
    assertThat(s.process().tags()).containsExactly(KeyValue.int64("replicas", 3));
    assertThat(s.tags()).containsExactly(
        KeyValue.string("otel.scope.name", "io.x"), KeyValue.string("otel.scope.version", "9"),
        KeyValue.bool("ok", true), KeyValue.float64("ratio", 0.25), KeyValue.binary("raw", new byte[] {1, 2}),
        KeyValue.string("list", "[\"x\",5]"), KeyValue.string("span.kind", "client"),
        KeyValue.string("otel.status_code", "OK"));
    assertThat(s.logs()).hasSize(1);
    assertThat(s.logs().get(0).fields()).containsExactly(KeyValue.string("event", "retry"), KeyValue.int64("n", 2));
  }

  @Test
  void parse_snakeCase_equalsCamelCase() {
    String snake = CAMEL.replace("resourceSpans", "resource_spans").replace("scopeSpans", "scope_spans")
        .replace("traceId", "trace_id").replace("spanId", "span_id").replace("parentSpanId", "parent_span_id")
        .replace("startTimeUnixNano", "start_time_unix_nano").replace("endTimeUnixNano", "end_time_unix_nano")
        .replace("timeUnixNano", "time_unix_nano").replace("stringValue", "string_value")
        .replace("intValue", "int_value").replace("boolValue", "bool_value").replace("arrayValue", "array_value");
    ExportTraceServiceRequest a = OtlpJson.parse(CAMEL.getBytes(StandardCharsets.UTF_8));
    ExportTraceServiceRequest b = OtlpJson.parse(snake.getBytes(StandardCharsets.UTF_8));
    assertThat(b).isEqualTo(a);
  }

  @Test
  void parse_emptyObject_hasNoSpans() {
    assertThat(OtlpJson.decode("{}".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void parse_malformed_throwsIllegalArgument() {
    for (String bad : new String[] {"", "{", "[]", "{\"resourceSpans\":{}}", "{} {}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"00112233445566778899aabbccddeeXX\"}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"0011\"}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"-1\"}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":5}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"kind\":\"SIDEWAYS\"}]}]}]}"}) {
      assertThatThrownBy(() -> OtlpJson.parse(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void parse_deepNesting_rejectedNotStackOverflow() {
    StringBuilder v = new StringBuilder();
    int depth = 5000;
    for (int i = 0; i < depth; i++) {
      v.append("{\"arrayValue\":{\"values\":[");
    }
    for (int i = 0; i < depth; i++) {
      v.append("]}}");
    }
    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":" + v + "}]}}]}";
    assertThatThrownBy(() -> OtlpJson.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
