// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.storage.CallerCredentials;
import io.jaegerj.tls.ClientTlsConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.conn.ssl.SSLIOSessionStrategy;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Cancellable;
import org.elasticsearch.client.Node;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.elasticsearch.client.sniff.ElasticsearchNodesSniffer;
import org.elasticsearch.client.sniff.NodesSniffer;
import org.elasticsearch.client.sniff.Sniffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/JSON access to Elasticsearch or OpenSearch through the Elasticsearch low-level REST client, which does no
 * product check and so talks to both: requests go round-robin over the server URLs (or the sniffed nodes) and fail
 * over to the next node on connection errors and 502/503/504; request bodies are gzipped with
 * {@code es.http-compression}; {@code es.timeout} bounds each request as a whole (0: no limit); TLS with the
 * {@code es.tls.*} settings (CA, client certificate, server name for SNI and host verification); the
 * {@code Authorization} headers of {@link EsAuth} on every request, the caller's own credentials included. Thread-safe.
 * {@link #close()} stops the client's I/O threads and the sniffer.
 */
final class EsClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EsClient.class);
  static final ObjectMapper JSON = new ObjectMapper();
  /** olivere/elastic's periodic sniffing interval, which Jaeger keeps. */
  static final int SNIFF_INTERVAL_MILLIS = (int) TimeUnit.MINUTES.toMillis(15);
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

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

  /** How to reach the cluster. */
  record Options(List<String> urls, EsAuth auth, Duration timeout, boolean compress, ClientTlsConfig tls,
      boolean sniffer, boolean snifferTls, String getBodyAs) {}

  private final RestClient rest;
  private final Sniffer sniffer;
  private final EsAuth auth;
  private final long timeoutMillis;
  private final String getBodyAs;

  /** A client for the command-line tools: basic auth when both are set, TLS settings or null for defaults. */
  EsClient(List<String> urls, String username, String password, Duration timeout, ClientTlsConfig tls) {
    this(new Options(urls, EsAuth.basic(username, password), timeout, false,
        tls != null ? tls : ClientTlsConfig.DEFAULT, false, false, "GET"));
  }

  /** A client for one {@code es} / {@code es-archive} family. */
  EsClient(EsConfig c, String flagPrefix) {
    this(new Options(c.serverUrls(), EsAuth.of(c.auth(), System::nanoTime, flagPrefix), c.timeout(),
        c.httpCompression(), c.tls().orElse(ClientTlsConfig.DEFAULT), c.sniffer(), c.snifferTls(),
        c.sendGetBodyAs()));
  }

  EsClient(Options o) {
    this.auth = o.auth();
    this.timeoutMillis = o.timeout().toMillis();
    this.getBodyAs = o.getBodyAs();
    List<HttpHost> hosts = new ArrayList<>();
    String pathPrefix = null;
    for (String url : o.urls()) {
      URI u = URI.create(url);
      if (u.getHost() == null) {
        throw new IllegalArgumentException("server URL without a host: " + url);
      }
      hosts.add(new HttpHost(u.getHost(), u.getPort(), u.getScheme()));
      if (pathPrefix == null && u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
        pathPrefix = u.getRawPath();
      }
    }
    SSLContext ssl = o.tls().sslContext();
    ClientTlsConfig tls = o.tls();
    SSLIOSessionStrategy strategy = new SSLIOSessionStrategy(ssl, null, null, NoopHostnameVerifier.INSTANCE) {
      // host name verification happens in the JDK's trust manager, against the SNI name set here
      @Override
      protected void initializeEngine(SSLEngine engine) {
        tls.configure(engine);
      }
    };
    int socketTimeout = timeoutMillis > 0 ? (int) Math.min(Integer.MAX_VALUE, timeoutMillis) : 0;
    RestClientBuilder b = RestClient.builder(hosts.toArray(new HttpHost[0]))
        .setCompressionEnabled(o.compress())
        .setMetaHeaderEnabled(false)
        .setRequestConfigCallback(rc -> rc.setConnectTimeout(CONNECT_TIMEOUT_MILLIS).setSocketTimeout(socketTimeout))
        .setHttpClientConfigCallback(hc -> hc.setSSLStrategy(strategy)
            // requests made by the client itself (sniffing) carry the configured credentials too
            .addInterceptorLast((HttpRequestInterceptor) (request, context) -> {
              if (!request.containsHeader("Authorization")) {
                for (String h : auth.headers(null)) {
                  request.addHeader("Authorization", h);
                }
              }
            }));
    if (pathPrefix != null) {
      b.setPathPrefix(pathPrefix);
    }
    this.rest = b.build();
    Sniffer s = null;
    if (o.sniffer()) {
      try {
        NodesSniffer nodes = new ElasticsearchNodesSniffer(rest, ElasticsearchNodesSniffer.DEFAULT_SNIFF_REQUEST_TIMEOUT,
            o.snifferTls() ? ElasticsearchNodesSniffer.Scheme.HTTPS : ElasticsearchNodesSniffer.Scheme.HTTP);
        List<Node> found = nodes.sniff();
        if (found.isEmpty()) {
          throw new IOException("sniffing found no node with HTTP enabled");
        }
        rest.setNodes(found);
        log.info("sniffed Elasticsearch nodes: {}", found);
        s = Sniffer.builder(rest).setNodesSniffer(nodes).setSniffIntervalMillis(SNIFF_INTERVAL_MILLIS).build();
      } catch (IOException | RuntimeException e) {
        closeQuietly();
        throw new IllegalStateException("no Elasticsearch node available: sniffing failed: " + e.getMessage(), e);
      }
    }
    this.sniffer = s;
  }

  private void closeQuietly() {
    try {
      rest.close();
    } catch (IOException e) {
      log.debug("closing the REST client", e);
    }
  }

  /** Whether some credential can only come from a caller, so nothing can authenticate at start-up. */
  boolean authContextOnly() {
    return auth.contextOnly();
  }

  /** The nodes requests go to (the server URLs, or the sniffed nodes). */
  List<Node> nodes() {
    return rest.getNodes();
  }

  /**
   * Sends a request; the client tries the nodes in turn on connection failures. A GET with a body is sent with the
   * {@code es.send-get-body-as} method.
   */
  Response send(String method, String pathAndQuery, byte[] body, String contentType) throws IOException {
    String m = body != null && method.equals("GET") ? getBodyAs : method;
    Request request = new Request(m, pathAndQuery);
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body, ContentType.create(contentType)));
    }
    List<String> headers = auth.headers(CallerCredentials.current().orElse(null));
    if (!headers.isEmpty()) {
      RequestOptions.Builder ob = RequestOptions.DEFAULT.toBuilder();
      for (String h : headers) {
        ob.addHeader("Authorization", h);
      }
      request.setOptions(ob);
    }
    CompletableFuture<org.elasticsearch.client.Response> answer = new CompletableFuture<>();
    Cancellable call = rest.performRequestAsync(request, new ResponseListener() {
      @Override
      public void onSuccess(org.elasticsearch.client.Response response) {
        answer.complete(response);
      }

      @Override
      public void onFailure(Exception exception) {
        answer.completeExceptionally(exception);
      }
    });
    org.elasticsearch.client.Response r;
    try {
      r = timeoutMillis > 0 ? answer.get(timeoutMillis, TimeUnit.MILLISECONDS) : answer.get();
    } catch (InterruptedException e) {
      call.cancel();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + m + " " + pathAndQuery);
    } catch (TimeoutException e) {
      call.cancel();
      throw new SocketTimeoutException(m + " " + pathAndQuery + " timed out after " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ResponseException re) {
        r = re.getResponse();
      } else if (cause instanceof IOException io) {
        throw io;
      } else {
        throw new IOException(m + " " + pathAndQuery + " failed: " + cause, cause);
      }
    }
    HttpEntity entity = r.getEntity();
    byte[] bytes = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
    return new Response(r.getStatusLine().getStatusCode(), bytes);
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

  /** NDJSON request body ({@code _bulk} by POST, {@code _msearch} by GET as Jaeger's client sends it). */
  JsonNode ndjson(String method, String pathAndQuery, byte[] body) throws IOException {
    Response r = send(method, pathAndQuery, body, "application/x-ndjson");
    if (r.status() >= 300) {
      throw new EsException(method, pathAndQuery, r.status(), r.text());
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

  /**
   * Jaeger's start-up health check: within 5 s some node must answer {@code HEAD /} with 2xx, else the store does not
   * open.
   */
  void healthCheck() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String last = "";
    while (true) {
      try {
        Response r = send("HEAD", "/", null, "application/json");
        if (r.status() >= 200 && r.status() < 300) {
          return;
        }
        last = "status " + r.status();
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("health check timeout: no Elasticsearch node available (" + last + ")");
      }
      Thread.sleep(200);
    }
  }

  @Override
  public void close() {
    if (sniffer != null) {
      sniffer.close();
    }
    closeQuietly();
  }
}
