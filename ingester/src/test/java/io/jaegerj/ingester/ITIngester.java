// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.TraceFixtures;
import io.jaegerj.storage.kafka.ConsumerOptions;
import io.jaegerj.storage.kafka.KafkaStorageProvider;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.storage.kafka.ProducerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ingester's consumer against a real broker: every encoding, messages built from the api_v2 protos without our
 * writer, poison messages, a storage outage, and a consumer that stops before its writes completed.
 */
class ITIngester {
  static KafkaTestServer kafka;
  final TraceFixtures fx = new TraceFixtures("ingester");

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

  /** The storage: remembers every span written; can be switched into an outage. */
  static final class RecordingWriter implements SpanWriter {
    final Set<String> spans = ConcurrentHashMap.newKeySet();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicBoolean hang = new AtomicBoolean();
    final Set<String> tenants = ConcurrentHashMap.newKeySet();

    @Override
    public CompletionStage<Void> write(String tenant, List<Span> batch) {
      if (hang.get()) {
        return new CompletableFuture<>();
      }
      if (down.get()) {
        return CompletableFuture.failedFuture(new IllegalStateException("storage down"));
      }
      batch.forEach(s -> {
        spans.add(id(s));
        tenants.add(tenant + "|" + id(s));
      });
      return CompletableFuture.completedFuture(null);
    }
  }

  static String id(Span s) {
    return s.traceId() + ":" + Long.toHexString(s.spanId());
  }

  Ingester ingester(String topic, String group, String encoding, SpanWriter writer, int maxInFlight,
      SimpleMeterRegistry meters) throws Exception {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.consumer.brokers", kafka.brokers());
    o.put("kafka.consumer.group-id", group);
    Map<String, Object> props = ConsumerOptions.consumerProperties(Settings.defaults(ConsumerOptions.flags(), o));
    props.put("auto.offset.reset", "earliest");
    Ingester in = new Ingester(new KafkaConsumer<>(props), topic, new MessageDecoder(encoding, Clock.systemUTC()),
        writer, maxInFlight, java.time.Duration.ZERO, meters);
    in.start();
    await(in::assigned, "partitions assigned");
    return in;
  }

  static void await(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  StorageFactory collectorWriter(String topic, String encoding) throws Exception {
    return new KafkaStorageProvider().open("kafka", Settings.defaults(ProducerOptions.flags(), Map.of(
        "kafka.producer.brokers", kafka.brokers(), "kafka.producer.topic", topic,
        "kafka.producer.encoding", encoding)), new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
  }

  KafkaProducer<byte[], byte[]> rawProducer() {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put("key.serializer", ByteArraySerializer.class);
    p.put("value.serializer", ByteArraySerializer.class);
    return new KafkaProducer<>(p);
  }

  List<Span> trace(int n) {
    return fx.richTrace(fx.traceId128(), fx.baseMicros(), n, List.of(fx.service("a"), fx.service("b")));
  }

  long committedTotal(String group, String topic, int partitions) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> m =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      long sum = 0;
      for (int p = 0; p < partitions; p++) {
        OffsetAndMetadata o = m.get(new TopicPartition(topic, p));
        sum += o == null ? 0 : o.offset();
      }
      return sum;
    }
  }

  @Test
  void protobuf_ourWriterJaegerBuiltMessagesAndPoison() throws Exception {
    String topic = "i-proto";
    kafka.createTopic(topic, 2);
    RecordingWriter storage = new RecordingWriter();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Ingester in = ingester(topic, "g-proto", "protobuf", storage, 10_000, meters)) {
      List<Span> ours = new ArrayList<>();
      try (StorageFactory w = collectorWriter(topic, "protobuf")) {
        for (int i = 0; i < 20; i++) {
          List<Span> t = trace(5);
          ours.addAll(t);
          w.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
      }
      // a message as Jaeger's collector writes it, built directly from the api_v2 protos, between two poison ones
      byte[] traceId = ByteBuffer.allocate(16).putLong(7).putLong(9).array();
      io.jaegerj.proto.api_v2.Span jaeger = io.jaegerj.proto.api_v2.Span.newBuilder()
          .setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, 3}))
          .setOperationName("from-jaeger").setStartTime(Timestamp.newBuilder().setSeconds(1_700_000_000L))
          .setDuration(Duration.newBuilder().setNanos(1000))
          .setProcess(io.jaegerj.proto.api_v2.Process.newBuilder().setServiceName("jaeger-go")).build();
      try (KafkaProducer<byte[], byte[]> p = rawProducer()) {
        p.send(new ProducerRecord<>(topic, 0, null, "not a span".getBytes(StandardCharsets.UTF_8))).get();
        p.send(new ProducerRecord<>(topic, 0, "00000000000000070000000000000009".getBytes(StandardCharsets.US_ASCII),
            jaeger.toByteArray())).get();
        p.send(new ProducerRecord<>(topic, 1, null, new byte[] {(byte) 0xff, 1, 2})).get();
      }
      Set<String> want = ConcurrentHashMap.newKeySet();
      ours.forEach(s -> want.add(id(s)));
      want.add(new TraceId(7, 9) + ":3");
      await(() -> storage.spans.containsAll(want), "every span stored");
      assertThat(storage.spans).hasSize(want.size());
      await(() -> meters.get("jaeger_ingester_span_processor_decode_failures").counter().count() == 2,
          "poison counted");
      // every offset, poison included, committed: 100 spans + 3 raw messages
      await(() -> {
        try {
          return committedTotal("g-proto", topic, 2) == 103;
        } catch (Exception e) {
          return false;
        }
      }, "offsets committed");
    }
  }

  @Test
  void json_encodingFromOurWriter() throws Exception {
    String topic = "i-json";
    kafka.createTopic(topic, 1);
    RecordingWriter storage = new RecordingWriter();
    try (Ingester in = ingester(topic, "g-json", "json", storage, 10_000, new SimpleMeterRegistry())) {
      List<Span> t = trace(8);
      try (StorageFactory w = collectorWriter(topic, "json")) {
        w.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      await(() -> storage.spans.size() == t.size(), "json spans stored");
      assertThat(storage.spans).containsExactlyInAnyOrderElementsOf(t.stream().map(ITIngester::id).toList());
    }
  }

  /** Storage down: consumption pauses, nothing is committed past what was written, nothing is lost. */
  @Test
  void storageOutage_pausesAndLosesNothing() throws Exception {
    String topic = "i-outage";
    kafka.createTopic(topic, 2);
    RecordingWriter storage = new RecordingWriter();
    storage.down.set(true);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Ingester in = ingester(topic, "g-outage", "protobuf", storage, 200, meters)) {
      List<Span> all = new ArrayList<>();
      try (StorageFactory w = collectorWriter(topic, "protobuf")) {
        for (int i = 0; i < 100; i++) {
          List<Span> t = trace(10);
          all.addAll(t);
          w.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
      }
      await(() -> meters.get("jaeger_ingester_paused").gauge().value() == 1, "consumption paused");
      await(() -> meters.get("jaeger_ingester_span_processor_retry_attempts").counter().count() >= 3, "retries");
      assertThat(storage.spans).isEmpty();
      assertThat(committedTotal("g-outage", topic, 2)).isZero();
      storage.down.set(false);
      await(() -> storage.spans.size() == all.size(), "every span stored after the outage");
      await(() -> meters.get("jaeger_ingester_paused").gauge().value() == 0, "consumption resumed");
      await(() -> {
        try {
          return committedTotal("g-outage", topic, 2) == all.size();
        } catch (Exception e) {
          return false;
        }
      }, "offsets committed");
    }
  }

  /**
   * A consumer that goes away before its writes completed commits nothing for them: the next consumer of the group
   * receives every message again (at least once).
   */
  @Test
  void unfinishedWrites_areRedeliveredToTheNextConsumer() throws Exception {
    String topic = "i-redeliver";
    kafka.createTopic(topic, 1);
    RecordingWriter first = new RecordingWriter();
    first.hang.set(true);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<Span> t = trace(30);
    try (Ingester in = ingester(topic, "g-redeliver", "protobuf", first, 10_000, meters)) {
      try (StorageFactory w = collectorWriter(topic, "protobuf")) {
        w.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      await(() -> meters.get("jaeger_ingester_in_flight_spans").gauge().value() == t.size(), "writes pending");
    }
    assertThat(committedTotal("g-redeliver", topic, 1)).isZero();
    RecordingWriter second = new RecordingWriter();
    try (Ingester in = ingester(topic, "g-redeliver", "protobuf", second, 10_000, new SimpleMeterRegistry())) {
      await(() -> second.spans.size() == t.size(), "redelivered spans stored");
    }
  }

  /** A span written for a tenant reaches the storage for that tenant (the tenant travels in a record header). */
  @Test
  void tenant_travelsWithTheMessage() throws Exception {
    String topic = "i-tenant";
    kafka.createTopic(topic, 1);
    RecordingWriter storage = new RecordingWriter();
    try (Ingester in = ingester(topic, "g-tenant", "protobuf", storage, 10_000, new SimpleMeterRegistry())) {
      List<Span> a = trace(3);
      List<Span> b = trace(2);
      try (StorageFactory w = collectorWriter(topic, "protobuf")) {
        w.spanWriter().write("tenant-a", a).toCompletableFuture().get(30, TimeUnit.SECONDS);
        w.spanWriter().write("", b).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      await(() -> storage.spans.size() == 5, "spans stored");
      List<String> want = new ArrayList<>();
      a.forEach(s -> want.add("tenant-a|" + id(s)));
      b.forEach(s -> want.add("|" + id(s)));
      assertThat(storage.tenants).containsExactlyInAnyOrderElementsOf(want);
    }
  }
}
