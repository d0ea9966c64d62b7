// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import io.jaegerj.storage.kafka.ConsumerOptions;
import io.jaegerj.storage.kafka.KafkaStorageProvider;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.storage.kafka.ProducerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The storage conformance suite through the Kafka path: the suite's writes go through our Kafka span writer
 * ({@code SPAN_STORAGE_TYPE=kafka}, the collector's writer) to a real KRaft broker, the ingester's consumer decodes
 * them and writes the memory storage, and the suite reads the memory storage. A write completes once Kafka
 * acknowledged it AND the ingester stored every span of the batch (for the batch's tenant), so the suite's
 * read-after-acknowledged-write expectations hold end to end: field round trip through the api_v2 encoding, tenant
 * header, ten thousand spans, concurrent writers.
 */
class ITKafkaIngesterConformance extends StorageConformanceSuite {
  static final String TOPIC = "conformance";
  private KafkaTestServer kafka;
  private StorageFactory memory;
  private StorageFactory producer;
  private Ingester ingester;
  /** tenant|traceId|spanId → how many times the ingester's storage write completed for it. */
  private final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();
  /** tenant|traceId|spanId → how many times the suite wrote it. */
  private final Map<String, AtomicInteger> written = new ConcurrentHashMap<>();

  static String key(String tenant, Span s) {
    return tenant + "|" + s.traceId() + "|" + Long.toHexString(s.spanId());
  }

  @Override
  protected StorageFactory openFactory() throws Exception {
    kafka = KafkaTestServer.start();
    kafka.createTopic(TOPIC, 3);
    StorageProvider mem = ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.types().contains("memory")).findFirst().orElseThrow();
    StorageContext ctx = new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC());
    memory = mem.open("memory", Settings.defaults(mem.flags(), Map.of()), ctx);
    SpanWriter memoryWriter = memory.spanWriter();
    SpanWriter signalling = (tenant, spans) -> memoryWriter.write(tenant, spans).thenRun(() -> {
      for (Span s : spans) {
        stored.computeIfAbsent(key(tenant, s), k -> new AtomicInteger()).incrementAndGet();
      }
    });
    Map<String, String> o = new HashMap<>();
    o.put("kafka.consumer.brokers", kafka.brokers());
    o.put("kafka.consumer.topic", TOPIC);
    Map<String, Object> props = ConsumerOptions.consumerProperties(Settings.defaults(ConsumerOptions.flags(), o));
    props.put("auto.offset.reset", "earliest");
    ingester = new Ingester(new KafkaConsumer<>(props), TOPIC, new MessageDecoder("protobuf", Clock.systemUTC()),
        signalling, 1000, Duration.ZERO, new SimpleMeterRegistry());
    ingester.start();
    producer = new KafkaStorageProvider().open("kafka", Settings.defaults(ProducerOptions.flags(), Map.of(
        "kafka.producer.brokers", kafka.brokers(), "kafka.producer.topic", TOPIC)), ctx);
    SpanWriter kafkaWriter = producer.spanWriter();
    SpanWriter throughIngester = (tenant, spans) -> {
      List<Span> batch = new ArrayList<>(spans);
      Map<String, Integer> expected = new HashMap<>();
      for (Span s : batch) {
        String k = key(tenant, s);
        expected.put(k, written.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
      }
      return kafkaWriter.write(tenant, batch).thenCompose(v -> awaitStored(expected));
    };
    return new ThroughKafka(throughIngester, memory);
  }

  /** Completes once the ingester stored every span of a batch as often as it was written so far. */
  private CompletionStage<Void> awaitStored(Map<String, Integer> expected) {
    return CompletableFuture.runAsync(() -> {
      long deadline = System.nanoTime() + timeout().toNanos();
      for (Map.Entry<String, Integer> want : expected.entrySet()) {
        String k = want.getKey();
        while (stored.getOrDefault(k, new AtomicInteger()).get() < want.getValue()) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(new TimeoutException("ingester did not store " + k));
          }
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
      }
    });
  }

  @Override
  protected Duration timeout() {
    return Duration.ofSeconds(60);
  }

  @Override
  protected Map<String, String> skippedCases() {
    return Map.of();
  }

  /** The Kafka writer in front, the ingester's storage behind; archive and sampling are not part of this path. */
  private final class ThroughKafka implements StorageFactory, Purgeable {
    private final SpanWriter writer;
    private final StorageFactory storage;

    ThroughKafka(SpanWriter writer, StorageFactory storage) {
      this.writer = writer;
      this.storage = storage;
    }

    @Override
    public SpanWriter spanWriter() {
      return writer;
    }

    @Override
    public SpanReader spanReader() {
      return storage.spanReader();
    }

    @Override
    public DependencyReader dependencyReader() {
      return storage.dependencyReader();
    }

    @Override
    public void purge() {
      if (storage instanceof Purgeable p) {
        p.purge();
      }
      stored.clear();
      written.clear();
    }

    @Override
    public void close() {
      ingester.close();
      producer.close();
      storage.close();
      kafka.stop();
    }
  }
}
