// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.backpressure;

import static io.jaegerj.e2e.backpressure.RefusalCountingSender.SPANS_PER_TRACE;
import static io.jaegerj.e2e.backpressure.RefusalCountingSender.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.storage.kafka.SpanEncoding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 23 item 3 for Kafka: a collector in this JVM with {@code SPAN_STORAGE_TYPE=kafka} publishes to a real KRaft
 * broker (child JVM, started once); an OTLP/HTTP sender (the JDK HTTP client posting protobuf, as exporters do) keeps
 * sending while the broker is frozen with SIGSTOP and then resumed. During the stall the clients must see retryable
 * refusals (503 + Retry-After) and nothing may be dropped after acknowledgement; afterwards every span of every trace
 * answered 200 must be on the topic (consumed and counted by trace ID), in both acknowledgement modes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITKafkaBackpressureTest {
  private static final int IN_FLIGHT = 32;

  private KafkaTestServer kafka;

  @BeforeAll
  void startKafka() throws Exception {
    kafka = KafkaTestServer.start();
  }

  @AfterAll
  void stopKafka() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"queued", "stored"})
  void pausedBroker_clientsGetRetryableRefusals_andEveryAcknowledgedSpanReachesTheTopic(String ack)
      throws Exception {
    String topic = "bp-" + ack;
    kafka.createTopic(topic, 2);
    int otlpPort = freePort();
    Map<String, String> env = Map.of("SPAN_STORAGE_TYPE", "kafka");
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(CollectorMain.spec(), env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        int port = f.name().equals("collector.otlp.http.host-port") ? otlpPort : freePort();
        args.add("--" + f.name() + "=127.0.0.1:" + port);
      }
    }
    // a small pipeline, so that a stall of a few seconds fills it
    args.addAll(List.of("--kafka.producer.brokers=" + kafka.brokers(), "--kafka.producer.topic=" + topic,
        "--collector.queue-size=200", "--collector.num-workers=8", "--collector.acknowledge=" + ack));
    try (JaegerMain.Running binary = JaegerMain.start(CollectorMain.spec(), args.toArray(String[]::new), env);
        RefusalCountingSender load = RefusalCountingSender.start(otlpPort, IN_FLIGHT, "kafka-backpressure")) {
      MeterRegistry meters = binary.meters();
      load.awaitAcked(200, Duration.ofSeconds(60));
      kafka.pause();
      long refusedBefore = load.refused.get();
      long ackedAtPause = load.acked.size();
      try {
        load.stalled(true);
        // stay paused until the refusals have gone on for a while (the pipeline fills within a second or two)
        load.awaitRefusedWhileStalled(0, 50, Duration.ofSeconds(20));
        Thread.sleep(1000);
      } finally {
        load.stalled(false);
        kafka.resume();
      }
      assertThat(load.refusedWhileStalled.get()).as("retryable refusals while the broker was paused")
          .isGreaterThanOrEqualTo(50);
      long ackedAtResume = load.acked.size();
      load.awaitAcked(ackedAtResume + 200, Duration.ofSeconds(60));
      load.stop(Duration.ofSeconds(90));
      assertThat(load.errors).as("answers other than 200 and 503").isEmpty();
      assertThat(load.refusedWithoutRetryAfter.get()).isZero();
      assertThat(load.refused.get()).isGreaterThan(refusedBefore);

      // every span of every acknowledged trace is on the topic
      Map<String, Set<Long>> onTopic = awaitOnTopic(topic, load.acked, Duration.ofSeconds(60));
      List<String> incomplete = new ArrayList<>();
      for (String id : load.acked) {
        if (onTopic.getOrDefault(id, Set.of()).size() != SPANS_PER_TRACE) {
          incomplete.add(id + "=" + onTopic.get(id));
        }
      }
      assertThat(incomplete).as("acknowledged traces not whole on the topic").isEmpty();
      System.out.printf(Locale.ROOT, "kafka backpressure %s: %d traces acknowledged (%d while paused), %d requests"
              + " refused (%d while paused), %d traces on the topic%n", ack, load.acked.size(),
          ackedAtResume - ackedAtPause, load.refused.get(), load.refusedWhileStalled.get(), onTopic.size());
      assertThat(counter(meters, "jaegerj_collector_spans_dropped_after_ack")).isZero();
      assertThat(counter(meters, "jaegerj_collector_spans_refused")
          + counter(meters, "jaegerj_collector_requests_refused")).isPositive();
      assertThat(meters.find("jaeger_storage_kafka_spans_written").tag("status", "failure").counter().count())
          .as("spans Kafka did not take").isZero();
    }
  }

  /**
   * Span IDs per message key (the trace ID) on the topic, read from the beginning until every acknowledged trace
   * has all its spans or the timeout passed. Duplicates (a producer retry) collapse into the sets.
   */
  private Map<String, Set<Long>> awaitOnTopic(String topic, Set<String> acked, Duration timeout) {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put("group.id", "check-" + topic);
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", ByteArrayDeserializer.class);
    p.put("value.deserializer", ByteArrayDeserializer.class);
    Map<String, Set<Long>> out = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    int whole = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      while (whole < acked.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          String traceId = new String(r.key(), StandardCharsets.US_ASCII);
          io.jaegerj.model.Span s = SpanEncoding.PROTOBUF.decode(r.value());
          assertThat(s.traceId().toString()).as("message key").isEqualTo(traceId);
          Set<Long> ids = out.computeIfAbsent(traceId, k -> new HashSet<>());
          if (ids.add(s.spanId()) && ids.size() == SPANS_PER_TRACE && acked.contains(traceId)) {
            whole++;
          }
        }
      }
    }
    return out;
  }

  private static double counter(MeterRegistry meters, String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
