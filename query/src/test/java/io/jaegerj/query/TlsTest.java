// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.jaegerj.proto.api_v2.GetServicesRequest;
import io.jaegerj.proto.api_v2.QueryServiceGrpc;
import io.jaegerj.tls.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** query.http.tls.* and query.grpc.tls.* with a self-signed certificate made by the JDK's keytool. */
class TlsTest {
  @TempDir
  Path dir;

  private X509Certificate certificate(Path certFile, Path keyFile) throws Exception {
    Path store = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "1",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret", "-keypass", "secret")
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(new String(out)).isTrue();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "secret".toCharArray());
    }
    X509Certificate cert = (X509Certificate) ks.getCertificate("server");
    Files.writeString(certFile, TestPki.pemCertificates(List.of(cert)));
    Files.writeString(keyFile, TestPki.pemPrivateKey((PrivateKey) ks.getKey("server", "secret".toCharArray())));
    return cert;
  }

  @Test
  void httpAndGrpc_servedOverTls() throws Exception {
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    X509Certificate x509 = certificate(cert, key);
    Map<String, String> flags = Map.of(
        "query.http.tls.enabled", "true", "query.http.tls.cert", cert.toString(), "query.http.tls.key",
        key.toString(),
        "query.grpc.tls.enabled", "true", "query.grpc.tls.cert", cert.toString(), "query.grpc.tls.key",
        key.toString());
    try (QueryServerFixture s = new QueryServerFixture(false, flags, Clock.systemUTC())) {
      s.write(Fixtures.traceB());

      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("server", x509);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(
          URI.create("https://localhost:" + s.module.httpPort() + "/api/services")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"backend\"");
      assertThatThrownBy(() -> s.get("/api/services")).isInstanceOf(IOException.class);

      ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", s.module.grpcPort())
          .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build()).build();
      try {
        assertThat(QueryServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getServices(GetServicesRequest.getDefaultInstance()).getServicesList()).containsExactly("backend");
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void tlsEnabledWithoutCert_failsToStart() {
    assertThatThrownBy(() -> new QueryServerFixture(false, Map.of("query.http.tls.enabled", "true"),
        Clock.systemUTC())).hasMessage("query.http.tls.cert and query.http.tls.key are required");
  }
}
