// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TestTraces;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UiJsonReaderTest {

  @Test
  void readTraces_richTraceCompact_roundTripsExactly() throws IOException {
    Trace rich = TestTraces.rich();
    List<Trace> back = UiJsonReader.readTraces(UiJsonWriterTest.trace(rich, false));
    assertThat(back).containsExactly(rich);
  }

  @Test
  void readTraces_envelopePretty_roundTripsEveryTrace() throws IOException {
    List<Trace> traces = List.of(TestTraces.rich(), TestTraces.simple64(), Trace.of(List.of()),
        TestTraces.many(50, 12));
    String json = UiJsonWriterTest.envelope(traces, true);
    assertThat(UiJsonReader.readTraces(json)).isEqualTo(traces);
    assertThat(UiJsonReader.readTraces(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(traces);
  }

  @Test
  void readTraces_specExample_parsesEveryField() throws IOException {
    List<Trace> traces = UiJsonReader.readTraces(UiJsonWriterTest.SPEC_EXAMPLE);
    assertThat(traces).containsExactly(UiJsonWriterTest.specExampleTrace());
    Span span = traces.get(0).spans().get(0);
    assertThat(span.process().tags()).containsExactly(KeyValue.string("ip", "10.0.0.7"));
    assertThat(span.references()).containsExactly(SpanRef.childOf(TraceId.parse("5af7183fb1d4cf5f"), 1));
  }

  @Test
  void readTraces_arrayOfTraces_accepted() throws IOException {
    String json = "[" + UiJsonWriterTest.trace(TestTraces.simple64(), false) + "]";
    assertThat(UiJsonReader.readTraces(json)).containsExactly(TestTraces.simple64());
  }

  @Test
  void readTraces_processesBeforeSpansAndLooseValues_resolved() throws IOException {
    String json = "{\"processes\":{\"p9\":{\"serviceName\":\"s\",\"tags\":null}},\"warnings\":null,"
        + "\"spans\":[{\"spanID\":\"1\",\"traceID\":\"ABC\",\"parentSpanID\":\"0000000000000007\",\"processID\":\"p9\","
        + "\"startTime\":\"12\",\"duration\":3,\"unknown\":{\"a\":[1,2]},\"tags\":[{\"value\":\"9223372036854775807\","
        + "\"type\":\"int64\",\"key\":\"big\"},{\"key\":\"inferred\",\"value\":1.5},{\"key\":\"i\",\"value\":7},"
        + "{\"key\":\"b\",\"type\":\"bool\",\"value\":\"true\"},{\"key\":\"u\",\"type\":\"binary\",\"value\":\"-_8\"},"
        + "{\"key\":\"n\",\"type\":\"float64\",\"value\":\"-Infinity\"}],\"logs\":null,\"references\":null}]}";
    Trace t = UiJsonReader.readTraces(json).get(0);
    Span s = t.spans().get(0);
    assertThat(s.traceId()).isEqualTo(new TraceId(0, 0xabc));
    assertThat(s.process()).isEqualTo(Process.of("s"));
    assertThat(s.startTimeMicros()).isEqualTo(12);
    assertThat(s.references()).containsExactly(new SpanRef(RefType.CHILD_OF, new TraceId(0, 0xabc), 7));
    assertThat(s.tags()).containsExactly(
        KeyValue.int64("big", Long.MAX_VALUE),
        KeyValue.float64("inferred", 1.5),
        KeyValue.int64("i", 7),
        KeyValue.bool("b", true),
        KeyValue.binary("u", new byte[] {(byte) 0xfb, (byte) 0xff}),
        KeyValue.float64("n", Double.NEGATIVE_INFINITY));
    assertThat(s.tags().get(1).type()).isEqualTo(ValueType.FLOAT64);
  }

  @Test
  void readTraces_embeddedProcess_usedWithoutProcessId() throws IOException {
    String json = "{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"2\",\"process\":{\"serviceName\":\"emb\"}}]}";
    assertThat(UiJsonReader.readTraces(json).get(0).spans().get(0).process()).isEqualTo(Process.of("emb"));
  }

  @Test
  void readTraces_unknownProcessId_rejectedWithSpanAndKey() {
    String json = "{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"2\",\"processID\":\"p2\"}],"
        + "\"processes\":{\"p1\":{\"serviceName\":\"a\",\"tags\":[]}}}";
    assertThatThrownBy(() -> UiJsonReader.readTraces(json))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("span 0000000000000002: processID \"p2\" not found in processes");
  }

  @Test
  void readTraces_badIds_rejectedWithParseText() {
    assertThatThrownBy(() -> UiJsonReader.readTraces("{\"spans\":[{\"traceID\":\"xyz\",\"spanID\":\"1\"}]}"))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("invalid traceID: strconv.ParseUint: parsing \"xyz\": invalid syntax");
    assertThatThrownBy(() -> UiJsonReader.readTraces("{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"12345678901234567\"}]}"))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("invalid spanID");
  }

  @Test
  void readTraces_badValues_rejected() {
    assertThatThrownBy(() -> UiJsonReader.readTraces(
        "{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"1\",\"tags\":[{\"key\":\"k\",\"type\":\"int64\",\"value\":\"x\"}]}]}"))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("tag \"k\" of type int64: invalid value x");
    assertThatThrownBy(() -> UiJsonReader.readTraces(
        "{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"1\",\"tags\":[{\"key\":\"k\",\"type\":\"float64\",\"value\":\"0x1p3\"}]}]}"))
        .isInstanceOf(JsonParseException.class);
    assertThatThrownBy(() -> UiJsonReader.readTraces(
        "{\"spans\":[{\"traceID\":\"1\",\"spanID\":\"1\",\"references\":[{\"refType\":\"PARENT\"}]}]}"))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("unknown refType \"PARENT\"");
    assertThatThrownBy(() -> UiJsonReader.readTraces("\"text\""))
        .isInstanceOf(JsonParseException.class);
    assertThatThrownBy(() -> UiJsonReader.readTraces("{} {}"))
        .isInstanceOf(JsonParseException.class)
        .hasMessageContaining("unexpected content");
  }

  @Test
  void readTraces_nullData_isEmpty() throws IOException {
    assertThat(UiJsonReader.readTraces("{\"data\":null,\"total\":0,\"errors\":[{\"msg\":\"x\"}]}")).isEmpty();
  }
}
