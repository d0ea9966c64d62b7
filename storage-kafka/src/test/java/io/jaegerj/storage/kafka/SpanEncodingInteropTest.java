// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.proto.api_v2.SpanRefType;
import io.jaegerj.proto.api_v2.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte-level interop with Jaeger's Kafka messages, both ways: values built directly with the generated
 * {@code jaeger.api_v2} classes (or written as JSON text by hand, as Go's jsonpb marshals them) decode to the same
 * span, and our values parse with the generated classes into exactly the fields Jaeger's ingester reads.
 */
class SpanEncodingInteropTest {
  static final long HIGH = 0x0102030405060708L;
  static final long LOW = 0x1112131415161718L;
  static final long SPAN = 0x2122232425262728L;
  static final long PARENT = 0x3132333435363738L;
  // 2024-01-02T03:04:05.123456Z
  static final long START_MICROS = 1704164645123456L;

  static byte[] bytes(long... halves) {
    ByteBuffer b = ByteBuffer.allocate(8 * halves.length);
    for (long h : halves) {
      b.putLong(h);
    }
    return b.array();
  }

  /** A message value as Jaeger's collector writes it, built without our converter. */
  static io.jaegerj.proto.api_v2.Span jaegerProto() {
    return io.jaegerj.proto.api_v2.Span.newBuilder()
        .setTraceId(ByteString.copyFrom(bytes(HIGH, LOW)))
        .setSpanId(ByteString.copyFrom(bytes(SPAN)))
        .setOperationName("GET /checkout")
        .addReferences(io.jaegerj.proto.api_v2.SpanRef.newBuilder()
            .setTraceId(ByteString.copyFrom(bytes(HIGH, LOW))).setSpanId(ByteString.copyFrom(bytes(PARENT)))
            .setRefType(SpanRefType.CHILD_OF))
        .setFlags(1)
        .setStartTime(Timestamp.newBuilder().setSeconds(1704164645L).setNanos(123456000))
        .setDuration(Duration.newBuilder().setNanos(2500000))
        .addTags(io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey("http.status_code")
            .setVType(ValueType.INT64).setVInt64(200))
        .addTags(io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey("span.kind").setVStr("server"))
        .setProcess(io.jaegerj.proto.api_v2.Process.newBuilder().setServiceName("shop")
            .addTags(io.jaegerj.proto.api_v2.KeyValue.newBuilder().setKey("hostname").setVStr("h1")))
        .build();
  }

  /** The same span in our model. */
  static Span ourSpan() {
    TraceId id = new TraceId(HIGH, LOW);
    return Span.builder()
        .traceId(id).spanId(SPAN).operationName("GET /checkout")
        .references(List.of(new SpanRef(RefType.CHILD_OF, id, PARENT)))
        .flags(1).startTimeMicros(START_MICROS).durationMicros(2500)
        .tags(List.of(KeyValue.int64("http.status_code", 200), KeyValue.string("span.kind", "server")))
        .process(new Process("shop", List.of(KeyValue.string("hostname", "h1"))))
        .build();
  }

  @Test
  void protobuf_jaegerBytesDecodeToTheSpan() {
    Span decoded = SpanEncoding.PROTOBUF.decode(jaegerProto().toByteArray());
    assertThat(decoded).isEqualTo(ourSpan());
  }

  @Test
  void protobuf_ourBytesAreJaegersBytes() throws Exception {
    byte[] ours = SpanEncoding.PROTOBUF.encode(ourSpan());
    assertThat(ours).isEqualTo(jaegerProto().toByteArray());
    io.jaegerj.proto.api_v2.Span parsed = io.jaegerj.proto.api_v2.Span.parseFrom(ours);
    assertThat(parsed.getTraceId().toByteArray()).isEqualTo(bytes(HIGH, LOW));
    assertThat(parsed.getProcess().getServiceName()).isEqualTo("shop");
    assertThat(parsed.getProcessId()).isEmpty();
  }

  /** How Go's jsonpb (Jaeger's marshaller) writes the span: camelCase, base64 IDs, int64 as strings. */
  static String jaegerJson() {
    Base64.Encoder b64 = Base64.getEncoder();
    return "{\"traceId\":\"" + b64.encodeToString(bytes(HIGH, LOW)) + "\",\"spanId\":\""
        + b64.encodeToString(bytes(SPAN)) + "\",\"operationName\":\"GET /checkout\",\"references\":[{\"traceId\":\""
        + b64.encodeToString(bytes(HIGH, LOW)) + "\",\"spanId\":\"" + b64.encodeToString(bytes(PARENT))
        + "\"}],\"flags\":1,\"startTime\":\"2024-01-02T03:04:05.123456Z\",\"duration\":\"0.002500s\","
        + "\"tags\":[{\"key\":\"http.status_code\",\"vType\":\"INT64\",\"vInt64\":\"200\"},"
        + "{\"key\":\"span.kind\",\"vStr\":\"server\"}],"
        + "\"process\":{\"serviceName\":\"shop\",\"tags\":[{\"key\":\"hostname\",\"vStr\":\"h1\"}]}}";
  }

  @Test
  void json_jaegerTextDecodesToTheSpan() {
    assertThat(SpanEncoding.JSON.decode(jaegerJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(ourSpan());
  }

  @Test
  void json_ourTextHasJaegersFields() throws Exception {
    byte[] ours = SpanEncoding.JSON.encode(ourSpan());
    JsonNode got = new ObjectMapper().readTree(ours);
    JsonNode want = new ObjectMapper().readTree(jaegerJson());
    // Go prints durations with 0, 3, 6 or 9 fractional digits, as protobuf-java does; the trees are equal
    assertThat(got).isEqualTo(want);
    // and field order and compact layout are Go's too: the text is byte for byte the same
    assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(jaegerJson());
  }

  @Test
  void json_unknownFieldsRejectedAsJaegerDoes() {
    assertThatThrownBy(() -> SpanEncoding.JSON.decode("{\"traceIdd\":\"AA==\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("json");
  }

  @Test
  void key_isLowerHexTraceId16Or32() {
    assertThat(new String(SpanEncoding.key(ourSpan()), StandardCharsets.US_ASCII))
        .isEqualTo("01020304050607081112131415161718");
    Span short64 = ourSpan().toBuilder().traceId(new TraceId(0, 0xabcL)).build();
    assertThat(new String(SpanEncoding.key(short64), StandardCharsets.US_ASCII)).isEqualTo("0000000000000abc");
  }
}
