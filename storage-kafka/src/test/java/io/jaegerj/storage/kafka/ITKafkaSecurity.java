// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.storage.conformance.TraceFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS and SASL against the real KRaft broker ({@link KafkaTestServer#startSecured()}: SASL_PLAINTEXT, SSL with client
 * certificates required, SASL_SSL; a test CA made with openssl), configured only through Jaeger's flags as users set
 * them: {@code kafka.producer.*} for our span writer and {@code kafka.consumer.*} for the ingester's consumer. Each case
 * writes a trace and reads it back with the consumer; the negative cases (wrong password, unknown CA, no client
 * certificate) must fail the write.
 */
class ITKafkaSecurity {
  static KafkaTestServer kafka;
  final TraceFixtures fx = new TraceFixtures("kafka-security");

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaTestServer.startSecured();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  /** Jaeger's flag names without the {@code kafka.producer.} / {@code kafka.consumer.} prefix. */
  static Map<String, String> flags(String prefix, String brokers, Map<String, String> common) {
    Map<String, String> o = new HashMap<>();
    o.put(prefix + "brokers", brokers);
    common.forEach((k, v) -> o.put(prefix + k, v));
    return o;
  }

  KafkaSpanWriter writer(String topic, String brokers, Map<String, String> common, long maxBlockMs) {
    Map<String, String> o = flags("kafka.producer.", brokers, common);
    o.put("kafka.producer.topic", topic);
    Map<String, Object> props = ProducerOptions.producerProperties(Settings.defaults(ProducerOptions.flags(), o));
    props.put("max.block.ms", maxBlockMs);
    return new KafkaSpanWriter(new KafkaProducer<>(props), topic, SpanEncoding.PROTOBUF, new SimpleMeterRegistry());
  }

  /** Writes a trace with the producer flags, then reads it back from the beginning with the consumer flags. */
  void roundTrip(String topic, String brokers, Map<String, String> common) throws Exception {
    List<Span> trace = fx.richTrace(fx.traceId128(), fx.baseMicros(), 4, List.of(fx.service("a")));
    KafkaSpanWriter w = writer(topic, brokers, common, 60_000);
    try {
      w.write("", trace).toCompletableFuture().get(90, TimeUnit.SECONDS);
    } finally {
      w.close(Duration.ofSeconds(5));
    }
    Map<String, String> o = flags("kafka.consumer.", brokers, common);
    o.put("kafka.consumer.group-id", "check-" + topic);
    Map<String, Object> props = ConsumerOptions.consumerProperties(Settings.defaults(ConsumerOptions.flags(), o));
    props.put("auto.offset.reset", "earliest");
    Set<Long> read = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (read.size() < trace.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          read.add(SpanEncoding.PROTOBUF.decode(r.value()).spanId());
        }
      }
    }
    List<Long> want = new ArrayList<>();
    trace.forEach(s -> want.add(s.spanId()));
    assertThat(read).as("spans read back through %s", brokers).containsExactlyInAnyOrderElementsOf(want);
  }

  String cert(String name) {
    return kafka.certs().resolve(name).toString();
  }

  @Test
  void saslPlain_overSaslPlaintext() throws Exception {
    roundTrip("sasl-plain", kafka.saslPlaintextBrokers(), Map.of("authentication", "plaintext",
        "plaintext.username", KafkaTestServer.USER, "plaintext.password", KafkaTestServer.PASSWORD));
  }

  @Test
  void saslScramSha256_overSaslPlaintext() throws Exception {
    roundTrip("sasl-scram256", kafka.saslPlaintextBrokers(), Map.of("authentication", "plaintext",
        "plaintext.username", KafkaTestServer.USER, "plaintext.password", KafkaTestServer.PASSWORD,
        "plaintext.mechanism", "SCRAM-SHA-256"));
  }

  @Test
  void saslScramSha512_overTls() throws Exception {
    roundTrip("sasl-scram512-tls", kafka.saslSslBrokers(), Map.of("authentication", "plaintext",
        "plaintext.username", KafkaTestServer.USER, "plaintext.password", KafkaTestServer.PASSWORD,
        "plaintext.mechanism", "SCRAM-SHA-512", "tls.enabled", "true", "tls.ca", cert("ca.pem")));
  }

  @Test
  void tlsWithClientCertificate() throws Exception {
    roundTrip("mtls", kafka.sslBrokers(), Map.of("authentication", "tls", "tls.enabled", "true",
        "tls.ca", cert("ca.pem"), "tls.cert", cert("client.pem"), "tls.key", cert("client-key.pem")));
  }

  void assertWriteFails(String topic, String brokers, Map<String, String> common) throws Exception {
    KafkaSpanWriter w = writer(topic, brokers, common, 5_000);
    try {
      CompletableFuture<Void> stage = w.write("", fx.richTrace(fx.traceId128(), fx.baseMicros(), 2,
          List.of(fx.service("a")))).toCompletableFuture();
      assertThatThrownBy(() -> stage.get(90, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    } finally {
      w.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void wrongPassword_unknownCa_missingClientCertificate_failTheWrite() throws Exception {
    assertWriteFails("bad-password", kafka.saslPlaintextBrokers(), Map.of("authentication", "plaintext",
        "plaintext.username", KafkaTestServer.USER, "plaintext.password", "wrong",
        "plaintext.mechanism", "SCRAM-SHA-256"));
    assertWriteFails("unknown-ca", kafka.saslSslBrokers(), Map.of("authentication", "plaintext",
        "plaintext.username", KafkaTestServer.USER, "plaintext.password", KafkaTestServer.PASSWORD,
        "tls.enabled", "true", "tls.ca", cert("other-ca.pem")));
    assertWriteFails("no-client-cert", kafka.sslBrokers(), Map.of("authentication", "tls",
        "tls.enabled", "true", "tls.ca", cert("ca.pem")));
  }
}
