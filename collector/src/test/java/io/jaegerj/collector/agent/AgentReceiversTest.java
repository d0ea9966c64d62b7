// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.twitter.zipkin.thriftjava.Annotation;
import com.twitter.zipkin.thriftjava.AnnotationType;
import com.twitter.zipkin.thriftjava.BinaryAnnotation;
import com.twitter.zipkin.thriftjava.Endpoint;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.collector.thrift.JaegerThriftDecoder;
import io.jaegerj.collector.thrift.ThriftProtocol;
import io.jaegerj.collector.zipkin.TestCollector;
import io.jaegerj.config.Flag;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.ValueType;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegertracing.agent.thrift.Agent;
import io.jaegertracing.internal.JaegerSpan;
import io.jaegertracing.internal.JaegerTracer;
import io.jaegertracing.internal.LogData;
import io.jaegertracing.internal.reporters.CompositeReporter;
import io.jaegertracing.internal.reporters.InMemoryReporter;
import io.jaegertracing.internal.reporters.RemoteReporter;
import io.jaegertracing.internal.samplers.ConstSampler;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.jaegertracing.thriftjava.Batch;
import io.jaegertracing.thriftjava.Process;
import io.jaegertracing.thriftjava.Tag;
import io.jaegertracing.thriftjava.TagType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentReceiversTest {
  private TestCollector collector;
  private List<UdpReceiver> receivers;
  private final Map<String, Integer> ports = new HashMap<>();

  @BeforeEach
  void start() {
    Map<String, String> overrides = new HashMap<>();
    for (AgentReceivers.Processor p : AgentReceivers.PROCESSORS) {
      overrides.put(p.prefix() + AgentReceivers.HOST_PORT, "127.0.0.1:0");
      overrides.put(p.prefix() + AgentReceivers.WORKERS, "2");
    }
    overrides.put("processor.jaeger-binary." + AgentReceivers.MAX_PACKET_SIZE, "4096");
    collector = new TestCollector(AgentReceivers.flags(), overrides);
    receivers = AgentReceivers.startAll(collector.context, collector, Tenancy.disabled());
    for (UdpReceiver r : receivers) {
      ports.put(r.name(), r.port());
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (UdpReceiver r : receivers) {
      r.close();
    }
    collector.close();
  }

  @Test
  void jaegerClientUdpSender_compactTo6831_storedFieldByField() throws Exception {
    InMemoryReporter memory = new InMemoryReporter();
    UdpSender sender = new UdpSender("127.0.0.1", ports.get("jaeger-compact"), 65000);
    JaegerTracer tracer = new JaegerTracer.Builder("udp-service")
        .withReporter(new CompositeReporter(new RemoteReporter.Builder().withSender(sender).build(), memory))
        .withSampler(new ConstSampler(true))
        .withTraceId128Bit()
        .withTag("deployment", "test")
        .build();
    JaegerSpan parent = tracer.buildSpan("parent-op").withTag("str", "v").withTag("num", 42)
        .withTag("flag", true).withTag("ratio", 0.25).start();
    JaegerSpan child = tracer.buildSpan("child-op").asChildOf(parent).start();
    child.log(Map.of("event", "retry", "attempt", 2));
    child.finish();
    parent.finish();
    tracer.close();

    TestCollector.await(() -> collector.received.size() == 2, Duration.ofSeconds(10));
    for (JaegerSpan sent : memory.getSpans()) {
      Span got = collector.received.stream()
          .filter(s -> s.spanId() == sent.context().getSpanId()).findFirst().orElseThrow();
      TraceId traceId = new TraceId(sent.context().getTraceIdHigh(), sent.context().getTraceIdLow());
      assertThat(got.traceId()).isEqualTo(traceId);
      assertThat(got.operationName()).isEqualTo(sent.getOperationName());
      assertThat(got.startTimeMicros()).isEqualTo(sent.getStart());
      assertThat(got.durationMicros()).isEqualTo(sent.getDuration());
      assertThat(got.flags()).isEqualTo(sent.context().getFlags());
      if (sent.context().getParentId() == 0) {
        assertThat(got.references()).isEmpty();
      } else {
        assertThat(got.references()).containsExactly(SpanRef.childOf(traceId, sent.context().getParentId()));
      }
      for (Map.Entry<String, Object> tag : sent.getTags().entrySet()) {
        assertThat(got.tag(tag.getKey())).as(tag.getKey()).isNotNull();
        assertThat(got.tag(tag.getKey()).asString()).isEqualTo(String.valueOf(tag.getValue()));
      }
      assertThat(got.tags()).hasSize(sent.getTags().size());
      assertThat(got.logs()).hasSize(sent.getLogs() == null ? 0 : sent.getLogs().size());
      if (sent.getLogs() != null) {
        LogData log = sent.getLogs().get(0);
        assertThat(got.logs().get(0).timestampMicros()).isEqualTo(log.getTime());
        assertThat(got.logs().get(0).fields()).containsExactlyInAnyOrder(KeyValue.string("event", "retry"),
            KeyValue.int64("attempt", 2));
      }
      assertThat(got.process().serviceName()).isEqualTo("udp-service");
      assertThat(got.process().tags()).contains(KeyValue.string("deployment", "test"));
      assertThat(got.process().tags()).extracting(KeyValue::key).contains("jaeger.version", "hostname", "ip");
    }
    assertThat(got("parent-op").tag("num")).isEqualTo(KeyValue.int64("num", 42));
    assertThat(got("parent-op").tag("flag")).isEqualTo(KeyValue.bool("flag", true));
    assertThat(got("parent-op").tag("ratio")).isEqualTo(KeyValue.float64("ratio", 0.25));
    assertThat(collector.formats).containsOnly(SpanConsumer.Format.JAEGER);
    assertThat(collector.transports).containsOnly(SpanConsumer.Transport.UDP);
    assertThat(counter("jaeger_agent_thrift_udp_server_packets_processed", "jaeger", "compact")).isGreaterThan(0);
  }

  private Span got(String operation) {
    return collector.received.stream().filter(s -> s.operationName().equals(operation)).findFirst().orElseThrow();
  }

  @Test
  void generatedAgentClient_binaryEmitBatchTo6832_decoded() throws Exception {
    Batch batch = new Batch(new Process("bin-svc").setTags(List.of(new Tag("k", TagType.STRING).setVStr("v"))),
        List.of(new io.jaegertracing.thriftjava.Span(7L, 8L, 9L, 0L, "op", 1, 1_000L, 5L)
            .setTags(List.of(new Tag("b", TagType.BINARY).setVBinary(new byte[] {1, 2})))));
    TMemoryBuffer buf = new TMemoryBuffer(256);
    new Agent.Client(new TBinaryProtocol(buf)).emitBatch(batch);

    send(ports.get("jaeger-binary"), Arrays.copyOf(buf.getArray(), buf.length()));

    TestCollector.await(() -> collector.received.size() == 1, Duration.ofSeconds(10));
    Span s = collector.received.get(0);
    assertThat(s).isEqualTo(JaegerThriftDecoder.decodeBatch(new TSerializer(new TBinaryProtocol.Factory())
        .serialize(batch), ThriftProtocol.BINARY).get(0));
    assertThat(s.traceId()).isEqualTo(new TraceId(8L, 7L));
    assertThat(s.spanId()).isEqualTo(9L);
    assertThat(s.process().serviceName()).isEqualTo("bin-svc");
    assertThat(s.tags()).containsExactly(KeyValue.binary("b", new byte[] {1, 2}));
  }

  @Test
  void generatedAgentClient_emitZipkinBatchTo5775_sharedSpanSplit() throws Exception {
    Endpoint client = new Endpoint(0x0a000001, (short) 8080, "client-svc");
    Endpoint server = new Endpoint(0x0a000002, (short) 9090, "server-svc");
    com.twitter.zipkin.thriftjava.Span z = new com.twitter.zipkin.thriftjava.Span(0x11L, "rpc", 0x22L,
        List.of(new Annotation(100L, "cs").setHost(client), new Annotation(110L, "sr").setHost(server),
            new Annotation(150L, "{\"step\":\"half\"}").setHost(server),
            new Annotation(190L, "ss").setHost(server), new Annotation(200L, "cr").setHost(client)),
        List.of(new BinaryAnnotation("lc", ByteBuffer.wrap("grpc".getBytes(StandardCharsets.UTF_8)),
                AnnotationType.STRING),
            new BinaryAnnotation("status", ByteBuffer.wrap(new byte[] {0, 0, 0, 5}), AnnotationType.I32),
            new BinaryAnnotation("error", ByteBuffer.wrap("timeout".getBytes(StandardCharsets.UTF_8)),
                AnnotationType.STRING),
            new BinaryAnnotation("sa", ByteBuffer.wrap(new byte[] {1}), AnnotationType.BOOL).setHost(server)))
        .setTrace_id_high(0x33L).setParent_id(0x44L).setDebug(true);
    TMemoryBuffer buf = new TMemoryBuffer(512);
    new Agent.Client(new TCompactProtocol(buf)).emitZipkinBatch(List.of(z));

    send(ports.get("zipkin-compact"), Arrays.copyOf(buf.getArray(), buf.length()));

    TestCollector.await(() -> collector.received.size() == 2, Duration.ofSeconds(10));
    Span first = collector.received.get(0);
    Span second = collector.received.get(1);
    TraceId traceId = new TraceId(0x33L, 0x11L);
    assertThat(first.traceId()).isEqualTo(traceId);
    assertThat(first.spanId()).isEqualTo(0x22L).isEqualTo(second.spanId());
    assertThat(first.references()).containsExactly(SpanRef.childOf(traceId, 0x44L));
    assertThat(first.flags()).isEqualTo(Span.FLAG_DEBUG);
    assertThat(first.startTimeMicros()).isEqualTo(100L);
    assertThat(first.durationMicros()).isEqualTo(100L);
    assertThat(first.process().serviceName()).isEqualTo("client-svc");
    assertThat(first.process().tags()).containsExactly(KeyValue.int64("ip", 0x0a000001));
    assertThat(first.tags()).containsExactly(
        KeyValue.string("component", "grpc"),
        KeyValue.int64("status", 5),
        KeyValue.bool("error", true),
        KeyValue.string("peer.service", "server-svc"),
        KeyValue.int64("peer.ipv4", 0x0a000002),
        KeyValue.int64("peer.port", 9090),
        KeyValue.string("error.message", "timeout"),
        KeyValue.string("span.kind", "client"));
    assertThat(first.logs()).hasSize(1);
    assertThat(first.logs().get(0).fields()).containsExactly(KeyValue.string("step", "half"));
    assertThat(second.tags()).containsExactly(KeyValue.string("span.kind", "server"));
    assertThat(second.startTimeMicros()).isEqualTo(110L);
    assertThat(second.durationMicros()).isEqualTo(80L);
    assertThat(collector.formats).containsOnly(SpanConsumer.Format.ZIPKIN);
  }

  @Test
  void garbageTruncatedAndFullQueue_countedAndServerKeepsServing() throws Exception {
    send(ports.get("jaeger-compact"), new byte[] {1, 2, 3, 4, 5});
    send(ports.get("zipkin-compact"), "hello".getBytes(StandardCharsets.UTF_8));
    // Larger than the 4096-byte max packet size of the binary port: arrives truncated and fails to decode.
    Batch big = new Batch(new Process("big").setTags(List.of(new Tag("pad", TagType.STRING)
        .setVStr("x".repeat(6000)))), List.of());
    TMemoryBuffer buf = new TMemoryBuffer(8192);
    new Agent.Client(new TBinaryProtocol(buf)).emitBatch(big);
    send(ports.get("jaeger-binary"), Arrays.copyOf(buf.getArray(), buf.length()));

    TestCollector.await(() -> counter("jaeger_agent_thrift_udp_t_processor_handler_errors", "jaeger", "compact") == 1
        && counter("jaeger_agent_thrift_udp_t_processor_handler_errors", "zipkin", "compact") == 1
        && counter("jaeger_agent_thrift_udp_t_processor_handler_errors", "jaeger", "binary") == 1,
        Duration.ofSeconds(10));

    collector.full = true;
    send(ports.get("jaeger-compact"), emitBatch("refused"));
    TestCollector.await(() -> counter("jaeger_agent_thrift_udp_server_packets_dropped", "jaeger", "compact") == 1,
        Duration.ofSeconds(10));
    collector.full = false;

    send(ports.get("jaeger-compact"), emitBatch("after-errors"));
    TestCollector.await(() -> collector.received.size() == 1, Duration.ofSeconds(10));
    assertThat(collector.received.get(0).operationName()).isEqualTo("after-errors");
    assertThat(collector.received.get(0).tag("t").type()).isEqualTo(ValueType.STRING);
  }

  @Test
  void close_stopsWorkersAndFreesPorts() throws Exception {
    int port = ports.get("jaeger-compact");
    for (UdpReceiver r : receivers) {
      r.close();
    }
    receivers = List.of();

    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
        .noneMatch(n -> n.startsWith("udp-"));
    try (DatagramSocket again = new DatagramSocket(port, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void startAll_emptyHostPort_disablesThatPort() throws Exception {
    Map<String, String> overrides = new HashMap<>();
    for (AgentReceivers.Processor p : AgentReceivers.PROCESSORS) {
      overrides.put(p.prefix() + AgentReceivers.HOST_PORT, p.name().equals("jaeger-binary") ? "127.0.0.1:0" : "");
    }
    try (TestCollector other = new TestCollector(AgentReceivers.flags(), overrides)) {
      List<UdpReceiver> started = AgentReceivers.startAll(other.context, other, Tenancy.disabled());
      try {
        assertThat(started).extracting(UdpReceiver::name).containsExactly("jaeger-binary");
      } finally {
        for (UdpReceiver r : started) {
          r.close();
        }
      }
    }
  }

  @Test
  void multiTenancyEnabled_udpSpansRefusedAndCountedNotStoredUnderTheDefaultTenant() throws Exception {
    Map<String, String> overrides = new HashMap<>();
    for (AgentReceivers.Processor p : AgentReceivers.PROCESSORS) {
      overrides.put(p.prefix() + AgentReceivers.HOST_PORT, p.name().equals("jaeger-compact") ? "127.0.0.1:0" : "");
    }
    overrides.put("multi-tenancy.enabled", "true");
    List<Flag> flags = new ArrayList<>(AgentReceivers.flags());
    flags.add(Flag.bool("multi-tenancy.enabled", false, "tenancy"));
    try (TestCollector other = new TestCollector(flags, overrides)) {
      List<UdpReceiver> started = AgentReceivers.startAll(other.context, other,
          new Tenancy(true, "x-tenant", List.of()));
      try {
        send(started.get(0).port(), emitBatch("refused"));
        send(started.get(0).port(), emitBatch("refused-too"));
        var refused = other.meters.get("jaegerj_agent_udp_spans_refused_without_tenant")
            .tags("model", "jaeger", "protocol", "compact").counter();
        TestCollector.await(() -> refused.count() == 2.0, Duration.ofSeconds(20));
        assertThat(other.meters.get("jaeger_agent_thrift_udp_server_packets_processed")
            .tags("model", "jaeger", "protocol", "compact").counter().count()).isEqualTo(2.0);
        assertThat(other.received).isEmpty();
        assertThat(other.tenants).isEmpty();
      } finally {
        for (UdpReceiver r : started) {
          r.close();
        }
      }
    }
    // Control: the same datagram reaches the pipeline (default tenant) when multi-tenancy is off.
    send(ports.get("jaeger-compact"), emitBatch("stored"));
    TestCollector.await(() -> !collector.received.isEmpty(), Duration.ofSeconds(20));
    assertThat(collector.received).extracting(Span::operationName).containsExactly("stored");
    assertThat(collector.tenants).containsExactly("");
  }

  private static byte[] emitBatch(String operation) throws Exception {
    Batch batch = new Batch(new Process("svc"), List.of(new io.jaegertracing.thriftjava.Span(1L, 0L, 2L, 0L,
        operation, 1, 10L, 1L).setTags(List.of(new Tag("t", TagType.STRING).setVStr("v")))));
    TMemoryBuffer buf = new TMemoryBuffer(256);
    new Agent.Client(new TCompactProtocol(buf)).emitBatch(batch);
    return Arrays.copyOf(buf.getArray(), buf.length());
  }

  private double counter(String name, String model, String protocol) {
    return collector.meters.get(name).tags("model", model, "protocol", protocol).counter().count();
  }

  private static void send(int port, byte[] payload) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
    }
  }
}
