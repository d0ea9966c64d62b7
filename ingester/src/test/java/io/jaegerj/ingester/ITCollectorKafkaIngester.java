// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.conformance.TraceFixtures;
import io.jaegerj.storage.kafka.KafkaStorageProvider;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.storage.kafka.ProducerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Kafka path with separate processes: the OpenTelemetry SDK exports over OTLP gRPC to a collector child
 * JVM ({@code SPAN_STORAGE_TYPE=kafka}, {@code --collector.acknowledge=stored}), Kafka, an ingester child JVM writing
 * a persistent badger store; afterwards the store holds every span the SDK's export reported as successful.
 */
class ITCollectorKafkaIngester {
  static final String TOPIC = "e2e";
  static final String GROUP = "jaeger-ingester";
  static KafkaTestServer kafka;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestServer.start();
    kafka.createTopic(TOPIC, 2);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  record Child(Process process, Map<String, Integer> ports) {}

  /** A binary with every host:port flag on a free loopback port; waits until its admin port answers. */
  Child child(Class<?> main, io.jaegerj.server.BinarySpec spec, Map<String, String> env, List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), main.getName()));
    Map<String, Integer> ports = new HashMap<>();
    for (Flag f : JaegerMain.flags(spec, env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        int port = freePort();
        ports.put(f.name(), port);
        cmd.add("--" + f.name() + "=127.0.0.1:" + port);
      }
    }
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(main.getSimpleName() + ".log").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + ports.get("admin.http.host-port")
            + "/").toURL().openConnection();
        c.setConnectTimeout(500);
        if (c.getResponseCode() == 200) {
          return new Child(p, ports);
        }
      } catch (java.io.IOException e) {
        // not yet
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new AssertionError(main.getSimpleName() + " did not become healthy, see " + dir);
  }

  static Map<TopicPartition, Long> committed() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
          .forEach((tp, o) -> {
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
      for (int p = 0; p < 2; p++) {
        req.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(req).all().get(10, TimeUnit.SECONDS).forEach((tp, r) -> out.put(tp, r.offset()));
      return out;
    }
  }

  @Test
  void otelSdk_collector_kafka_ingester_storage() throws Exception {
    Map<String, String> ingesterEnv = Map.of("SPAN_STORAGE_TYPE", "badger");
    Child ingester = child(IngesterMain.class, IngesterMain.spec(), ingesterEnv, List.of(
        "--badger.ephemeral=false", "--badger.directory-key=" + dir.resolve("keys"),
        "--badger.directory-value=" + dir.resolve("values"), "--kafka.consumer.brokers=" + kafka.brokers(),
        "--kafka.consumer.topic=" + TOPIC, "--log-level=warn"));
    // a new group starts at the newest offset: warm up until the ingester committed on both partitions
    TraceFixtures fx = new TraceFixtures("e2e");
    try (StorageFactory warm = new KafkaStorageProvider().open("kafka", Settings.defaults(ProducerOptions.flags(),
        Map.of("kafka.producer.brokers", kafka.brokers(), "kafka.producer.topic", TOPIC)),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (committed().size() < 2) {
        assertThat(System.nanoTime()).as("ingester consuming both partitions").isLessThan(deadline);
        List<Span> t = fx.richTrace(fx.traceId128(), fx.baseMicros(), 2, List.of(fx.service("warm")));
        warm.spanWriter().write("", t).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Thread.sleep(100);
      }
    }

    Map<String, String> collectorEnv = Map.of("SPAN_STORAGE_TYPE", "kafka");
    Child collector = child(CollectorMain.class, CollectorMain.spec(), collectorEnv, List.of(
        "--kafka.producer.brokers=" + kafka.brokers(), "--kafka.producer.topic=" + TOPIC,
        "--collector.acknowledge=stored", "--log-level=warn"));
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + collector.ports().get("collector.otlp.grpc.host-port"))
        .setTimeout(Duration.ofSeconds(30)).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey(
            "service.name"), "kafka-e2e")))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
    Tracer tracer = provider.get("e2e");
    Map<String, Set<Long>> sent = new HashMap<>();
    for (int t = 0; t < 50; t++) {
      io.opentelemetry.api.trace.Span root = tracer.spanBuilder("root-" + t).startSpan();
      try (var scope = root.makeCurrent()) {
        for (int c = 0; c < 4; c++) {
          io.opentelemetry.api.trace.Span child = tracer.spanBuilder("child-" + c).startSpan();
          sent.computeIfAbsent(child.getSpanContext().getTraceId(), k -> new HashSet<>())
              .add(Long.parseUnsignedLong(child.getSpanContext().getSpanId(), 16));
          child.end();
        }
      }
      sent.computeIfAbsent(root.getSpanContext().getTraceId(), k -> new HashSet<>())
          .add(Long.parseUnsignedLong(root.getSpanContext().getSpanId(), 16));
      root.end();
    }
    CompletableResultCode flushed = provider.forceFlush().join(60, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).as("collector acknowledged (= Kafka acknowledged) every export").isTrue();
    provider.shutdown().join(30, TimeUnit.SECONDS);
    collector.process().destroy();
    assertThat(collector.process().waitFor(60, TimeUnit.SECONDS)).isTrue();

    Map<TopicPartition, Long> end = ends();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!committed().equals(end)) {
      assertThat(System.nanoTime()).as("ingester caught up").isLessThan(deadline);
      Thread.sleep(100);
    }
    ingester.process().destroy();
    assertThat(ingester.process().waitFor(60, TimeUnit.SECONDS)).isTrue();

    StorageProvider badger = ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.types().contains("badger")).findFirst().orElseThrow();
    try (StorageFactory store = badger.open("badger", Settings.defaults(badger.flags(), Map.of(
        "badger.ephemeral", "false", "badger.directory-key", dir.resolve("keys").toString(),
        "badger.directory-value", dir.resolve("values").toString())),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      for (Map.Entry<String, Set<Long>> e : sent.entrySet()) {
        Set<Long> stored = new HashSet<>();
        store.spanReader().getTrace(GetTraceQuery.of(TraceId.parse(e.getKey())))
            .ifPresent(tr -> tr.spans().forEach(s -> {
              stored.add(s.spanId());
              assertThat(s.process().serviceName()).isEqualTo("kafka-e2e");
            }));
        assertThat(stored).as("trace %s", e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(sent).hasSize(50);
  }
}
