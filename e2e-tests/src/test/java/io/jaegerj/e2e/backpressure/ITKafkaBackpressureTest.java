// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.kafka.KafkaTestServer;
import io.jaegerj.storage.kafka.SpanEncoding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final int SPANS_PER_TRACE = 5;
  private static final int TRACES_PER_REQUEST = 10;
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

  /** What the senders saw. */
  private static final class Seen {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong refusedWhilePaused = new AtomicLong();
    final AtomicLong refusedWithoutRetryAfter = new AtomicLong();
    final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    final AtomicBoolean paused = new AtomicBoolean();
    final AtomicBoolean stop = new AtomicBoolean();
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
    Seen seen = new Seen();
    try (JaegerMain.Running binary = JaegerMain.start(CollectorMain.spec(), args.toArray(String[]::new), env)) {
      MeterRegistry meters = binary.meters();
      Thread sender = new Thread(() -> send(otlpPort, seen), "bp-sender");
      sender.start();
      awaitAcked(seen, 200, Duration.ofSeconds(60));
      kafka.pause();
      long refusedBefore = seen.refused.get();
      long ackedAtPause = seen.acked.size();
      try {
        seen.paused.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // stay paused until the refusals have gone on for a while (the pipeline fills within a second or two)
        while (seen.refusedWhilePaused.get() < 50 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Thread.sleep(1000);
      } finally {
        seen.paused.set(false);
        kafka.resume();
      }
      assertThat(seen.refusedWhilePaused.get()).as("retryable refusals while the broker was paused")
          .isGreaterThanOrEqualTo(50);
      long ackedAtResume = seen.acked.size();
      awaitAcked(seen, ackedAtResume + 200, Duration.ofSeconds(60));
      seen.stop.set(true);
      sender.join(TimeUnit.SECONDS.toMillis(90));
      assertThat(sender.isAlive()).as("sender finished").isFalse();
      assertThat(seen.errors).as("answers other than 200 and 503").isEmpty();
      assertThat(seen.refusedWithoutRetryAfter.get()).isZero();
      assertThat(seen.refused.get()).isGreaterThan(refusedBefore);

      // every span of every acknowledged trace is on the topic
      Map<String, Set<Long>> onTopic = awaitOnTopic(topic, seen.acked, Duration.ofSeconds(60));
      List<String> incomplete = new ArrayList<>();
      for (String id : seen.acked) {
        if (onTopic.getOrDefault(id, Set.of()).size() != SPANS_PER_TRACE) {
          incomplete.add(id + "=" + onTopic.get(id));
        }
      }
      assertThat(incomplete).as("acknowledged traces not whole on the topic").isEmpty();
      System.out.printf(Locale.ROOT, "kafka backpressure %s: %d traces acknowledged (%d while paused), %d requests"
              + " refused (%d while paused), %d traces on the topic%n", ack, seen.acked.size(),
          ackedAtResume - ackedAtPause, seen.refused.get(), seen.refusedWhilePaused.get(), onTopic.size());
      assertThat(counter(meters, "jaegerj_collector_spans_dropped_after_ack")).isZero();
      assertThat(counter(meters, "jaegerj_collector_spans_refused")
          + counter(meters, "jaegerj_collector_requests_refused")).isPositive();
      assertThat(meters.find("jaeger_storage_kafka_spans_written").tag("status", "failure").counter().count())
          .as("spans Kafka did not take").isZero();
    }
  }

  /** Sends requests of fresh traces with up to {@link #IN_FLIGHT} outstanding, until told to stop. */
  private static void send(int port, Seen seen) {
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/traces");
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong refusedInARow = new AtomicLong();
    try {
      while (!seen.stop.get()) {
        slots.acquire();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TRACES_PER_REQUEST; i++) {
          ids.add(newTraceId());
        }
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request(ids).toByteArray())).build();
        boolean pausedAtSend = seen.paused.get();
        HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
          long backoff = 0;
          if (e != null) {
            seen.errors.add(e.toString());
          } else if (r.statusCode() == 200) {
            seen.acked.addAll(ids);
            refusedInARow.set(0);
          } else if (r.statusCode() == 503) {
            seen.refused.incrementAndGet();
            if (pausedAtSend && seen.paused.get()) {
              seen.refusedWhilePaused.incrementAndGet();
            }
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              seen.refusedWithoutRetryAfter.incrementAndGet();
            }
            // back off as exporters do, but shorter than Retry-After so that the test stays short
            backoff = Math.min(200, 10L << Math.min(refusedInARow.getAndIncrement(), 4));
          } else {
            seen.errors.add("HTTP " + r.statusCode());
          }
          if (backoff > 0) {
            CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(slots::release);
          } else {
            slots.release();
          }
        });
      }
      if (!slots.tryAcquire(IN_FLIGHT, 90, TimeUnit.SECONDS)) {
        seen.errors.add("requests still outstanding 90 s after the load stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitAcked(Seen seen, long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (seen.acked.size() < count) {
      assertThat(System.nanoTime()).as("%d traces acknowledged within %s (have %d, errors %s)", count, timeout,
          seen.acked.size(), seen.errors).isLessThan(deadline);
      Thread.sleep(20);
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
          Set<Long> ids = out.computeIfAbsent(traceId, k -> new java.util.HashSet<>());
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

  /** 32 hex digits, the high half without a leading zero, as Jaeger prints 128-bit IDs. */
  private static String newTraceId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = r.nextLong() | 0x1000_0000_0000_0000L;
    high &= 0x7fff_ffff_ffff_ffffL;
    return String.format(Locale.ROOT, "%016x%016x", high, r.nextLong());
  }

  private static ExportTraceServiceRequest request(List<String> traceIds) {
    long now = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (String id : traceIds) {
      ByteString traceId = ByteString.copyFrom(hex(id));
      for (int i = 0; i < SPANS_PER_TRACE; i++) {
        Span.Builder s = Span.newBuilder().setTraceId(traceId)
            .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1L).array()))
            .setName("op-" + i).setStartTimeUnixNano(now + i * 1000L).setEndTimeUnixNano(now + i * 1000L + 500_000);
        if (i > 0) {
          s.setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(1L).array()));
        }
        scope.addSpans(s);
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("kafka-backpressure"))))
        .addScopeSpans(scope)).build();
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
