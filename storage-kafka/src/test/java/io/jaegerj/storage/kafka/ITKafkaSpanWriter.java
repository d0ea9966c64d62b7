// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.TraceFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The span writer against a real broker: what lands on the topic, acknowledgement, backpressure, failures. */
class ITKafkaSpanWriter {
  static KafkaTestServer kafka;
  final TraceFixtures fx = new TraceFixtures("kafka-writer");

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestServer.start();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  StorageFactory open(String topic, Map<String, String> more) throws Exception {
    Map<String, String> o = new HashMap<>(more);
    o.put("kafka.producer.brokers", kafka.brokers());
    o.put("kafka.producer.topic", topic);
    return new KafkaStorageProvider().open("kafka", Settings.defaults(ProducerOptions.flags(), o),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put("group.id", "check-" + topic);
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", ByteArrayDeserializer.class);
    p.put("value.deserializer", ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // a little more, to catch unexpected extra messages
      c.poll(Duration.ofMillis(300)).forEach(out::add);
    }
    return out;
  }

  List<Span> spans(int n) {
    TraceId t = fx.traceId128();
    return fx.richTrace(t, fx.baseMicros(), n, List.of(fx.service("a"), fx.service("b")));
  }

  @Test
  void protobuf_oneMessagePerSpanKeyedByTraceId() throws Exception {
    kafka.createTopic("w-proto", 3);
    List<Span> spans = spans(7);
    try (StorageFactory f = open("w-proto", Map.of())) {
      f.spanWriter().write("", spans).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<byte[], byte[]>> got = readAll("w-proto", spans.size());
    assertThat(got).hasSize(spans.size());
    List<Span> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : got) {
      Span s = SpanEncoding.PROTOBUF.decode(r.value());
      assertThat(new String(r.key(), StandardCharsets.US_ASCII)).isEqualTo(s.traceId().toString());
      assertThat(r.headers().toArray()).as("default tenant: no header, Jaeger's record").isEmpty();
      decoded.add(s);
    }
    assertThat(decoded).containsExactlyInAnyOrderElementsOf(spans);
    // one trace, one key: every message of the trace is on the same partition
    assertThat(got.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
  }

  @Test
  void json_compressedAndAllAcks() throws Exception {
    kafka.createTopic("w-json", 1);
    List<Span> spans = spans(5);
    try (StorageFactory f = open("w-json", Map.of("kafka.producer.encoding", "json",
        "kafka.producer.compression", "zstd", "kafka.producer.required-acks", "all"))) {
      f.spanWriter().write("", spans).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    List<Span> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll("w-json", spans.size())) {
      assertThat(r.value()[0]).isEqualTo((byte) '{');
      decoded.add(SpanEncoding.JSON.decode(r.value()));
    }
    assertThat(decoded).containsExactlyInAnyOrderElementsOf(spans);
  }

  /**
   * The caller's dependent work (the collector acknowledging its clients) runs once per batch and never on the
   * producer's network thread, and every acknowledged span is counted.
   */
  @Test
  void completion_runsOffTheNetworkThread() throws Exception {
    kafka.createTopic("w-acks", 2);
    Map<String, Object> props = ProducerOptions.producerProperties(Settings.defaults(ProducerOptions.flags(),
        Map.of("kafka.producer.brokers", kafka.brokers())));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaSpanWriter w = new KafkaSpanWriter(new KafkaProducer<>(props), "w-acks", SpanEncoding.PROTOBUF, meters);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      stages.add(w.write("", spans(30)).thenRun(() -> {
        threads.add(Thread.currentThread().getName());
        runs.incrementAndGet();
      }).toCompletableFuture());
    }
    CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    w.close();
    assertThat(runs.get()).isEqualTo(20);
    assertThat(threads).noneMatch(n -> n.startsWith("kafka-producer-network-thread"));
    assertThat(meters.get("jaeger_storage_kafka_spans_written").tag("status", "success").counter().count())
        .isEqualTo(20 * 30);
    assertThat(readAll("w-acks", 20 * 30)).hasSize(20 * 30);
  }

  /**
   * A producer buffer far smaller than the data: writes neither fail nor block the caller, their stages complete
   * later, and every span arrives.
   */
  @Test
  void fullProducerBuffer_completesLaterWithoutLoss() throws Exception {
    kafka.createTopic("w-pressure", 2);
    Map<String, Object> props = ProducerOptions.producerProperties(Settings.defaults(ProducerOptions.flags(),
        Map.of("kafka.producer.brokers", kafka.brokers())));
    props.put("buffer.memory", 64 * 1024);
    props.put("batch.size", 16 * 1024);
    props.put("max.block.ms", 60_000);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaSpanWriter w = new KafkaSpanWriter(new KafkaProducer<>(props), "w-pressure", SpanEncoding.PROTOBUF, meters);
    int batches = 200;
    int perBatch = 50;
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      stages.add(w.write("", spans(perBatch)).toCompletableFuture());
    }
    // all handed over without an exception and before the producer could have sent them
    assertThat(stages).noneMatch(CompletableFuture::isCompletedExceptionally);
    CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    w.close();
    assertThat(meters.get("jaeger_storage_kafka_spans_written").tag("status", "success").counter().count())
        .isEqualTo(batches * perBatch);
    assertThat(readAll("w-pressure", batches * perBatch)).hasSize(batches * perBatch);
  }

  /**
   * The broker frozen (SIGSTOP) under a 64 KiB producer buffer: the buffer stays full for many times
   * {@code max.block.ms}, yet no batch fails and the caller never waits; after SIGCONT every span reaches the topic.
   */
  @Test
  void pausedBroker_fullBufferWaitsInsteadOfFailing() throws Exception {
    kafka.createTopic("w-stall", 1);
    Map<String, Object> props = ProducerOptions.producerProperties(Settings.defaults(ProducerOptions.flags(),
        Map.of("kafka.producer.brokers", kafka.brokers())));
    props.put("buffer.memory", 64 * 1024);
    props.put("batch.size", 16 * 1024);
    props.put("max.block.ms", 100);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaSpanWriter w = new KafkaSpanWriter(new KafkaProducer<>(props), "w-stall", SpanEncoding.PROTOBUF, meters);
    List<Span> all = new ArrayList<>(spans(5));
    w.write("", all).toCompletableFuture().get(60, TimeUnit.SECONDS); // metadata known before the stall
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    kafka.pause();
    try {
      for (int i = 0; i < 100; i++) {
        List<Span> batch = spans(50);
        all.addAll(batch);
        stages.add(w.write("", batch).toCompletableFuture());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // ten attempts of 100 ms each found the buffer full: a full buffer for a second, no failure
      while (meters.get("jaegerj_storage_kafka_producer_buffer_full").counter().count() < 10) {
        assertThat(System.nanoTime()).as("sender waiting on a full buffer").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(stages).noneMatch(CompletableFuture::isDone);
      assertThat(meters.get("jaeger_storage_kafka_spans_written").tag("status", "failure").counter().count())
          .isZero();
    } finally {
      kafka.resume();
    }
    CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    w.close();
    assertThat(meters.get("jaeger_storage_kafka_spans_written").tag("status", "success").counter().count())
        .isEqualTo(all.size());
    List<Span> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll("w-stall", all.size())) {
      decoded.add(SpanEncoding.PROTOBUF.decode(r.value()));
    }
    assertThat(decoded.stream().distinct()).containsExactlyInAnyOrderElementsOf(all);
  }

  /**
   * No broker: write returns at once; the sender keeps offering the records (no metadata within max.block.ms) until
   * the delivery timeout, then the stage fails, counted as failure.
   */
  @Test
  void unreachableBroker_failsTheStageNotTheCaller() throws Exception {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", "127.0.0.1:1");
    props.put("key.serializer", ByteArraySerializer.class);
    props.put("value.serializer", ByteArraySerializer.class);
    props.put("max.block.ms", 500);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaSpanWriter w = new KafkaSpanWriter(new KafkaProducer<>(props), "nowhere", SpanEncoding.PROTOBUF, meters,
        Duration.ofMillis(1500));
    CompletableFuture<Void> stage = w.write("", spans(3)).toCompletableFuture();
    assertThat(stage).isNotDone();
    assertThatThrownBy(() -> stage.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThat(meters.get("jaeger_storage_kafka_spans_written").tag("status", "failure").counter().count())
        .isEqualTo(3);
    w.close(Duration.ofSeconds(1));
  }

  @Test
  void readers_areWriteOnlyError() throws Exception {
    try (StorageFactory f = open("w-ro", Map.of())) {
      assertThatThrownBy(f::spanReader).hasMessage("kafka storage is write-only");
    }
  }
}
