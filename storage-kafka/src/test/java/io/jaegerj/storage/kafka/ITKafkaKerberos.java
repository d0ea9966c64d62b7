// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.storage.conformance.TraceFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code authentication=kerberos} against a real KDC (Apache Kerby's {@code SimpleKdcServer}, in this JVM on a free
 * TCP port) and the real broker with a SASL_PLAINTEXT/GSSAPI listener logging in as {@code kafka/localhost}. Our span
 * writer (the collector's) and the ingester's consumer are configured only through Jaeger's {@code kafka.producer.*}
 * / {@code kafka.consumer.*} Kerberos flags, each with its own principal and keytab: a trace written by the one is
 * read back by the other; a principal the keytab does not hold fails the write.
 */
class ITKafkaKerberos {
  static final String REALM = "JAEGERJ.TEST";
  static Path dir;
  static SimpleKdcServer kdc;
  static KafkaTestServer kafka;
  final TraceFixtures fx = new TraceFixtures("kafka-kerberos");

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("jaegerj-kdc");
    int kdcPort = freePort();
    kdc = new SimpleKdcServer();
    kdc.setWorkDir(dir.toFile());
    kdc.setKdcHost("localhost");
    kdc.setKdcRealm(REALM);
    kdc.setKdcTcpPort(kdcPort);
    kdc.setAllowUdp(false);
    kdc.init();
    kdc.start();
    kdc.createAndExportPrincipals(dir.resolve("kafka.keytab").toFile(), "kafka/localhost");
    kdc.createAndExportPrincipals(dir.resolve("collector.keytab").toFile(), "jaeger-collector");
    kdc.createAndExportPrincipals(dir.resolve("ingester.keytab").toFile(), "jaeger-ingester");
    // no DNS: the service host stays "localhost" as the client names it, the KDC is reached over TCP
    Files.writeString(dir.resolve("krb5.conf"), String.join("\n",
        "[libdefaults]",
        "  default_realm = " + REALM,
        "  dns_lookup_kdc = false",
        "  dns_lookup_realm = false",
        "  dns_canonicalize_hostname = false",
        "  rdns = false",
        "  udp_preference_limit = 1",
        "  ticket_lifetime = 1h",
        "[realms]",
        "  " + REALM + " = {",
        "    kdc = localhost:" + kdcPort,
        "  }",
        "[domain_realm]",
        "  localhost = " + REALM,
        ""));
    // the client side reads krb5.conf from kerberos.config-file (KafkaAuth sets java.security.krb5.conf once)
    System.clearProperty("java.security.krb5.conf");
    kafka = KafkaTestServer.startKerberos(new KafkaTestServer.Kerberos(dir.resolve("krb5.conf"),
        dir.resolve("kafka.keytab"), "kafka/localhost@" + REALM));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.stop();
    }
    if (kdc != null) {
      kdc.stop();
    }
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Jaeger's Kerberos flags for one principal, under {@code prefix} ({@code kafka.producer.} or {@code .consumer.}). */
  static Map<String, String> kerberosFlags(String prefix, String user, String keytab) {
    Map<String, String> o = new HashMap<>();
    o.put(prefix + "brokers", kafka.kerberosBrokers());
    o.put(prefix + "authentication", "kerberos");
    o.put(prefix + "kerberos.service-name", "kafka");
    o.put(prefix + "kerberos.realm", REALM);
    o.put(prefix + "kerberos.use-keytab", "true");
    o.put(prefix + "kerberos.username", user);
    o.put(prefix + "kerberos.keytab-file", dir.resolve(keytab).toString());
    o.put(prefix + "kerberos.config-file", dir.resolve("krb5.conf").toString());
    return o;
  }

  KafkaSpanWriter writer(String topic, String user, long giveUpMs) {
    Map<String, String> o = kerberosFlags("kafka.producer.", user, "collector.keytab");
    o.put("kafka.producer.topic", topic);
    Map<String, Object> props = ProducerOptions.producerProperties(Settings.defaults(ProducerOptions.flags(), o));
    return new KafkaSpanWriter(new KafkaProducer<>(props), topic, SpanEncoding.PROTOBUF, new SimpleMeterRegistry(),
        Duration.ofMillis(giveUpMs));
  }

  @Test
  void collectorProducesAndIngesterConsumes_overKerberos() throws Exception {
    kafka.createTopic("krb", 2);
    List<Span> trace = fx.richTrace(fx.traceId128(), fx.baseMicros(), 6, List.of(fx.service("a"), fx.service("b")));
    KafkaSpanWriter w = writer("krb", "jaeger-collector", 120_000);
    try {
      w.write("", trace).toCompletableFuture().get(90, TimeUnit.SECONDS);
    } finally {
      w.close(Duration.ofSeconds(5));
    }
    Map<String, String> o = kerberosFlags("kafka.consumer.", "jaeger-ingester", "ingester.keytab");
    o.put("kafka.consumer.topic", "krb");
    o.put("kafka.consumer.group-id", "krb-ingester");
    Map<String, Object> props = ConsumerOptions.consumerProperties(Settings.defaults(ConsumerOptions.flags(), o));
    assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "GSSAPI");
    props.put("auto.offset.reset", "earliest");
    List<Span> read = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
      c.subscribe(List.of("krb"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (seen.size() < trace.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Span s = SpanEncoding.PROTOBUF.decode(r.value());
          if (seen.add(s.spanId())) {
            read.add(s);
          }
        }
      }
    }
    assertThat(read).as("spans the ingester's consumer read over Kerberos").containsExactlyInAnyOrderElementsOf(trace);
  }

  /** The collector's keytab holds only jaeger-collector: logging in as another principal fails the write. */
  @Test
  void principalMissingFromTheKeytab_failsTheWrite() throws Exception {
    assertThatThrownBy(() -> {
      KafkaSpanWriter w = writer("krb-denied", "jaeger-ingester", 5_000);
      try {
        CompletableFuture<Void> stage = w.write("", fx.richTrace(fx.traceId128(), fx.baseMicros(), 2,
            List.of(fx.service("a")))).toCompletableFuture();
        stage.get(90, TimeUnit.SECONDS);
      } finally {
        w.close(Duration.ofSeconds(1));
      }
    }).isInstanceOfAny(ExecutionException.class, KafkaException.class);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
