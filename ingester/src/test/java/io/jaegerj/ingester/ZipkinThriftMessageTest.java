// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.time.Clock;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

/**
 * {@code --kafka.consumer.encoding=zipkin-thrift} against messages built by Zipkin's own library
 * ({@code zipkin2.codec.SpanBytesEncoder.THRIFT}, the {@code list<Span>} Zipkin's Kafka reporters send), not by our
 * code: the ingester keeps the first span of the list and converts it as Jaeger's Zipkin converter does.
 */
class ZipkinThriftMessageTest {
  static final MessageDecoder DECODER = new MessageDecoder("zipkin-thrift", Clock.systemUTC());

  static zipkin2.Span span(String id, String parent, String name) {
    return zipkin2.Span.newBuilder().traceId("463ac35c9f6413ad48485a3953bb6124").id(id).parentId(parent)
        .name(name).kind(zipkin2.Span.Kind.CLIENT).timestamp(1_700_000_000_000_000L).duration(2_500L)
        .localEndpoint(Endpoint.newBuilder().serviceName("frontend").ip("10.1.2.3").port(8080).build())
        .remoteEndpoint(Endpoint.newBuilder().serviceName("backend").build())
        .putTag("http.method", "GET").putTag("http.path", "/api").build();
  }

  @Test
  void zipkinLibraryThriftList_firstSpanConverted() {
    byte[] message = SpanBytesEncoder.THRIFT.encodeList(List.of(
        span("000000000000000a", "0000000000000001", "get /api"),
        span("000000000000000b", "0000000000000001", "second")));
    Span s = DECODER.decode(message);
    assertThat(s.traceId()).isEqualTo(TraceId.parse("463ac35c9f6413ad48485a3953bb6124"));
    assertThat(s.spanId()).isEqualTo(0xaL);
    assertThat(s.parentSpanId()).isEqualTo(1L);
    assertThat(s.operationName()).isEqualTo("get /api");
    assertThat(s.process().serviceName()).isEqualTo("frontend");
    assertThat(s.startTimeMicros()).isEqualTo(1_700_000_000_000_000L);
    assertThat(s.durationMicros()).isEqualTo(2_500L);
    assertThat(s.tags()).extracting(KeyValue::key, KeyValue::asString)
        .contains(Tuple.tuple("http.method", "GET"),
            Tuple.tuple("http.path", "/api"),
            Tuple.tuple("span.kind", "client"));
  }

  @Test
  void singleSpanWithoutDuration_getsOneMicrosecondAndTheWarningTag() {
    zipkin2.Span noDuration = zipkin2.Span.newBuilder().traceId("1").id("2").name("op")
        .localEndpoint(Endpoint.newBuilder().serviceName("svc").build()).timestamp(1_700_000_000_000_000L).build();
    Span s = DECODER.decode(SpanBytesEncoder.THRIFT.encodeList(List.of(noDuration)));
    assertThat(s.traceId()).isEqualTo(TraceId.parse("1"));
    assertThat(s.durationMicros()).isEqualTo(1L);
    assertThat(s.tags()).extracting(KeyValue::key).contains(MessageDecoder.NEGATIVE_DURATION_TAG);
  }

  @Test
  void emptyListAndGarbage_areRefusedWithAClearError() {
    byte[] empty = SpanBytesEncoder.THRIFT.encodeList(List.of());
    assertThatThrownBy(() -> DECODER.decode(empty)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zipkin-thrift");
    assertThatThrownBy(() -> DECODER.decode(new byte[] {0x0c, 0x7f, 0x7f, 0x7f, 0x7f}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zipkin-thrift");
  }
}
