// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.conformance.TraceFixtures;
import io.jaegerj.storage.kafka.KafkaStorageProvider;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.storage.kafka.ProducerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester binary in a child JVM (persistent badger storage) killed with SIGKILL while a producer writes to the
 * topic as the collector does, then restarted: every span Kafka acknowledged is in the storage afterwards
 * (redelivered duplicates are the same span written again).
 */
class ITIngesterKill9 {
  private static final Logger LOG = LoggerFactory.getLogger(ITIngesterKill9.class);
  static final String TOPIC = "kill9";
  static final String GROUP = "jaeger-ingester";
  static final int PARTITIONS = 2;
  static final int SPANS_PER_BATCH = 5;
  static KafkaTestServer kafka;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestServer.start();
    kafka.createTopic(TOPIC, PARTITIONS);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  Process startIngester(int n) throws Exception {
    int admin;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      admin = s.getLocalPort();
    }
    List<String> cmd = List.of(System.getProperty("java.home") + "/bin/java", "-Xmx256m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), IngesterMain.class.getName(),
        "--badger.ephemeral=false", "--badger.directory-key=" + dir.resolve("keys"),
        "--badger.directory-value=" + dir.resolve("values"), "--badger.consistency=true",
        "--kafka.consumer.brokers=" + kafka.brokers(), "--kafka.consumer.topic=" + TOPIC,
        "--admin.http.host-port=127.0.0.1:" + admin, "--log-level=warn");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("ingester-" + n + ".log").toFile()));
    pb.environment().put("SPAN_STORAGE_TYPE", "badger");
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    return p;
  }

  static Map<TopicPartition, Long> committed() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> m =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, Long> out = new HashMap<>();
      m.forEach((tp, o) -> {
        if (o != null) {
          out.put(tp, o.offset());
        }
      });
      return out;
    }
  }

  static Map<TopicPartition, Long> ends() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        req.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(req).all().get(10, TimeUnit.SECONDS).forEach((tp, r) -> out.put(tp, r.offset()));
      return out;
    }
  }

  static void await(BooleanSupplier cond, String what, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  static BooleanSupplier quietly(java.util.concurrent.Callable<Boolean> c) {
    return () -> {
      try {
        return c.call();
      } catch (Exception e) {
        return false;
      }
    };
  }

  @Test
  void kill9MidStream_everyAcknowledgedSpanStoredAfterRestart() throws Exception {
    TraceFixtures fx = new TraceFixtures("kill9");
    StorageFactory producer = new KafkaStorageProvider().open("kafka", Settings.defaults(ProducerOptions.flags(),
        Map.of("kafka.producer.brokers", kafka.brokers(), "kafka.producer.topic", TOPIC,
            "kafka.producer.required-acks", "all")), new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
    Process first = startIngester(1);
    // a new group starts at the newest offset (as Jaeger's): warm up until the ingester committed on every partition
    ConcurrentLinkedQueue<List<Span>> acked = new ConcurrentLinkedQueue<>();
    await(quietly(() -> {
      List<Span> t = fx.richTrace(fx.traceId128(), fx.baseMicros(), SPANS_PER_BATCH, List.of(fx.service("warm")));
      producer.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
      Thread.sleep(100);
      return first.isAlive() && committed().size() == PARTITIONS;
    }), "ingester consuming every partition", 120);

    AtomicBoolean stop = new AtomicBoolean();
    Thread load = new Thread(() -> {
      while (!stop.get()) {
        List<Span> t = fx.richTrace(fx.traceId128(), fx.baseMicros(), SPANS_PER_BATCH, List.of(fx.service("k9")));
        try {
          producer.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
          acked.add(t);
        } catch (Exception e) {
          // not acknowledged by Kafka: no promise made
        }
      }
    }, "kill9-load");
    load.start();
    long base = committed().values().stream().mapToLong(Long::longValue).sum();
    await(quietly(() -> committed().values().stream().mapToLong(Long::longValue).sum() > base + 500),
        "ingester storing under load", 120);
    first.destroyForcibly();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    await(() -> acked.size() > 300, "more acknowledged while the ingester is down", 120);
    stop.set(true);
    load.join(60_000);
    producer.close();

    Process second = startIngester(2);
    Map<TopicPartition, Long> end = ends();
    await(quietly(() -> committed().equals(end)), "restarted ingester caught up", 180);
    second.destroy();
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

    StorageProvider badger = ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.types().contains("badger")).findFirst().orElseThrow();
    Map<String, String> o = Map.of("badger.ephemeral", "false", "badger.directory-key", dir.resolve("keys").toString(),
        "badger.directory-value", dir.resolve("values").toString());
    int lost = 0;
    int spans = 0;
    try (StorageFactory store = badger.open("badger", Settings.defaults(badger.flags(), o),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      for (List<Span> t : acked) {
        TraceId id = t.get(0).traceId();
        List<Long> stored = new ArrayList<>();
        store.spanReader().getTrace(GetTraceQuery.of(id)).ifPresent(tr -> tr.spans().forEach(s -> stored.add(s.spanId())));
        for (Span s : t) {
          spans++;
          if (!stored.contains(s.spanId())) {
            lost++;
          }
        }
      }
    }
    LOG.info("kill -9 of the ingester: {} spans acknowledged by Kafka, {} missing from storage after restart", spans,
        lost);
    assertThat(spans).isGreaterThan(1000);
    assertThat(lost).isZero();
  }
}
