// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir static Path dir;
  static TestCerts certs;

  @BeforeAll
  static void makeCerts() throws Exception {
    certs = TestCerts.create(dir, "server");
  }

  static Settings settings(Map<String, String> overrides) {
    return Settings.defaults(ServerTls.flags("admin.http"), overrides);
  }

  Map<String, String> enabled() {
    Map<String, String> m = new HashMap<>();
    m.put("admin.http.tls.enabled", "true");
    m.put("admin.http.tls.cert", certs.cert().toString());
    m.put("admin.http.tls.key", certs.key().toString());
    return m;
  }

  @Test
  void flags_namesAndDefaults() {
    List<Flag> flags = ServerTls.flags("collector.grpc");
    assertThat(flags).extracting(Flag::name).containsExactly(
        "collector.grpc.tls.enabled", "collector.grpc.tls.cert", "collector.grpc.tls.key",
        "collector.grpc.tls.client-ca", "collector.grpc.tls.cipher-suites", "collector.grpc.tls.min-version",
        "collector.grpc.tls.max-version", "collector.grpc.tls.reload-interval");
    assertThat(flags).extracting(Flag::defaultValue).containsExactly("false", "", "", "", "", "", "", "0s");
  }

  @Test
  void serverContext_disabled_empty() {
    assertThat(ServerTls.serverContext(settings(Map.of()), "admin.http", false)).isEmpty();
  }

  @Test
  void serverContext_missingKey_jaegerMessage() {
    assertThatThrownBy(() -> ServerTls.serverContext(settings(Map.of("admin.http.tls.enabled", "true")),
        "admin.http", false))
        .hasMessage("admin.http.tls.cert and admin.http.tls.key are required");
  }

  @Test
  void serverContext_versionsAndMtls_configureEngine() {
    Map<String, String> m = enabled();
    m.put("admin.http.tls.min-version", "1.2");
    m.put("admin.http.tls.max-version", "1.2");
    m.put("admin.http.tls.client-ca", certs.cert().toString());
    SslContext ctx = ServerTls.serverContext(settings(m), "admin.http", false).orElseThrow();
    SSLEngine engine = ctx.newEngine(ByteBufAllocator.DEFAULT);
    assertThat(ctx.isServer()).isTrue();
    assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.2");
    assertThat(engine.getNeedClientAuth()).isTrue();
  }

  @Test
  void serverContext_grpc_negotiatesH2() {
    SslContext ctx = ServerTls.serverContext(settings(enabled()), "admin.http", true).orElseThrow();
    assertThat(ctx.applicationProtocolNegotiator().protocols()).containsExactly("h2");
  }

  @Test
  void serverContext_cipherSuites_goNames() {
    Map<String, String> m = enabled();
    m.put("admin.http.tls.cipher-suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305");
    SslContext ctx = ServerTls.serverContext(settings(m), "admin.http", false).orElseThrow();
    assertThat(ctx.cipherSuites())
        .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  }

  @Test
  void serverContext_badValues_nameFlag() {
    Map<String, String> v = enabled();
    v.put("admin.http.tls.min-version", "1.4");
    assertThatThrownBy(() -> ServerTls.serverContext(settings(v), "admin.http", false))
        .hasMessageContaining("--admin.http.tls.min-version").hasMessageContaining("unsupported TLS version");
    Map<String, String> order = enabled();
    order.put("admin.http.tls.min-version", "1.3");
    order.put("admin.http.tls.max-version", "1.2");
    assertThatThrownBy(() -> ServerTls.serverContext(settings(order), "admin.http", false))
        .hasMessageContaining("can't be greater");
    Map<String, String> c = enabled();
    c.put("admin.http.tls.cipher-suites", "TLS_NOPE");
    assertThatThrownBy(() -> ServerTls.serverContext(settings(c), "admin.http", false))
        .hasMessageContaining("--admin.http.tls.cipher-suites: cipher suite TLS_NOPE not supported");
    Map<String, String> f = enabled();
    f.put("admin.http.tls.cert", dir.resolve("missing.crt").toString());
    assertThatThrownBy(() -> ServerTls.serverContext(settings(f), "admin.http", false))
        .hasMessageContaining("--admin.http.tls.cert: cannot read");
  }
}
