// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es.dbmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpanDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Span richSpan() {
    TraceId trace = new TraceId(0, 0x6a1c0e2f5d3b4a19L);
    return Span.builder()
        .traceId(trace)
        .spanId(0x0b7e5f1c2d3a4e5fL)
        .operationName("GET /cart")
        .addReference(SpanRef.childOf(trace, 0xa1))
        .addReference(SpanRef.followsFrom(new TraceId(1, 2), 3))
        .flags(1)
        .startTimeMicros(1741340000123456L)
        .durationMicros(2500)
        .addTag(KeyValue.int64("http.status_code", 200))
        .addTag(KeyValue.string("span.kind", "server"))
        .addTag(KeyValue.bool("error", true))
        .addTag(KeyValue.float64("ratio", 1.0))
        .addTag(KeyValue.float64("share", 0.125))
        .addTag(KeyValue.binary("blob", new byte[] {1, (byte) 0xab}))
        .addLog(new Log(1741340000124000L, List.of(KeyValue.string("event", "retry"))))
        .addLog(new Log(1741340000125000L, List.of()))
        .process(new Process("cart", List.of(KeyValue.string("ip", "10.0.0.7"), KeyValue.int64("pid", 7))))
        .build();
  }

  @Test
  void write_producesJaegersDocument() {
    String doc = new String(SpanDocuments.write(richSpan(), TagsAsFields.NONE), StandardCharsets.UTF_8);

    assertThat(doc).isEqualTo("{\"traceID\":\"6a1c0e2f5d3b4a19\",\"spanID\":\"0b7e5f1c2d3a4e5f\",\"flags\":1,"
        + "\"operationName\":\"GET /cart\",\"references\":["
        + "{\"refType\":\"CHILD_OF\",\"traceID\":\"6a1c0e2f5d3b4a19\",\"spanID\":\"00000000000000a1\"},"
        + "{\"refType\":\"FOLLOWS_FROM\",\"traceID\":\"00000000000000010000000000000002\","
        + "\"spanID\":\"0000000000000003\"}],"
        + "\"startTime\":1741340000123456,\"startTimeMillis\":1741340000123,\"duration\":2500,"
        + "\"tags\":[{\"key\":\"http.status_code\",\"type\":\"int64\",\"value\":200},"
        + "{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"server\"},"
        + "{\"key\":\"error\",\"type\":\"bool\",\"value\":true},"
        + "{\"key\":\"ratio\",\"type\":\"float64\",\"value\":1},"
        + "{\"key\":\"share\",\"type\":\"float64\",\"value\":0.125},"
        + "{\"key\":\"blob\",\"type\":\"binary\",\"value\":\"01ab\"}],"
        + "\"logs\":[{\"timestamp\":1741340000124000,\"fields\":[{\"key\":\"event\",\"type\":\"string\","
        + "\"value\":\"retry\"}]},{\"timestamp\":1741340000125000,\"fields\":null}],"
        + "\"process\":{\"serviceName\":\"cart\",\"tags\":[{\"key\":\"ip\",\"type\":\"string\",\"value\":\"10.0.0.7\"},"
        + "{\"key\":\"pid\",\"type\":\"int64\",\"value\":7}]}}");
  }

  @Test
  void write_zeroFlags_omitsField() {
    Span s = richSpan().toBuilder().flags(0).build();
    assertThat(new String(SpanDocuments.write(s, TagsAsFields.NONE), StandardCharsets.UTF_8)).doesNotContain("flags");
  }

  @Test
  void read_ofWrite_roundTrips() throws Exception {
    Span span = richSpan();
    JsonNode doc = JSON.readTree(SpanDocuments.write(span, TagsAsFields.NONE));

    assertThat(SpanDocuments.read(doc, "@")).isEqualTo(span);
  }

  @Test
  void write_tagsAsFields_elevatesNonBinaryTagsWithDotReplacement() throws Exception {
    TagsAsFields taf = new TagsAsFields(false, Set.of("span.kind", "blob", "ip"), "@");
    JsonNode doc = JSON.readTree(SpanDocuments.write(richSpan(), taf));

    assertThat(doc.path("tag").toString()).isEqualTo("{\"span@kind\":\"server\"}");
    assertThat(doc.path("process").path("tag").toString()).isEqualTo("{\"ip\":\"10.0.0.7\"}");
    assertThat(doc.path("tags").toString()).contains("\"blob\"").doesNotContain("span.kind");
    Span back = SpanDocuments.read(doc, "@");
    assertThat(back.tags()).contains(KeyValue.string("span.kind", "server"));
    assertThat(back.tags().get(back.tags().size() - 1)).isEqualTo(KeyValue.string("span.kind", "server"));
    assertThat(back.process().tags()).containsExactlyInAnyOrder(KeyValue.string("ip", "10.0.0.7"),
        KeyValue.int64("pid", 7));
  }

  @Test
  void write_tagsAsFieldsAll_typesInferredOnRead() throws Exception {
    TagsAsFields all = new TagsAsFields(true, Set.of(), "#");
    JsonNode doc = JSON.readTree(SpanDocuments.write(richSpan(), all));

    assertThat(doc.path("tag").path("http#status_code").isIntegralNumber()).isTrue();
    assertThat(doc.path("tags").size()).isEqualTo(1);
    Span back = SpanDocuments.read(doc, "#");
    assertThat(back.tags()).contains(KeyValue.int64("http.status_code", 200), KeyValue.bool("error", true),
        KeyValue.float64("share", 0.125), KeyValue.binary("blob", new byte[] {1, (byte) 0xab}),
        // Go writes 1.0 as 1, so an integral float elevated to a field comes back as int64, as in Jaeger
        KeyValue.int64("ratio", 1));
  }

  /** A document as Jaeger before v1.69 wrote it: every value a string; plus a legacy parentSpanID. */
  @Test
  void read_jaegerPre169StringValues_andParentSpanId() throws Exception {
    String legacy = "{\"traceID\":\"00000000000000010000000000000002\",\"spanID\":\"0000000000000003\","
        + "\"parentSpanID\":\"0000000000000009\",\"operationName\":\"op\",\"references\":[],"
        + "\"startTime\":1000000,\"startTimeMillis\":1000,\"duration\":5,"
        + "\"tags\":[{\"key\":\"i\",\"type\":\"int64\",\"value\":\"-42\"},"
        + "{\"key\":\"b\",\"type\":\"bool\",\"value\":\"true\"},"
        + "{\"key\":\"f\",\"type\":\"float64\",\"value\":\"72.5\"},"
        + "{\"key\":\"x\",\"type\":\"binary\",\"value\":\"00ff\"}],"
        + "\"logs\":[{\"timestamp\":1000001,\"fields\":null}],"
        + "\"process\":{\"serviceName\":\"svc\",\"tags\":null},"
        + "\"tag\":{\"http@method\":\"GET\",\"n\":1.5}}";

    Span s = SpanDocuments.read(JSON.readTree(legacy), "@");

    assertThat(s.traceId()).isEqualTo(new TraceId(1, 2));
    assertThat(s.references()).containsExactly(SpanRef.childOf(new TraceId(1, 2), 9));
    assertThat(s.tags()).containsExactly(KeyValue.int64("i", -42), KeyValue.bool("b", true),
        KeyValue.float64("f", 72.5), KeyValue.binary("x", new byte[] {0, (byte) 0xff}),
        KeyValue.string("http.method", "GET"), KeyValue.float64("n", 1.5));
    assertThat(s.logs()).containsExactly(new Log(1000001, List.of()));
    assertThat(s.process()).isEqualTo(new Process("svc", List.of()));
    assertThat(s.flags()).isZero();
  }

  @Test
  void read_parentSpanIdAlreadyReferenced_isNotDuplicated() throws Exception {
    String doc = "{\"traceID\":\"0000000000000002\",\"spanID\":\"0000000000000003\",\"parentSpanID\":\"0000000000000009\","
        + "\"operationName\":\"op\",\"references\":[{\"refType\":\"CHILD_OF\",\"traceID\":\"0000000000000002\","
        + "\"spanID\":\"0000000000000009\"}],\"startTime\":1,\"startTimeMillis\":0,\"duration\":1,"
        + "\"tags\":[],\"logs\":[],\"process\":{\"serviceName\":\"s\",\"tags\":[]}}";
    assertThat(SpanDocuments.read(JSON.readTree(doc), "@").references()).hasSize(1);
  }

  @Test
  void read_invalidValues_areRejected() {
    assertThatThrownBy(() -> SpanDocuments.readKeyValue(JSON.readTree("{\"key\":\"k\",\"type\":\"int64\",\"value\":null}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanDocuments.readKeyValue(JSON.readTree("{\"key\":\"k\",\"type\":\"int64\",\"value\":1.5}")))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> SpanDocuments.readKeyValue(JSON.readTree("{\"key\":\"k\",\"type\":\"bool\",\"value\":1}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpanDocuments.readKeyValue(JSON.readTree("{\"key\":\"k\",\"type\":\"blob\",\"value\":\"\"}")))
        .isInstanceOf(IllegalArgumentException.class);
    String badRef = "{\"traceID\":\"02\",\"spanID\":\"03\",\"operationName\":\"op\",\"references\":"
        + "[{\"refType\":\"PARENT\",\"traceID\":\"02\",\"spanID\":\"09\"}],\"process\":{\"serviceName\":\"s\"}}";
    assertThatThrownBy(() -> SpanDocuments.read(JSON.readTree(badRef), "@"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PARENT");
  }

  @Test
  void readKeyValue_int64WrittenWithExponent_isAcceptedWhenExact() throws Exception {
    assertThat(SpanDocuments.readKeyValue(JSON.readTree("{\"key\":\"k\",\"type\":\"int64\",\"value\":1e3}")))
        .isEqualTo(KeyValue.int64("k", 1000));
  }

  @Test
  void write_nonFiniteFloat_fallsBackToStringAndReadsBack() throws Exception {
    Span s = richSpan().toBuilder().tags(List.of(KeyValue.float64("nan", Double.NaN),
        KeyValue.float64("inf", Double.POSITIVE_INFINITY))).build();
    Span back = SpanDocuments.read(JSON.readTree(SpanDocuments.write(s, TagsAsFields.NONE)), "@");
    assertThat(back.tags()).isEqualTo(s.tags());
  }

  @Test
  void write_withAReusedScratchBuffer_givesExactlyTheDocumentOfEachSpan() {
    Span big = richSpan();
    Span small = Span.builder().traceId(new TraceId(0, 5)).spanId(6).operationName("x").startTimeMicros(1)
        .process(new Process("s", List.of())).build();
    ByteArrayOutputStream scratch = new ByteArrayOutputStream(16);
    byte[] first = SpanDocuments.write(big, TagsAsFields.NONE, scratch);
    byte[] second = SpanDocuments.write(small, TagsAsFields.NONE, scratch);
    byte[] third = SpanDocuments.write(big, TagsAsFields.NONE, scratch);

    assertThat(first).isEqualTo(SpanDocuments.write(big, TagsAsFields.NONE));
    assertThat(second).isEqualTo(SpanDocuments.write(small, TagsAsFields.NONE));
    assertThat(second.length).isLessThan(first.length);
    assertThat(third).isEqualTo(first).isNotSameAs(first);
  }
}
