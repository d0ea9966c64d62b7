// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UiJsonWriterTest {

  /** The example of query.md §2.4, written inside the query API's envelope. */
  static final String SPEC_EXAMPLE = "{\"data\":[{\"traceID\":\"5af7183fb1d4cf5f\",\"spans\":[{\"traceID\":"
      + "\"5af7183fb1d4cf5f\",\"spanID\":\"0000000000000002\",\"operationName\":\"GET /api\",\"references\":"
      + "[{\"refType\":\"CHILD_OF\",\"traceID\":\"5af7183fb1d4cf5f\",\"spanID\":\"0000000000000001\"}],"
      + "\"startTime\":1700000000000123,\"duration\":5400,\"tags\":[{\"key\":\"error\",\"type\":\"bool\","
      + "\"value\":true},{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"server\"}],\"logs\":"
      + "[{\"timestamp\":1700000000001000,\"fields\":[{\"key\":\"event\",\"type\":\"string\",\"value\":"
      + "\"retry\"}]}],\"processID\":\"p1\",\"warnings\":null}],\"processes\":{\"p1\":{\"serviceName\":\"api\","
      + "\"tags\":[{\"key\":\"ip\",\"type\":\"string\",\"value\":\"10.0.0.7\"}]}},\"warnings\":null}],"
      + "\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}";

  static Trace specExampleTrace() {
    TraceId id = TraceId.parse("5af7183fb1d4cf5f");
    Span span = Span.builder()
        .traceId(id)
        .spanId(2)
        .operationName("GET /api")
        .addReference(SpanRef.childOf(id, 1))
        .startTimeMicros(1700000000000123L)
        .durationMicros(5400)
        .addTag(KeyValue.bool("error", true))
        .addTag(KeyValue.string("span.kind", "server"))
        .addLog(new Log(1700000000001000L, List.of(KeyValue.string("event", "retry"))))
        .process(Process.of("api", KeyValue.string("ip", "10.0.0.7")))
        .build();
    return Trace.of(List.of(span));
  }

  static String envelope(List<Trace> traces, boolean pretty) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = UiJsonWriter.newGenerator(out, pretty)) {
      gen.writeStartObject();
      gen.writeFieldName("data");
      UiJsonWriter.writeTraces(gen, traces);
      gen.writeNumberField("total", 0);
      gen.writeNumberField("limit", 0);
      gen.writeNumberField("offset", 0);
      gen.writeNullField("errors");
      gen.writeEndObject();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String trace(Trace trace, boolean pretty) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = UiJsonWriter.newGenerator(out, pretty)) {
      UiJsonWriter.writeTrace(gen, trace);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writeTraces_specExample_matchesByteForByte() throws IOException {
    assertThat(envelope(List.of(specExampleTrace()), false)).isEqualTo(SPEC_EXAMPLE);
  }

  @Test
  void writeTraces_specExamplePretty_matchesGoMarshalIndent() throws IOException {
    assertThat(envelope(List.of(specExampleTrace()), true)).isEqualTo(resource("spec-example-pretty.json"));
  }

  @Test
  void writeTrace_prettyEmptyContainers_writtenInline() throws IOException {
    Span span = Span.builder().traceId(new TraceId(0, 1)).spanId(1).flags(1).operationName("op")
        .startTimeMicros(1).durationMicros(2).addLog(new Log(3, List.of())).addWarning("w <1>")
        .process(Process.of("s")).build();
    assertThat(trace(Trace.of(List.of(span)), true)).isEqualTo(resource("empty-containers-pretty.json"));
  }

  @Test
  void writeTraces_emptyListPretty_isEmptyArray() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = UiJsonWriter.newGenerator(out, true)) {
      UiJsonWriter.writeTraces(gen, List.of());
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[]");
  }

  @Test
  void writeTrace_supplementaryCharacters_writtenAsFourByteUtf8() throws IOException {
    Span span = Span.builder().traceId(new TraceId(0, 1)).spanId(1).operationName("a😀b").build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = UiJsonWriter.newGenerator(out, false)) {
      UiJsonWriter.writeTrace(gen, Trace.of(List.of(span)));
    }
    byte[] expected = "\"operationName\":\"a😀b\"".getBytes(StandardCharsets.UTF_8);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"operationName\":\"a😀b\"").doesNotContain("\\ud83d");
    assertThat(indexOf(out.toByteArray(), expected)).isPositive();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static String resource(String name) throws IOException {
    try (InputStream in = UiJsonWriterTest.class.getResourceAsStream("/ui-json/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void writeTrace_emptyTrace_hasEmptyIdAndContainers() throws IOException {
    assertThat(trace(Trace.of(List.of()), false))
        .isEqualTo("{\"traceID\":\"\",\"spans\":[],\"processes\":{},\"warnings\":null}");
  }

  @Test
  void writeTrace_flagsAndWarnings_areWrittenWhenPresent() throws IOException {
    Span span = Span.builder().traceId(new TraceId(1, 2)).spanId(-1).flags(0x80000001).startTimeMicros(1)
        .addWarning("w1").build();
    String json = trace(new Trace(List.of(span), List.of("tw")), false);
    assertThat(json).isEqualTo("{\"traceID\":\"00000000000000010000000000000002\",\"spans\":[{\"traceID\":"
        + "\"00000000000000010000000000000002\",\"spanID\":\"ffffffffffffffff\",\"flags\":2147483649,"
        + "\"operationName\":\"\",\"references\":[],\"startTime\":1,\"duration\":0,\"tags\":[],\"logs\":[],"
        + "\"processID\":\"p1\",\"warnings\":[\"w1\"]}],\"processes\":{\"p1\":{\"serviceName\":\"\",\"tags\":[]}},"
        + "\"warnings\":[\"tw\"]}");
  }

  @Test
  void writeTrace_valueTypes_followGoEncoding() throws IOException {
    Span span = Span.builder().traceId(new TraceId(0, 1)).spanId(1)
        .addTag(KeyValue.int64("safe", (1L << 53) - 1))
        .addTag(KeyValue.int64("negSafe", -((1L << 53) - 1)))
        .addTag(KeyValue.int64("big", 1L << 53))
        .addTag(KeyValue.int64("min", Long.MIN_VALUE))
        .addTag(KeyValue.float64("f", 0.1))
        .addTag(KeyValue.float64("big", 1e21))
        .addTag(KeyValue.float64("small", 1e-7))
        .addTag(KeyValue.float64("negZero", -0.0))
        .addTag(KeyValue.float64("nan", Double.NaN))
        .addTag(KeyValue.float64("inf", Double.POSITIVE_INFINITY))
        .addTag(KeyValue.float64("ninf", Double.NEGATIVE_INFINITY))
        .addTag(KeyValue.binary("bin", new byte[] {(byte) 0xfb, (byte) 0xff, 0x01, 0x02}))
        .build();
    String json = trace(Trace.of(List.of(span)), false);
    assertThat(json).contains(
        "{\"key\":\"safe\",\"type\":\"int64\",\"value\":9007199254740991}",
        "{\"key\":\"negSafe\",\"type\":\"int64\",\"value\":-9007199254740991}",
        "{\"key\":\"big\",\"type\":\"int64\",\"value\":\"9007199254740992\"}",
        "{\"key\":\"min\",\"type\":\"int64\",\"value\":\"-9223372036854775808\"}",
        "{\"key\":\"f\",\"type\":\"float64\",\"value\":0.1}",
        "{\"key\":\"big\",\"type\":\"float64\",\"value\":1e+21}",
        "{\"key\":\"small\",\"type\":\"float64\",\"value\":1e-7}",
        "{\"key\":\"negZero\",\"type\":\"float64\",\"value\":-0}",
        "{\"key\":\"nan\",\"type\":\"float64\",\"value\":\"NaN\"}",
        "{\"key\":\"inf\",\"type\":\"float64\",\"value\":\"Infinity\"}",
        "{\"key\":\"ninf\",\"type\":\"float64\",\"value\":\"-Infinity\"}",
        "{\"key\":\"bin\",\"type\":\"binary\",\"value\":\"+/8BAg==\"}");
  }

  @Test
  void writeTrace_strings_escapedLikeGo() throws IOException {
    String raw = "<a href=\"x\">&</a>\u2028\u2029\\\b\f\n\r\t\u0001\u001f\u007f é 😀 \ud800x \udc00";
    Span span = Span.builder().traceId(new TraceId(0, 1)).spanId(1).operationName(raw).build();
    String json = trace(Trace.of(List.of(span)), false);
    assertThat(json).contains("\"operationName\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e"
        + "\\u2028\\u2029\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\u007f é 😀 \uFFFDx \uFFFD\"");
    byte[] bytes = trace(Trace.of(List.of(span)), false).getBytes(StandardCharsets.UTF_8);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("😀");
  }

  @Test
  void writeTrace_processes_dedupedByValueAndSortedLexicographically() throws IOException {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      spans.add(Span.builder().traceId(new TraceId(0, 1)).spanId(i + 1)
          .process(Process.of("svc" + i, KeyValue.int64("n", i))).build());
    }
    // an equal but distinct instance of the first process shares p1
    spans.add(Span.builder().traceId(new TraceId(0, 1)).spanId(99)
        .process(Process.of("svc0", KeyValue.int64("n", 0))).build());
    String json = trace(Trace.of(spans), false);
    assertThat(json).contains("\"spanID\":\"0000000000000063\"", "\"processID\":\"p11\"");
    int p1 = json.indexOf("\"p1\":");
    int p10 = json.indexOf("\"p10\":");
    int p11 = json.indexOf("\"p11\":");
    int p2 = json.indexOf("\"p2\":");
    assertThat(p1).isLessThan(p10);
    assertThat(p10).isLessThan(p11);
    assertThat(p11).isLessThan(p2);
    assertThat(json.substring(json.indexOf("0000000000000063"))).contains("\"processID\":\"p1\"");
    assertThat(json).doesNotContain("\"p12\"");
  }
}
