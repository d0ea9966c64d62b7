// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class ClientTlsConfigTest {
  static Settings settings(Map<String, String> overrides) {
    return Settings.defaults(ClientTlsConfig.flags("es"), overrides);
  }

  @Test
  void flags_jaegerNamesAndDefaults() {
    assertThat(ClientTlsConfig.flags("es")).extracting(Flag::name, Flag::defaultValue).containsExactly(
        Tuple.tuple("es.tls.enabled", "false"),
        Tuple.tuple("es.tls.ca", ""),
        Tuple.tuple("es.tls.cert", ""),
        Tuple.tuple("es.tls.key", ""),
        Tuple.tuple("es.tls.server-name", ""),
        Tuple.tuple("es.tls.skip-host-verify", "false"));
  }

  @Test
  void from_disabled_emptyOrErrorWhenAnOptionIsSet() {
    assertThat(ClientTlsConfig.from(settings(Map.of()), "es")).isEmpty();
    assertThatThrownBy(() -> ClientTlsConfig.from(settings(Map.of("es.tls.server-name", "x")), "es"))
        .hasMessage("es.tls.* options cannot be used when es.tls.enabled is false");
  }

  @Test
  void from_certWithoutKey_isAnError() {
    assertThatThrownBy(() -> ClientTlsConfig.from(settings(Map.of("es.tls.enabled", "true",
        "es.tls.cert", "/c.pem")), "es")).hasMessageContaining("both client certificate and key");
  }

  @Test
  void from_enabled_keepsEveryValue() {
    assertThat(ClientTlsConfig.from(settings(Map.of("es.tls.enabled", "true", "es.tls.ca", "/ca.pem",
        "es.tls.cert", "/c.pem", "es.tls.key", "/k.pem", "es.tls.server-name", "es.internal")), "es"))
        .contains(new ClientTlsConfig("/ca.pem", "/c.pem", "/k.pem", "es.internal", false));
  }

  @Test
  void apply_serverName_setsSniAndHostVerification() {
    SSLParameters p = new ClientTlsConfig("", "", "", "es.internal", false).apply(new SSLParameters());
    assertThat(p.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(p.getServerNames()).containsExactly(new SNIHostName("es.internal"));
  }

  @Test
  void apply_skipHostVerify_noHostVerification() {
    SSLParameters p = new ClientTlsConfig("", "", "", "", true).apply(new SSLParameters());
    assertThat(p.getEndpointIdentificationAlgorithm()).isNull();
    assertThat(p.getServerNames()).isNull();
  }

  @Test
  void sslContext_missingCaFile_namesTheProblem() {
    assertThatThrownBy(() -> new ClientTlsConfig("/no/such/ca.pem", "", "", "", false).sslContext())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.pem");
    assertThat(ClientTlsConfig.DEFAULT.sslContext().getProtocol()).isEqualTo("TLS");
  }
}
