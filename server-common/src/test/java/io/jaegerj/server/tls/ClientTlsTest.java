// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTlsTest {
  @TempDir Path dir;

  static Settings settings(Map<String, String> overrides) {
    return Settings.defaults(ClientTls.flags("kafka.producer"), overrides);
  }

  @Test
  void flags_namesAndDefaults() {
    assertThat(ClientTls.flags("cassandra")).extracting(Flag::name).containsExactly(
        "cassandra.tls.enabled", "cassandra.tls.ca", "cassandra.tls.cert", "cassandra.tls.key",
        "cassandra.tls.server-name", "cassandra.tls.skip-host-verify");
  }

  @Test
  void config_optionWhileDisabled_jaegerMessage() {
    assertThatThrownBy(() -> ClientTls.config(settings(Map.of("kafka.producer.tls.ca", "/x")), "kafka.producer"))
        .hasMessage("kafka.producer.tls.* options cannot be used when kafka.producer.tls.enabled is false");
    assertThat(ClientTls.config(settings(Map.of()), "kafka.producer")).isEmpty();
  }

  @Test
  void config_enabled_buildsContexts() throws Exception {
    TestCerts certs = TestCerts.create(dir, "client");
    ClientTls.Config c = ClientTls.config(settings(Map.of(
        "kafka.producer.tls.enabled", "true",
        "kafka.producer.tls.ca", certs.cert().toString(),
        "kafka.producer.tls.cert", certs.cert().toString(),
        "kafka.producer.tls.key", certs.key().toString())), "kafka.producer").orElseThrow();
    assertThat(c.nettyContext().isClient()).isTrue();
    assertThat(c.jdkContext().getProtocol()).isEqualTo("TLS");
  }

  @Test
  void pem_pkcs1RsaKey_isRead() throws Exception {
    TestCerts certs = TestCerts.create(dir, "pkcs1");
    // Re-encode the PKCS#8 key as PKCS#1 by stripping the PrivateKeyInfo header (26 bytes for RSA).
    byte[] pkcs8 = Pem.privateKey(certs.key()).getEncoded();
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    Path f = dir.resolve("rsa.key");
    Files.writeString(f, "-----BEGIN RSA PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
    assertThat(Pem.privateKey(f).getEncoded()).isEqualTo(pkcs8);
  }
}
