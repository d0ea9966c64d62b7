// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegertracing.thriftjava.Batch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.junit.jupiter.api.Test;
import zipkin2.codec.SpanBytesDecoder;

class TemplateTest {
  static final Workload W = new Workload(4, 3, 7, 10, 2, 5, 10);
  static final long BASE = 1_700_000_000_000_000L;
  static final long NOW = BASE + 3_600_000_000L;

  @Test
  void instantiate_otlp_freshIdsConsistentParentsShiftedTimes() throws Exception {
    Template t = Encoders.template(Protocol.OTLP_HTTP, W, new SplittableRandom(1), BASE);
    ExportTraceServiceRequest before = ExportTraceServiceRequest.parseFrom(t.body(0));
    Template.Unit u = t.instantiate(new SplittableRandom(2), NOW);
    ExportTraceServiceRequest after = ExportTraceServiceRequest.parseFrom(u.bodies()[0]);

    List<Span> b = spans(before);
    List<Span> a = spans(after);
    assertThat(a).hasSize(W.spansPerRequest()).hasSameSizeAs(b);
    Set<String> traceIds = new HashSet<>();
    Map<String, String> spanIds = new HashMap<>();
    Map<String, Set<String>> customers = new HashMap<>();
    for (Span s : a) {
      traceIds.add(hex(s.getTraceId().toByteArray()));
      spanIds.put(hex(s.getSpanId().toByteArray()), hex(s.getTraceId().toByteArray()));
    }
    assertThat(traceIds).hasSize(W.tracesPerRequest());
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < u.traceIdHigh().length; i++) {
      expected.add(hex(ByteBuffer.allocate(16).putLong(u.traceIdHigh()[i]).putLong(u.traceIdLow()[i]).array()));
    }
    assertThat(traceIds).isEqualTo(expected);
    for (int i = 0; i < a.size(); i++) {
      Span s = a.get(i);
      Span o = b.get(i);
      assertThat(s.getTraceId()).isNotEqualTo(o.getTraceId());
      assertThat(s.getSpanId()).isNotEqualTo(o.getSpanId());
      if (!s.getParentSpanId().isEmpty()) {
        // the parent is another span of the same trace
        assertThat(spanIds.get(hex(s.getParentSpanId().toByteArray()))).isEqualTo(hex(s.getTraceId().toByteArray()));
      }
      assertThat(s.getStartTimeUnixNano() - o.getStartTimeUnixNano()).isEqualTo((NOW - BASE) * 1000);
      assertThat(s.getEndTimeUnixNano() - o.getEndTimeUnixNano()).isEqualTo((NOW - BASE) * 1000);
      assertThat(s.getEvents(0).getTimeUnixNano() - o.getEvents(0).getTimeUnixNano()).isEqualTo((NOW - BASE) * 1000);
      assertThat(s.getAttributesList().subList(1, s.getAttributesCount()))
          .isEqualTo(o.getAttributesList().subList(1, o.getAttributesCount()));
      assertThat(s.getAttributes(0).getKey()).isEqualTo(Workload.SEARCH_TAG);
      assertThat(s.getAttributes(0).getValue().getStringValue()).matches("customer-[0-9]");
      customers.computeIfAbsent(hex(s.getTraceId().toByteArray()), k -> new HashSet<>())
          .add(s.getAttributes(0).getValue().getStringValue());
    }
    // one customer per trace, drawn afresh per request
    assertThat(customers.values()).allSatisfy(c -> assertThat(c).hasSize(1));
  }

  @Test
  void instantiate_zipkinJson_decodesWithShiftedTimesAndNewIds() {
    Template t = Encoders.template(Protocol.ZIPKIN_JSON, W, new SplittableRandom(3), BASE);
    List<zipkin2.Span> before = SpanBytesDecoder.JSON_V2.decodeList(t.body(0));
    Template.Unit u = t.instantiate(new SplittableRandom(4), NOW);
    List<zipkin2.Span> after = SpanBytesDecoder.JSON_V2.decodeList(u.bodies()[0]);
    assertThat(after).hasSize(W.spansPerRequest());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < after.size(); i++) {
      zipkin2.Span s = after.get(i);
      zipkin2.Span o = before.get(i);
      assertThat(s.traceId()).hasSize(32).isNotEqualTo(o.traceId());
      assertThat(s.timestampAsLong() - o.timestampAsLong()).isEqualTo(NOW - BASE);
      assertThat(s.annotations().get(0).timestamp() - o.annotations().get(0).timestamp()).isEqualTo(NOW - BASE);
      assertThat(s.durationAsLong()).isEqualTo(o.durationAsLong());
      assertThat(s.tags()).hasSameSizeAs(o.tags()).containsEntry("http.url", o.tags().get("http.url"));
      ids.add(s.id());
    }
    for (zipkin2.Span s : after) {
      if (s.parentId() != null) {
        assertThat(ids).contains(s.parentId());
      }
    }
  }

  @Test
  void instantiate_jaegerThrift_oneBatchPerServiceWithShiftedTimes() throws Exception {
    Template t = Encoders.template(Protocol.JAEGER_THRIFT_HTTP, W, new SplittableRandom(5), BASE);
    Template.Unit u = t.instantiate(new SplittableRandom(6), NOW);
    assertThat(u.spans()).isEqualTo(W.spansPerRequest());
    int total = 0;
    Set<String> services = new HashSet<>();
    for (int i = 0; i < u.bodies().length; i++) {
      Batch before = new Batch();
      new TDeserializer(new TBinaryProtocol.Factory()).deserialize(before, t.body(i));
      Batch after = new Batch();
      new TDeserializer(new TBinaryProtocol.Factory()).deserialize(after, u.bodies()[i]);
      assertThat(after.getSpans()).hasSize(u.spansPerBody()[i]);
      services.add(after.getProcess().getServiceName());
      for (int k = 0; k < after.getSpans().size(); k++) {
        var s = after.getSpans().get(k);
        var o = before.getSpans().get(k);
        assertThat(s.getStartTime() - o.getStartTime()).isEqualTo(NOW - BASE);
        assertThat(s.getLogs().get(0).getTimestamp() - o.getLogs().get(0).getTimestamp()).isEqualTo(NOW - BASE);
        assertThat(s.getSpanId()).isNotEqualTo(o.getSpanId());
        assertThat(s.getTraceIdHigh()).isNotEqualTo(o.getTraceIdHigh());
      }
      total += after.getSpans().size();
    }
    assertThat(total).isEqualTo(W.spansPerRequest());
    assertThat(services).hasSize(u.bodies().length);
  }

  @Test
  void instantiate_twice_givesDifferentIds() {
    Template t = Encoders.template(Protocol.OTLP_GRPC, W, new SplittableRandom(7), BASE);
    SplittableRandom rnd = new SplittableRandom(8);
    Template.Unit a = t.instantiate(rnd, NOW);
    Template.Unit b = t.instantiate(rnd, NOW);
    assertThat(a.traceIdLow()).doesNotContain(b.traceIdLow());
    assertThat(a.bodies()[0]).isNotEqualTo(b.bodies()[0]).hasSameSizeAs(b.bodies()[0]);
  }

  private static List<Span> spans(ExportTraceServiceRequest r) {
    List<Span> out = new ArrayList<>();
    for (ResourceSpans rs : r.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        out.addAll(ss.getSpansList());
      }
    }
    return out;
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }
}
