// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.CallerCredentials;
import io.jaegerj.storage.StorageFactory;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticsearch.client.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transport on local HTTP servers: failover, gzip, timeouts, GET bodies, credentials and their reloading. */
class EsClientTest {
  private static final String ROOT = RecordingServer.esRoot("7.17.28");
  @TempDir Path dir;

  static EsClient client(String urls, Map<String, String> flags) {
    Map<String, String> o = new HashMap<>(flags);
    o.put("es.server-urls", urls);
    return new EsClient(EsConfig.from(Settings.defaults(EsFlags.all(), o), "es"), "es.");
  }

  static HttpTestServer okServer() throws Exception {
    return new HttpTestServer(r -> HttpTestServer.Answer.ok(r.uri().equals("/") ? ROOT : "{}"));
  }

  static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void send_firstServerRefuses_failsOverToTheNext() throws Exception {
    try (HttpTestServer es = okServer();
         EsClient c = client("http://127.0.0.1:" + deadPort() + "," + es.url(), Map.of())) {
      for (int i = 0; i < 4; i++) {
        assertThat(c.json("GET", "/_cluster/health", null).isObject()).isTrue();
      }
      assertThat(es.requests).hasSize(4);
    }
  }

  @Test
  void send_compression_gzipsBodiesOnlyWhenOn() throws Exception {
    try (HttpTestServer es = okServer()) {
      try (EsClient c = client(es.url(), Map.of())) {
        c.json("POST", "/x/_search", Map.of("size", 0));
        assertThat(es.last().contentEncoding()).isEqualTo("gzip");
        assertThat(es.last().body()).isEqualTo("{\"size\":0}");
      }
      try (EsClient c = client(es.url(), Map.of("es.http-compression", "false"))) {
        c.json("POST", "/x/_search", Map.of("size", 1));
        assertThat(es.last().contentEncoding()).isNull();
        assertThat(es.last().body()).isEqualTo("{\"size\":1}");
      }
    }
  }

  @Test
  void send_slowServer_timesOutAfterTimeout() throws Exception {
    try (HttpTestServer es = new HttpTestServer(r -> {
      Thread.sleep(5_000);
      return HttpTestServer.Answer.ok("{}");
    });
         EsClient c = client(es.url(), Map.of("es.timeout", "300ms"))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> c.json("GET", "/", null)).isInstanceOf(SocketTimeoutException.class);
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3_000L);
    }
  }

  @Test
  void send_errorStatus_isAnswerNotFailure() throws Exception {
    try (HttpTestServer es = new HttpTestServer(r -> new HttpTestServer.Answer(400, "{\"error\":\"bad\"}"));
         EsClient c = client(es.url(), Map.of())) {
      EsClient.Response r = c.send("GET", "/x", null, "application/json");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).contains("bad");
      assertThatThrownBy(() -> c.json("GET", "/x", null)).isInstanceOf(EsClient.EsException.class)
          .hasMessageContaining("status 400");
    }
  }

  @Test
  void sendGetBodyAs_getWithBodyUsesConfiguredMethod() throws Exception {
    try (HttpTestServer es = okServer()) {
      try (EsClient c = client(es.url(), Map.of())) {
        c.ndjson("GET", "/_msearch", "{}\n{}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(es.last().method()).isEqualTo("GET");
        assertThat(es.last().body()).isEqualTo("{}\n{}\n");
      }
      try (EsClient c = client(es.url(), Map.of("es.send-get-body-as", "POST"))) {
        c.ndjson("GET", "/_msearch", "{}\n{}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(es.last().method()).isEqualTo("POST");
        c.json("GET", "/_cat/indices", null);
        assertThat(es.last().method()).as("a GET without body stays GET").isEqualTo("GET");
      }
    }
  }

  @Test
  void serverUrlWithPath_prefixesEveryRequest() throws Exception {
    try (HttpTestServer es = okServer(); EsClient c = client(es.url() + "/es", Map.of())) {
      c.json("POST", "/jaeger-span-*/_search?ignore_unavailable=true", Map.of());
      assertThat(es.last().uri()).isEqualTo("/es/jaeger-span-*/_search?ignore_unavailable=true");
    }
  }

  @Test
  void auth_everyMethod_oneHeaderEachInJaegersOrder() throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k1\n");
    Path token = Files.writeString(dir.resolve("token"), "t1\r\n");
    try (HttpTestServer es = okServer();
         EsClient c = client(es.url(), Map.of("es.api-key-file", key.toString(), "es.token-file", token.toString(),
             "es.username", "u", "es.password", "p"))) {
      c.json("GET", "/", null);
      assertThat(es.last().authorization()).containsExactly("APIKey k1", "Bearer t1", basic("u", "p"));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "es.password-file, es.password-reload-interval, Basic",
    "es.token-file, es.bearer-token-reload-interval, Bearer",
    "es.api-key-file, es.api-key-reload-interval, APIKey"})
  void credentialFile_changed_isReadAgainAfterTheInterval(String fileFlag, String intervalFlag, String scheme)
      throws Exception {
    Path f = Files.writeString(dir.resolve("secret"), "one\n");
    Map<String, String> flags = new HashMap<>(Map.of(fileFlag, f.toString(), intervalFlag, "200ms"));
    if (scheme.equals("Basic")) {
      flags.put("es.username", "u");
    }
    String first = scheme.equals("Basic") ? basic("u", "one") : scheme + " one";
    String second = scheme.equals("Basic") ? basic("u", "two") : scheme + " two";
    try (HttpTestServer es = okServer(); EsClient c = client(es.url(), flags)) {
      c.json("GET", "/", null);
      assertThat(es.last().authorization()).containsExactly(first);
      Files.writeString(f, "two\n");
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<String> seen = List.of();
      while (System.nanoTime() < deadline) {
        c.json("GET", "/", null);
        seen = es.last().authorization();
        if (seen.contains(second)) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(seen).containsExactly(second);
    }
  }

  @Test
  void credentialFile_intervalZero_isReadOnce() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "one");
    try (HttpTestServer es = okServer();
         EsClient c = client(es.url(), Map.of("es.token-file", f.toString(),
             "es.bearer-token-reload-interval", "0s"))) {
      Files.writeString(f, "two");
      Thread.sleep(300);
      c.json("GET", "/", null);
      assertThat(es.last().authorization()).containsExactly("Bearer one");
    }
  }

  @Test
  void tokenFile_deletedAfterStart_keepsLastValue() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "one");
    try (HttpTestServer es = okServer();
         EsClient c = client(es.url(), Map.of("es.token-file", f.toString(),
             "es.bearer-token-reload-interval", "1ms"))) {
      Files.delete(f);
      Thread.sleep(20);
      c.json("GET", "/", null);
      assertThat(es.last().authorization()).containsExactly("Bearer one");
    }
  }

  @Test
  void callerCredentials_propagation_overrideTheFileToken() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "file-token");
    try (HttpTestServer es = okServer();
         EsClient c = client(es.url(), Map.of("es.token-file", f.toString(),
             "es.bearer-token-propagation", "true", "es.api-key-allow-from-context", "true"))) {
      c.json("GET", "/", null);
      assertThat(es.last().authorization()).as("no caller: file token only, no API key")
          .containsExactly("Bearer file-token");
      CallerCredentials.callWith(new CallerCredentials.Credentials("caller-token", "caller-key"),
          () -> c.json("GET", "/", null));
      assertThat(es.last().authorization()).containsExactly("APIKey caller-key", "Bearer caller-token");
    }
  }

  @Test
  void callerCredentials_withoutPropagation_areNotForwarded() throws Exception {
    try (HttpTestServer es = okServer(); EsClient c = client(es.url(), Map.of("es.username", "u",
        "es.password", "p"))) {
      CallerCredentials.callWith(new CallerCredentials.Credentials("caller-token", "caller-key"),
          () -> c.json("GET", "/", null));
      assertThat(es.last().authorization()).containsExactly(basic("u", "p"));
    }
  }

  @Test
  void open_tokenOnlyFromCallers_skipsTheHealthCheck() throws Exception {
    // a secured cluster: nothing without credentials
    try (HttpTestServer es = new HttpTestServer(r -> r.authorization().isEmpty()
        ? new HttpTestServer.Answer(401, "{}") : HttpTestServer.Answer.ok("{}"))) {
      assertThatThrownBy(() -> EsConformanceSupport.open(es.url(), Map.of("es.version", "7",
          "es.create-index-templates", "false"))).hasMessageContaining("health check timeout");
      try (StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.version", "7",
          "es.create-index-templates", "false", "es.bearer-token-propagation", "true"))) {
        int before = es.requests.size();
        CallerCredentials.callWith(new CallerCredentials.Credentials("caller-token", ""),
            () -> f.spanReader().getServices(""));
        assertThat(es.requests.subList(before, es.requests.size())).isNotEmpty()
            .allMatch(r -> r.authorization().equals(List.of("Bearer caller-token")));
      }
    }
  }

  static String nodesAnswer(int... ports) {
    StringBuilder b = new StringBuilder("{\"_nodes\":{\"total\":" + ports.length + "},\"cluster_name\":\"c\","
        + "\"nodes\":{");
    for (int i = 0; i < ports.length; i++) {
      b.append(i == 0 ? "" : ",").append("\"n").append(i).append("\":{\"name\":\"n").append(i)
          .append("\",\"host\":\"127.0.0.1\",\"ip\":\"127.0.0.1\",\"version\":\"7.17.28\",")
          .append("\"roles\":[\"data\",\"ingest\",\"master\"],\"attributes\":{},")
          .append("\"http\":{\"bound_address\":[\"127.0.0.1:").append(ports[i]).append("\"],")
          .append("\"publish_address\":\"127.0.0.1:").append(ports[i]).append("\"}}");
    }
    return b.append("}}").toString();
  }

  @Test
  void sniffer_discoversNodes_andSendsToThem() throws Exception {
    try (HttpTestServer b = okServer(); HttpTestServer c2 = okServer()) {
      String nodes = nodesAnswer(b.port(), c2.port());
      try (HttpTestServer seed = new HttpTestServer(r -> HttpTestServer.Answer.ok(
          r.uri().startsWith("/_nodes/http") ? nodes : ROOT));
           EsClient c = client("http://localhost:" + seed.port(), Map.of("es.sniffer", "true"))) {
        Set<String> hosts = new HashSet<>();
        for (Node n : c.nodes()) {
          hosts.add(n.getHost().toURI());
        }
        assertThat(hosts).containsExactlyInAnyOrder("http://127.0.0.1:" + b.port(), "http://127.0.0.1:" + c2.port());
        for (int i = 0; i < 6; i++) {
          c.json("GET", "/_cluster/health", null);
        }
        // the sniffer's periodic task also sniffs once at start, through the discovered nodes
        long healthB = b.requests.stream().filter(r -> r.uri().equals("/_cluster/health")).count();
        long healthC = c2.requests.stream().filter(r -> r.uri().equals("/_cluster/health")).count();
        assertThat(healthB + healthC).isEqualTo(6);
        assertThat(healthB).isPositive();
        assertThat(healthC).isPositive();
        assertThat(seed.requests).allMatch(r -> r.uri().startsWith("/_nodes/http"));
      }
    }
  }

  @Test
  void sniffer_tlsEnabled_usesHttpsForDiscoveredNodes() throws Exception {
    String nodes = nodesAnswer(9201);
    try (HttpTestServer seed = new HttpTestServer(r -> HttpTestServer.Answer.ok(nodes));
         EsClient c = client(seed.url(), Map.of("es.sniffer", "true", "es.sniffer-tls-enabled", "true",
             "es.username", "u", "es.password", "p"))) {
      assertThat(c.nodes()).extracting(n -> n.getHost().toURI()).containsExactly("https://127.0.0.1:9201");
      assertThat(seed.requests.get(0).authorization()).as("sniffing is authenticated too")
          .containsExactly(basic("u", "p"));
    }
  }

  @Test
  void sniffer_noNodes_failsToOpen() throws Exception {
    try (HttpTestServer seed = new HttpTestServer(r -> HttpTestServer.Answer.ok("{\"nodes\":{}}"))) {
      assertThatThrownBy(() -> client(seed.url(), Map.of("es.sniffer", "true")))
          .hasMessageContaining("sniffing");
    }
  }

  @Test
  void close_factory_leavesNoThreads() throws Exception {
    AtomicInteger port = new AtomicInteger();
    try (HttpTestServer es = new HttpTestServer(r -> HttpTestServer.Answer.ok(
        r.uri().startsWith("/_nodes/http") ? nodesAnswer(port.get()) : r.uri().equals("/") ? ROOT : "{}"))) {
      port.set(es.port());
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      List<String> whileOpen = new ArrayList<>();
      // primary with the sniffer, archive without: every kind of thread the module starts
      StorageFactory f = EsConformanceSupport.open(es.url(), Map.of("es.sniffer", "true",
          "es-archive.enabled", "true", "es-archive.server-urls", es.url()));
      f.spanWriter().write("", List.of()).toCompletableFuture().get();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (!before.contains(t)) {
          whileOpen.add(t.getName());
        }
      }
      f.close();
      assertThat(whileOpen).as("the REST client's I/O threads ran while open")
          .anyMatch(n -> n.startsWith("elasticsearch-rest-client"));
      long deadline = System.nanoTime() + 5_000_000_000L;
      List<String> left;
      do {
        left = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("http-test-server")) {
            left.add(t.getName());
          }
        }
        if (left.isEmpty()) {
          break;
        }
        Thread.sleep(50);
      } while (System.nanoTime() < deadline);
      assertThat(left).isEmpty();
    }
  }
}
