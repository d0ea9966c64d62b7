// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.tls.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code es.tls.*} against a real TLS server (the JDK's HttpsServer) that requires a client certificate and whose
 * certificate names only {@code es.internal}, reached at 127.0.0.1: mutual TLS, SNI and host verification against
 * {@code es.tls.server-name}, for the storage and for both tools.
 */
class EsTlsTest {
  private static final String ROOT = RecordingServer.esRoot("7.17.28");
  @TempDir static Path dir;
  static TestPki server;
  static TestPki client;
  static TestPki stranger;
  static HttpTestServer es;

  @BeforeAll
  static void start() throws Exception {
    server = TestPki.create(dir, "es-node", "dns:es.internal");
    client = TestPki.create(dir, "jaeger", "dns:jaeger");
    stranger = TestPki.create(dir, "stranger", "dns:stranger");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(server.keyStore(), TestPki.PASSWORD);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("jaeger", client.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    es = new HttpTestServer(new HttpsConfigurator(ctx) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    }, r -> HttpTestServer.Answer.ok(r.uri().equals("/") ? ROOT : "{}"));
  }

  @AfterAll
  static void stop() {
    es.close();
  }

  static Map<String, String> tls(String prefix, String ca, TestPki cert, String serverName) {
    Map<String, String> o = new HashMap<>();
    o.put(prefix + ".tls.enabled", "true");
    o.put(prefix + ".tls.ca", ca);
    if (cert != null) {
      o.put(prefix + ".tls.cert", cert.cert().toString());
      o.put(prefix + ".tls.key", cert.key().toString());
    }
    o.put(prefix + ".tls.server-name", serverName);
    return o;
  }

  @Test
  void mutualTls_serverName_sentAsSniAndVerified() throws Exception {
    try (EsClient c = EsClientTest.client(es.url(), tls("es", server.cert().toString(), client, "es.internal"))) {
      assertThat(c.detectVersion()).isEqualTo(7);
      assertThat(es.last().sni()).isEqualTo("es.internal");
      assertThat(es.last().clientSubject()).isEqualTo("CN=jaeger");
    }
  }

  @Test
  void withoutServerName_certificateForAnotherHost_isRejected() {
    try (EsClient c = EsClientTest.client(es.url(), tls("es", server.cert().toString(), client, ""))) {
      assertThatThrownBy(() -> c.json("GET", "/", null)).isInstanceOf(SSLException.class)
          .hasMessageContaining("127.0.0.1");
    }
  }

  @Test
  void wrongServerName_isRejected() {
    try (EsClient c = EsClientTest.client(es.url(), tls("es", server.cert().toString(), client, "other.host"))) {
      assertThatThrownBy(() -> c.json("GET", "/", null)).isInstanceOf(SSLException.class);
    }
  }

  @Test
  void withoutClientCertificate_serverRefusesTheHandshake() {
    try (EsClient c = EsClientTest.client(es.url(), tls("es", server.cert().toString(), null, "es.internal"))) {
      assertThatThrownBy(() -> c.json("GET", "/", null)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void untrustedClientCertificate_serverRefusesTheHandshake() {
    try (EsClient c = EsClientTest.client(es.url(), tls("es", server.cert().toString(), stranger, "es.internal"))) {
      assertThatThrownBy(() -> c.json("GET", "/", null)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void withoutCa_serverCertificateIsNotTrusted() {
    try (EsClient c = EsClientTest.client(es.url(), tls("es", "", client, "es.internal"))) {
      assertThatThrownBy(() -> c.json("GET", "/", null)).isInstanceOf(SSLException.class);
    }
  }

  @Test
  void skipHostVerify_acceptsAnyServerCertificate() throws Exception {
    Map<String, String> o = tls("es", "", client, "");
    o.put("es.tls.skip-host-verify", "true");
    try (EsClient c = EsClientTest.client(es.url(), o)) {
      assertThat(c.detectVersion()).isEqualTo(7);
    }
  }

  @Test
  void tlsOptionWhileDisabled_isAnError() {
    assertThatThrownBy(() -> EsClientTest.client(es.url(), Map.of("es.tls.ca", "/x")))
        .hasMessage("es.tls.* options cannot be used when es.tls.enabled is false");
  }

  @Test
  void storage_primaryAndArchive_useTheirOwnTlsSettings() throws Exception {
    Map<String, String> o = new HashMap<>(tls("es", server.cert().toString(), client, "es.internal"));
    o.putAll(tls("es-archive", server.cert().toString(), client, "es.internal"));
    o.put("es-archive.enabled", "true");
    o.put("es-archive.server-urls", es.url());
    int before = es.requests.size();
    try (StorageFactory f = EsConformanceSupport.open(es.url(), o)) {
      assertThat(f.archive()).isPresent();
    }
    List<HttpTestServer.Exchange> seen = es.requests.subList(before, es.requests.size());
    assertThat(seen).anyMatch(r -> r.uri().startsWith("/_template/jaeger-span"));
    assertThat(seen).allMatch(r -> "CN=jaeger".equals(r.clientSubject()) && "es.internal".equals(r.sni()));
  }

  @Test
  void tools_esTlsFlags_mutualTls() throws Exception {
    String[] tlsArgs = {"--es.tls.enabled", "--es.tls.ca=" + server.cert(), "--es.tls.cert=" + client.cert(),
        "--es.tls.key=" + client.key(), "--es.tls.server-name=es.internal"};
    int before = es.requests.size();
    String[] cleaner = concat(tlsArgs, "1", es.url());
    assertThat(EsIndexCleaner.run(cleaner, Map.of(), Instant.now())).isEmpty();
    String[] rollover = concat(tlsArgs, "lookback", es.url());
    EsRollover.run(rollover, Map.of(), ZoneOffset.UTC);
    List<HttpTestServer.Exchange> seen = es.requests.subList(before, es.requests.size());
    assertThat(seen).hasSizeGreaterThanOrEqualTo(2)
        .allMatch(r -> "CN=jaeger".equals(r.clientSubject()) && "es.internal".equals(r.sni()));
    // the same flags from the environment
    int before2 = es.requests.size();
    EsIndexCleaner.run(new String[] {"1", es.url()}, Map.of("ES_TLS_ENABLED", "true",
        "ES_TLS_CA", server.cert().toString(), "ES_TLS_CERT", client.cert().toString(),
        "ES_TLS_KEY", client.key().toString(), "ES_TLS_SERVER_NAME", "es.internal"), Instant.now());
    assertThat(es.requests.subList(before2, es.requests.size())).isNotEmpty()
        .allMatch(r -> "CN=jaeger".equals(r.clientSubject()));
    // and without a client certificate the server refuses
    assertThatThrownBy(() -> EsIndexCleaner.run(new String[] {"--es.tls.enabled", "--es.tls.ca=" + server.cert(),
        "--es.tls.server-name=es.internal", "1", es.url()}, Map.of(), Instant.now()))
        .isInstanceOf(IOException.class);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
