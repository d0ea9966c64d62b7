// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A small HTTP/JSON client for the Elasticsearch / OpenSearch REST API on the JDK's {@link HttpClient}: several
 * server URLs tried in turn on connection failures, basic or bearer authentication, optional TLS with a CA file,
 * gzip request bodies. Thread-safe.
 */
final class EsClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP answer; {@code status} >= 400 is not thrown by {@link #send}. */
  record Response(int status, byte[] body) {
    JsonNode json() throws IOException {
      return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A non-2xx answer. */
  static final class EsException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    EsException(String method, String path, int status, String body) {
      super(method + " " + path + " failed with status " + status + ": "
          + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
      this.status = status;
    }
  }

  private final List<String> urls;
  private final HttpClient http;
  private final String authorization;
  private final Duration timeout;
  private final boolean compress;
  private final AtomicInteger next = new AtomicInteger();

  /** A plain-HTTP(S) client with default TLS trust, for the command-line tools. */
  EsClient(List<String> urls, String username, String password, Duration timeout) {
    this.urls = List.copyOf(urls);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
        .build();
    this.authorization = username.isEmpty() || password.isEmpty() ? null : "Basic " + Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.compress = false;
  }

  EsClient(EsConfig c) throws Exception {
    this.urls = c.serverUrls();
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10));
    if (c.tlsEnabled() || urls.get(0).startsWith("https:")) {
      b.sslContext(sslContext(c));
      if (c.tlsSkipHostVerify()) {
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm("");
        b.sslParameters(params);
      }
    }
    this.http = b.build();
    if (!c.username().isEmpty()) {
      this.authorization = "Basic " + Base64.getEncoder()
          .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    } else if (!c.bearerToken().isEmpty()) {
      this.authorization = "Bearer " + c.bearerToken();
    } else {
      this.authorization = null;
    }
    this.timeout = c.timeout();
    this.compress = c.httpCompression();
  }

  private static SSLContext sslContext(EsConfig c) throws Exception {
    TrustManager[] trust;
    if (c.tlsSkipHostVerify()) {
      trust = new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }};
    } else if (!c.tlsCa().isEmpty()) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(Path.of(c.tlsCa()))) {
        int i = 0;
        for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca-" + i++, cert);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      trust = tmf.getTrustManagers();
    } else {
      return SSLContext.getDefault();
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, trust, new SecureRandom());
    return ctx;
  }

  /** Sends a request to the first server that answers; connection failures move on to the next URL. */
  Response send(String method, String pathAndQuery, byte[] body, String contentType) throws IOException {
    IOException last = null;
    int start = Math.floorMod(next.getAndIncrement(), urls.size());
    for (int i = 0; i < urls.size(); i++) {
      String base = urls.get((start + i) % urls.size());
      HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
      if (!timeout.isZero()) {
        rb.timeout(timeout);
      }
      if (authorization != null) {
        rb.header("Authorization", authorization);
      }
      if (body == null) {
        rb.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        byte[] payload = body;
        if (compress && body.length > 1024) {
          payload = gzip(body);
          rb.header("Content-Encoding", "gzip");
        }
        rb.header("Content-Type", contentType);
        rb.method(method, HttpRequest.BodyPublishers.ofByteArray(payload));
      }
      try {
        HttpResponse<byte[]> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + method + " " + pathAndQuery);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Sends JSON and returns the parsed answer; non-2xx answers throw {@link EsException}. */
  JsonNode json(String method, String pathAndQuery, Object body) throws IOException {
    byte[] bytes = body == null ? null
        : body instanceof byte[] raw ? raw : JSON.writeValueAsBytes(body);
    Response r = send(method, pathAndQuery, bytes, "application/json");
    if (r.status() >= 300) {
      throw new EsException(method, pathAndQuery, r.status(), r.text());
    }
    return r.json();
  }

  /** NDJSON request body ({@code _bulk}, {@code _msearch}). */
  JsonNode ndjson(String pathAndQuery, byte[] body) throws IOException {
    Response r = send("POST", pathAndQuery, body, "application/x-ndjson");
    if (r.status() >= 300) {
      throw new EsException("POST", pathAndQuery, r.status(), r.text());
    }
    return r.json();
  }

  /**
   * The major version Jaeger would use: {@code version.number}'s first character from {@code GET /}; OpenSearch
   * 1, 2 and 3 count as 7.
   */
  int detectVersion() throws IOException {
    JsonNode root = json("GET", "/", null);
    return versionOf(root);
  }

  static int versionOf(JsonNode root) {
    String number = root.path("version").path("number").asText("");
    if (number.isEmpty() || !Character.isDigit(number.charAt(0))) {
      throw new IllegalStateException("cannot detect the Elasticsearch version from: " + root);
    }
    int major = number.charAt(0) - '0';
    boolean openSearch = root.path("tagline").asText("").contains("OpenSearch")
        || "opensearch".equals(root.path("version").path("distribution").asText(""));
    if (openSearch && major >= 1 && major <= 3) {
      return 7;
    }
    return major;
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    // the JDK client owns no threads that outlive it in Java 17; nothing to release
  }
}
