// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.ingester.IngesterMain;
import io.jaegerj.query.QueryMain;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.testing.Poll;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's "done when": the collector and the ingester as separate processes (their runnable {@code -exec.jar}s
 * when the reactor built them) with a real KRaft Kafka between them. The OpenTelemetry SDK exports over OTLP gRPC to
 * two collectors, one with Jaeger's default acknowledgement ({@code auto}, which is {@code queued} for Kafka) and one
 * with {@code --collector.acknowledge=stored}; the ingester writes a persistent badger store and is killed with
 * SIGKILL mid-stream, then restarted. Afterwards jaeger-query on the same store answers {@code /api/traces/{id}} for
 * every trace: every span whose export the SDK saw succeed is there exactly once after the query's dedupe, and the
 * copies stored beyond one ({@code raw=true}) are counted.
 */
final class ITKafkaIngesterKill9Test {
  private static final Logger LOG = LoggerFactory.getLogger(ITKafkaIngesterKill9Test.class);
  static final String TOPIC = "jaeger-spans-e2e";
  static final String GROUP = "jaeger-ingester";
  static final int PARTITIONS = 2;
  static final int SPANS_PER_TRACE = 5;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final ObjectMapper JSON = new ObjectMapper();
  static KafkaTestServer kafka;

  @TempDir
  Path dir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaTestServer.start();
    kafka.createTopic(TOPIC, PARTITIONS);
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  /** A binary in a child JVM, every host:port flag on a free loopback port. */
  record Child(String name, Process process, Path log, Map<String, Integer> ports) {
    String url(String flag) {
      return "http://127.0.0.1:" + ports.get(flag) + "/";
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The module's shaded runnable jar when the reactor packaged it, else null. */
  static Path execJar(String module) throws IOException {
    Path target = Path.of("").toAbsolutePath().resolveSibling(module).resolve("target");
    if (!Files.isDirectory(target)) {
      return null;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
      for (Path p : ds) {
        return p;
      }
    }
    return null;
  }

  Child start(String module, Class<?> main, BinarySpec spec, Map<String, String> env, List<String> args, int n)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC"));
    Path jar = execJar(module);
    if (jar != null) {
      cmd.addAll(List.of("-jar", jar.toString()));
    } else {
      // tests run without the package phase (e.g. from an IDE): the same main class on the module classpath
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    }
    Map<String, Integer> ports = new HashMap<>();
    for (Flag f : JaegerMain.flags(spec, env)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        int port = freePort();
        ports.put(f.name(), port);
        cmd.add("--" + f.name() + "=127.0.0.1:" + port);
      }
    }
    cmd.addAll(args);
    Path log = dir.resolve(module + "-" + n + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    Child c = new Child(module + "-" + n + (jar != null ? " (" + jar.getFileName() + ")" : ""), p, log, ports);
    LOG.info("started {}", c.name());
    await(() -> p.isAlive() && status(c.url("admin.http.host-port")) == 200, c.name() + " healthy", 180, c);
    return c;
  }

  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static void await(BooleanSupplier cond, String what, int seconds, Child... children) throws Exception {
    if (!Poll.read(Duration.ofSeconds(seconds), cond::getAsBoolean, Boolean::booleanValue)) {
      StringBuilder out = new StringBuilder();
      for (Child c : children) {
        out.append("\n--- ").append(c.name()).append(":\n").append(tail(Files.readString(c.log())));
      }
      throw new AssertionError("timed out waiting for " + what + out);
    }
  }

  static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }

  static BooleanSupplier quietly(Callable<Boolean> c) {
    return () -> {
      try {
        return c.call();
      } catch (Exception e) {
        return false;
      }
    };
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

  static long committedSum() throws Exception {
    return committed().values().stream().mapToLong(Long::longValue).sum();
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

  /** Records the spans of every export the collector answered with success: the SDK's view of "acknowledged". */
  static final class AckRecorder implements SpanExporter {
    final SpanExporter delegate;
    final Map<String, Set<String>> acked = new ConcurrentHashMap<>();
    final AtomicLong ackedSpans = new AtomicLong();
    final AtomicLong failedSpans = new AtomicLong();

    AckRecorder(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      List<SpanData> batch = List.copyOf(spans);
      CompletableResultCode r = delegate.export(batch);
      r.whenComplete(() -> {
        if (r.isSuccess()) {
          for (SpanData s : batch) {
            acked.computeIfAbsent(s.getTraceId(), k -> ConcurrentHashMap.newKeySet()).add(s.getSpanId());
          }
          ackedSpans.addAndGet(batch.size());
        } else {
          failedSpans.addAndGet(batch.size());
        }
      });
      return r;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  /** One OTel SDK pipeline towards one collector. */
  static final class Client {
    final AckRecorder recorder;
    final SdkTracerProvider provider;
    final Tracer tracer;

    Client(Child collector, String service) {
      recorder = new AckRecorder(OtlpGrpcSpanExporter.builder()
          .setEndpoint(collector.url("collector.otlp.grpc.host-port")).setTimeout(Duration.ofSeconds(30)).build());
      provider = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
          .addSpanProcessor(BatchSpanProcessor.builder(recorder).setScheduleDelay(Duration.ofMillis(50))
              .setMaxExportBatchSize(100).build())
          .build();
      tracer = provider.get("kafka-kill9");
    }

    String trace(String name) {
      Span root = tracer.spanBuilder(name).startSpan();
      try (var scope = root.makeCurrent()) {
        for (int c = 1; c < SPANS_PER_TRACE; c++) {
          tracer.spanBuilder(name + "-child-" + c).startSpan().end();
        }
      }
      root.end();
      return root.getSpanContext().getTraceId();
    }

    void close() {
      assertThat(provider.forceFlush().join(60, TimeUnit.SECONDS).isSuccess()).as("final flush").isTrue();
      provider.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  /** What the query API returned for one trace: span IDs after the dedupe, and all copies with raw=true. */
  record Read(List<String> spanIds, List<String> rawSpanIds) {}

  static Read read(Child query, String traceId) throws Exception {
    return new Read(spanIds(query, traceId, ""), spanIds(query, traceId, "?raw=true"));
  }

  static List<String> spanIds(Child query, String traceId, String params) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create(query.url("query.http-server.host-port") + "api/traces/" + traceId + params))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    List<String> out = new ArrayList<>();
    if (r.statusCode() == 404) {
      return out;
    }
    assertThat(r.statusCode()).as("GET /api/traces/%s%s: %s", traceId, params, r.body()).isEqualTo(200);
    for (JsonNode t : JSON.readTree(r.body()).path("data")) {
      for (JsonNode s : t.path("spans")) {
        out.add(s.path("spanID").asText());
      }
    }
    return out;
  }

  @Test
  void collectorsKafkaIngesterKill9_everyAcknowledgedSpanReadableThroughQuery() throws Exception {
    Map<String, String> badgerEnv = Map.of("SPAN_STORAGE_TYPE", "badger", "BADGER_EPHEMERAL", "false",
        "BADGER_DIRECTORY_KEY", dir.resolve("keys").toString(),
        "BADGER_DIRECTORY_VALUE", dir.resolve("values").toString());
    List<String> ingesterArgs = List.of("--badger.consistency=true", "--kafka.consumer.brokers=" + kafka.brokers(),
        "--kafka.consumer.topic=" + TOPIC, "--log-level=warn");
    Child ingester = start("ingester", IngesterMain.class, IngesterMain.spec(), badgerEnv, ingesterArgs, 1);

    Map<String, String> kafkaEnv = Map.of("SPAN_STORAGE_TYPE", "kafka");
    List<String> producer = List.of("--kafka.producer.brokers=" + kafka.brokers(), "--kafka.producer.topic=" + TOPIC);
    List<String> storedArgs = new ArrayList<>(producer);
    storedArgs.add("--collector.acknowledge=stored");
    Child queuedCollector = start("collector", CollectorMain.class, CollectorMain.spec(), kafkaEnv, producer, 1);
    Child storedCollector = start("collector", CollectorMain.class, CollectorMain.spec(), kafkaEnv, storedArgs, 2);
    assertThat(Files.readString(queuedCollector.log())).as("Jaeger's default for Kafka: acknowledge once queued")
        .contains("Receivers acknowledge spans once queued");
    assertThat(Files.readString(storedCollector.log())).contains("Receivers acknowledge spans once stored");
    Client queued = new Client(queuedCollector, "kafka-e2e-queued");
    Client stored = new Client(storedCollector, "kafka-e2e-stored");

    // a new consumer group starts at the newest offset, as Jaeger's: send until the ingester committed everywhere
    // traces started before that are not promised (they may precede the group's first offsets)
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean promising = new AtomicBoolean();
    Set<String> promised = ConcurrentHashMap.newKeySet();
    AtomicLong traces = new AtomicLong();
    Thread load = new Thread(() -> {
      while (!stop.get()) {
        long n = traces.incrementAndGet();
        boolean promise = promising.get();
        String id = (n % 2 == 0 ? queued : stored).trace("op-" + n);
        if (promise) {
          promised.add(id);
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "otel-load");
    load.start();
    await(quietly(() -> committed().size() == PARTITIONS), "ingester committed on every partition", 120, ingester);
    promising.set(true);
    long base = committedSum();
    await(quietly(() -> committedSum() > base + 1000), "ingester storing under load", 120, ingester);
    ingester.process().destroyForcibly();
    assertThat(ingester.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ingester.process().exitValue()).as("ingester killed by SIGKILL").isEqualTo(137);
    Map<TopicPartition, Long> committedAtKill = committed();
    Map<TopicPartition, Long> endAtKill = ends();
    long ackedAtKill = queued.recorder.ackedSpans.get() + stored.recorder.ackedSpans.get();
    await(() -> queued.recorder.ackedSpans.get() + stored.recorder.ackedSpans.get() > ackedAtKill + 1000,
        "spans acknowledged while the ingester is down", 120, queuedCollector, storedCollector);
    stop.set(true);
    load.join(60_000);
    queued.close();
    stored.close();
    queuedCollector.stop();
    storedCollector.stop();
    assertThat(queuedCollector.process().exitValue()).as("graceful collector exit").isZero();
    assertThat(storedCollector.process().exitValue()).as("graceful collector exit").isZero();

    Child restarted = start("ingester", IngesterMain.class, IngesterMain.spec(), badgerEnv, ingesterArgs, 2);
    Map<TopicPartition, Long> end = ends();
    await(quietly(() -> committed().equals(end)), "restarted ingester caught up", 240, restarted);
    restarted.stop();
    assertThat(restarted.process().exitValue()).as("graceful ingester exit").isZero();
    long redeliverable = 0;
    for (Map.Entry<TopicPartition, Long> e : endAtKill.entrySet()) {
      redeliverable += e.getValue() - committedAtKill.getOrDefault(e.getKey(), 0L);
    }

    Child query = start("query", QueryMain.class, QueryMain.spec(), badgerEnv, List.of("--log-level=warn"), 1);
    int ackedSpans = 0;
    int lost = 0;
    int duplicatesAfterDedupe = 0;
    int storedCopiesBeyondOne = 0;
    List<String> lostTraces = new ArrayList<>();
    try {
      for (Client c : List.of(queued, stored)) {
        for (Map.Entry<String, Set<String>> e : c.recorder.acked.entrySet()) {
          Read r = read(query, e.getKey());
          Set<String> unique = new HashSet<>(r.spanIds());
          duplicatesAfterDedupe += r.spanIds().size() - unique.size();
          storedCopiesBeyondOne += r.rawSpanIds().size() - new HashSet<>(r.rawSpanIds()).size();
          if (!promised.contains(e.getKey())) {
            continue; // started before the group had offsets: not promised to the ingester
          }
          for (String span : e.getValue()) {
            ackedSpans++;
            if (!unique.contains(span)) {
              lost++;
              if (lostTraces.size() < 10) {
                lostTraces.add(e.getKey());
              }
            }
          }
        }
      }
    } finally {
      query.stop();
    }
    LOG.info("kafka kill -9 figures: {} traces generated; {} acknowledged spans checked (sent once the group had "
            + "offsets; acknowledged in all: queued collector {}, stored collector {}), export failures {} spans; {} "
            + "messages on the topic past the committed offsets at the kill; read through "
            + "jaeger-query: {} acknowledged spans lost, {} duplicates after dedupe, {} stored copies beyond one "
            + "(raw=true)", traces.get(), ackedSpans, queued.recorder.ackedSpans.get(),
        stored.recorder.ackedSpans.get(), queued.recorder.failedSpans.get() + stored.recorder.failedSpans.get(),
        redeliverable, lost, duplicatesAfterDedupe, storedCopiesBeyondOne);
    assertThat(ackedSpans).as("acknowledged spans checked").isGreaterThan(2000);
    assertThat(queued.recorder.ackedSpans.get()).isPositive();
    assertThat(stored.recorder.ackedSpans.get()).isPositive();
    assertThat(lost).as("acknowledged spans lost, first traces %s", lostTraces).isZero();
    assertThat(duplicatesAfterDedupe).as("duplicate spans returned by the query API").isZero();
    assertThat(storedCopiesBeyondOne).as("stored copies beyond one cannot exceed the redelivered messages")
        .isBetween(0, (int) redeliverable);
  }
}
