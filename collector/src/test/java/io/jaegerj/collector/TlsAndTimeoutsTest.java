// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.jaegerj.model.TraceId;
import io.jaegerj.tls.TestPki;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the OTLP ports, Go-style read-header timeouts on HTTP, and gRPC server reflection on 14250. */
class TlsAndTimeoutsTest {
  @TempDir
  Path dir;

  /** A self-signed localhost certificate from the JDK's keytool, as PEM files. */
  private X509Certificate selfSigned(Path certFile, Path keyFile) throws Exception {
    Path store = dir.resolve("k.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "c", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    X509Certificate cert = (X509Certificate) ks.getCertificate("c");
    Files.writeString(certFile, TestPki.pemCertificates(List.of(cert)));
    Files.writeString(keyFile, TestPki.pemPrivateKey((PrivateKey) ks.getKey("c", "changeit".toCharArray())));
    return cert;
  }

  @Test
  void otlpPorts_serveTls() throws Exception {
    Path cert = dir.resolve("c.crt");
    Path key = dir.resolve("c.key");
    X509Certificate x509 = selfSigned(cert, key);
    try (TestCollector c = new TestCollector(Map.of(
        "collector.otlp.grpc.tls.enabled", "true", "collector.otlp.grpc.tls.cert", cert.toString(),
        "collector.otlp.grpc.tls.key", key.toString(),
        "collector.otlp.http.tls.enabled", "true", "collector.otlp.http.tls.cert", cert.toString(),
        "collector.otlp.http.tls.key", key.toString()))) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", c.otlpGrpcPort())
          .sslContext(GrpcSslContexts.forClient().trustManager(x509).build()).build();
      try {
        TraceServiceGrpc.newBlockingStub(ch).export(BadInputTest.request("tls", 11, 1));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      c.awaitTrace(new TraceId(7, 11), 1);

      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("c", x509);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpResponse<String> r = HttpClient.newBuilder().sslContext(ssl).build().send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + c.otlpHttpPort() + "/v1/traces"))
          .header("Content-Type", "application/x-protobuf")
          .POST(HttpRequest.BodyPublishers.ofByteArray(BadInputTest.request("tls", 12, 1).toByteArray())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      c.awaitTrace(new TraceId(7, 12), 1);
    }
  }

  @Test
  void readHeaderTimeout_closesSlowConnections() throws Exception {
    try (TestCollector c = new TestCollector(Map.of("collector.http-server.read-header-timeout", "200ms"))) {
      try (Socket s = new Socket("127.0.0.1", c.jaegerHttpPort())) {
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write("GET /api/sampling?service=x HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long start = System.nanoTime();
        int read = s.getInputStream().read();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(read).isEqualTo(-1);
        assertThat(elapsedMs).isBetween(100L, 3000L);
      }
      // The server still serves complete requests.
      HttpResponse<String> ok = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + c.jaegerHttpPort() + "/api/sampling?service=x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void reflection_listsJaegerServices() throws Exception {
    try (TestCollector c = new TestCollector(Map.of())) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", c.jaegerGrpcPort()).usePlaintext().build();
      try {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(ch).serverReflectionInfo(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = answer.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(s -> s.getName()).toList();
        req.onCompleted();
        assertThat(names).contains("jaeger.api_v2.CollectorService", "jaeger.api_v2.SamplingManager",
            "grpc.health.v1.Health");
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
