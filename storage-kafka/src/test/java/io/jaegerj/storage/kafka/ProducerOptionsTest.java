// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProducerOptionsTest {
  private static Settings settings(Map<String, String> overrides) {
    return Settings.defaults(ProducerOptions.flags(), overrides);
  }

  private static Map<String, Object> props(Map<String, String> overrides) {
    return ProducerOptions.producerProperties(settings(overrides));
  }

  @Test
  void defaults_mapToLeaderAcksNoCompressionPlaintext() {
    Map<String, Object> p = props(Map.of());
    assertThat(p).containsEntry("bootstrap.servers", "127.0.0.1:9092").containsEntry("acks", "1")
        .containsEntry("compression.type", "none").containsEntry("security.protocol", "PLAINTEXT")
        .containsEntry("max.request.size", 1000000).containsEntry("linger.ms", 0L)
        .containsEntry("batch.size", 1000000).doesNotContainKey("sasl.mechanism");
  }

  @Test
  void brokers_spacesStripped() {
    assertThat(props(Map.of("kafka.producer.brokers", " a:1, b:2 "))).containsEntry("bootstrap.servers", "a:1,b:2");
  }

  @Test
  void requiredAcks_caseInsensitive() {
    assertThat(props(Map.of("kafka.producer.required-acks", "NoAck"))).containsEntry("acks", "0");
    assertThat(props(Map.of("kafka.producer.required-acks", "all"))).containsEntry("acks", "all")
        .doesNotContainKey("enable.idempotence");
    assertThatThrownBy(() -> props(Map.of("kafka.producer.required-acks", "some")))
        .hasMessageContaining("kafka.producer.required-acks");
  }

  @Test
  void compressionLevel_defaultsAndRanges() {
    assertThat(props(Map.of("kafka.producer.compression", "GZIP"))).containsEntry("compression.type", "gzip")
        .doesNotContainKey("compression.gzip.level");
    assertThat(props(Map.of("kafka.producer.compression", "zstd", "kafka.producer.compression-level", "-5")))
        .containsEntry("compression.zstd.level", -5);
    assertThat(props(Map.of("kafka.producer.compression", "lz4", "kafka.producer.compression-level", "17")))
        .containsEntry("compression.lz4.level", 17);
    assertThatThrownBy(() -> props(Map.of("kafka.producer.compression", "gzip",
        "kafka.producer.compression-level", "10"))).hasMessageContaining("kafka.producer.compression-level");
    assertThatThrownBy(() -> props(Map.of("kafka.producer.compression", "brotli")))
        .hasMessageContaining("kafka.producer.compression");
  }

  @Test
  void batchFlags_mapToLingerAndBatchSize() {
    Map<String, Object> p = props(Map.of("kafka.producer.batch-linger", "250ms", "kafka.producer.batch-size",
        "4096"));
    assertThat(p).containsEntry("linger.ms", 250L).containsEntry("batch.size", 4096);
  }

  @Test
  void protocolVersion_checked() {
    props(Map.of("kafka.producer.protocol-version", "2.0.0"));
    assertThatThrownBy(() -> props(Map.of("kafka.producer.protocol-version", "two")))
        .hasMessageContaining("kafka.producer.protocol-version");
  }

  @Test
  void saslPlainAndScram_overTlsOrNot() {
    Map<String, Object> plain = props(Map.of("kafka.producer.authentication", "plaintext",
        "kafka.producer.plaintext.username", "u", "kafka.producer.plaintext.password", "p\"w"));
    assertThat(plain).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
    assertThat((String) plain.get("sasl.jaas.config")).contains("PlainLoginModule required username=\"u\"")
        .contains("password=\"p\\\"w\"");
    Map<String, Object> scram = props(Map.of("kafka.producer.authentication", "plaintext",
        "kafka.producer.plaintext.mechanism", "scram-sha-512", "kafka.producer.tls.enabled", "true"));
    assertThat(scram).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.engine.factory.class", TlsEngineFactory.class);
    assertThatThrownBy(() -> props(Map.of("kafka.producer.authentication", "plaintext",
        "kafka.producer.plaintext.mechanism", "MD5"))).hasMessageContaining("kafka.producer.plaintext.mechanism");
  }

  @Test
  void tlsAuthentication_forcesTls() {
    assertThat(props(Map.of("kafka.producer.authentication", "tls"))).containsEntry("security.protocol", "SSL")
        .containsKey(TlsEngineFactory.CONFIG_KEY);
  }

  @Test
  void tlsOptionsWithoutEnabled_areJaegersError() {
    assertThatThrownBy(() -> props(Map.of("kafka.producer.tls.ca", "/x.pem")))
        .hasMessage("kafka.producer.tls.* options cannot be used when kafka.producer.tls.enabled is false");
  }

  @Test
  void kerberosKeytab_gssapi() {
    Map<String, Object> p = props(Map.of("kafka.producer.authentication", "kerberos",
        "kafka.producer.kerberos.use-keytab", "true", "kafka.producer.kerberos.username", "jaeger",
        "kafka.producer.kerberos.realm", "EXAMPLE.COM"));
    assertThat(p).containsEntry("sasl.mechanism", "GSSAPI").containsEntry("sasl.kerberos.service.name", "kafka");
    assertThat((String) p.get("sasl.jaas.config")).contains("principal=\"jaeger@EXAMPLE.COM\"")
        .contains("keyTab=\"/etc/security/kafka.keytab\"");
  }

  @Test
  void unknownAuthentication_isJaegersError() {
    assertThatThrownBy(() -> props(Map.of("kafka.producer.authentication", "ldap")))
        .hasMessage("Unknown/Unsupported authentication method ldap to kafka cluster");
  }

  @Test
  void unknownEncoding_isJaegersError() {
    StorageContext ctx = new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC());
    assertThatThrownBy(() -> new KafkaStorageProvider().open("kafka",
        settings(Map.of("kafka.producer.encoding", "thrift")), ctx))
        .hasMessage("kafka encoding is not one of 'json' or 'protobuf'");
  }
}
