// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.config.Flag;
import io.jaegerj.model.GoDuration;
import io.jaegerj.server.tls.TestCerts;
import io.jaegerj.tls.ClientTlsConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JaegerMainTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  static BinarySpec spec(ServerModule module) {
    return new BinarySpec("jaeger-test", "Jaeger test binary", "test-a", ":14269", true, List.of(module));
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void start_healthIs503WhileStartingThen200() throws Exception {
    int port = freePort();
    CountDownLatch gate = new CountDownLatch(1);
    RecordingModule module = new RecordingModule(gate);
    CompletableFuture<JaegerMain.Running> started = CompletableFuture.supplyAsync(() -> {
      try {
        return JaegerMain.start(spec(module), new String[] {"--admin.http.host-port=127.0.0.1:" + port}, Map.of());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      HttpResponse<String> starting = pollUntilListening("http://127.0.0.1:" + port + "/");
      assertThat(starting.statusCode()).isEqualTo(503);
      assertThat(starting.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(starting.body()).isEqualTo(Health.UNAVAILABLE_BODY);
      gate.countDown();
      JaegerMain.Running running = started.get(30, TimeUnit.SECONDS);
      try (running) {
        HttpResponse<String> ready = get(http, "http://127.0.0.1:" + port + "/");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.fieldNames()).toIterable().containsExactly("status", "upSince", "uptime");
        assertThat(body.get("status").asText()).isEqualTo("Server available");
        OffsetDateTime since = OffsetDateTime.parse(body.get("upSince").asText());
        assertThat(Duration.between(since, OffsetDateTime.now()).abs()).isLessThan(Duration.ofMinutes(1));
        assertThat(GoDuration.parse(body.get("uptime").asText())).isLessThan(Duration.ofMinutes(1));
        // any unregistered path answers health
        assertThat(get(http, "http://127.0.0.1:" + port + "/anything/else").body()).contains("Server available");
        assertThat(module.context.binaryName()).isEqualTo("jaeger-test");
        assertThat(module.context.settings().getString("recording.name")).isEqualTo("rec");
      }
    } finally {
      gate.countDown();
    }
  }

  private HttpResponse<String> pollUntilListening(String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return get(http, url);
      } catch (ConnectException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  @Test
  void metrics_prometheusTextWithJvmBuildInfoAndModuleMeters() throws Exception {
    RecordingModule module = new RecordingModule(new CountDownLatch(0));
    try (JaegerMain.Running r = JaegerMain.start(spec(module), new String[] {"--admin.http.host-port=127.0.0.1:0"},
        Map.of())) {
      HttpResponse<String> m = get(http, "http://127.0.0.1:" + r.adminPort() + "/metrics");
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
      assertThat(m.body())
          .contains("# TYPE jvm_memory_used_bytes gauge")
          .contains("process_cpu_usage")
          .contains("jvm_threads_live_threads")
          .contains("jaeger_test_module_events_total 1.0")
          .contains("jaeger_test_module_latency_bucket{le=\"0.005\"} 1")
          .containsPattern("jaeger_test_build_info\\{build_date=\"[^\"]*\",revision=\"[^\"]*\",version=\"v1\\.74\\.0");
      assertThat(r.meters().find("jaeger_test_module_events").counter()).isNotNull();

      HttpResponse<String> v = get(http, "http://127.0.0.1:" + r.adminPort() + "/version");
      assertThat(JSON.readTree(v.body()).get("gitVersion").asText()).startsWith("v1.74.0");
    }
  }

  @Test
  void metrics_customRouteAndNoneBackend() throws Exception {
    RecordingModule module = new RecordingModule(new CountDownLatch(0));
    try (JaegerMain.Running r = JaegerMain.start(spec(module), new String[] {"--admin.http.host-port=127.0.0.1:0",
        "--metrics-http-route=/prom"}, Map.of())) {
      assertThat(get(http, "http://127.0.0.1:" + r.adminPort() + "/prom").body()).contains("jvm_memory_used_bytes");
      assertThat(get(http, "http://127.0.0.1:" + r.adminPort() + "/metrics").body()).contains("Server available");
    }
    try (JaegerMain.Running r = JaegerMain.start(spec(new RecordingModule(new CountDownLatch(0))),
        new String[] {"--admin.http.host-port=127.0.0.1:0"}, Map.of("METRICS_BACKEND", "none"))) {
      assertThat(get(http, "http://127.0.0.1:" + r.adminPort() + "/metrics").body()).contains("Server available");
    }
  }

  @Test
  void close_runsPhasesInOrder_healthUnavailableDuringDrain_storageClosedLast() throws Exception {
    RecordingModule module = new RecordingModule(new CountDownLatch(0));
    TestStorageProvider.OPENED.clear();
    JaegerMain.Running r = JaegerMain.start(spec(module), new String[] {"--admin.http.host-port=127.0.0.1:0"},
        Map.of("SPAN_STORAGE_TYPE", "test-a,test-b"));
    module.adminPort = r.adminPort();
    assertThat(TestStorageProvider.OPENED).extracting(o -> o.type).containsExactly("test-a", "test-b");
    r.storage().writer().write("", List.of()).toCompletableFuture().join();
    assertThat(r.storage().reader().getServices("")).containsExactly("test-a");
    r.close();
    assertThat(module.events).containsExactly("started", "stop-2", "stop-1", "drain", "close");
    assertThat(module.healthDuringDrain).isEqualTo(503);
    assertThat(TestStorageProvider.OPENED).allMatch(o -> o.closed);
    r.close(); // idempotent
    assertNoRuntimeThreads();
  }

  static void assertNoRuntimeThreads() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(n -> n.startsWith("jaeger-io") || n.startsWith("jaeger-boss") || n.equals("metrics-scrape"))
          .toList();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(left).as("threads left after close").isEmpty();
  }

  @Test
  void start_moduleFailure_closesWhatStarted() throws Exception {
    TestStorageProvider.OPENED.clear();
    ServerModule failing = new ServerModule() {
      @Override
      public List<Flag> flags() {
        return List.of();
      }

      @Override
      public void start(ServerContext context) {
        throw new IllegalArgumentException("--x.host-port: cannot listen on :1: address already in use");
      }
    };
    assertThatThrownBy(() -> JaegerMain.start(spec(failing), new String[] {"--admin.http.host-port=127.0.0.1:0"},
        Map.of())).hasMessageContaining("address already in use");
    assertThat(TestStorageProvider.OPENED).singleElement().matches(o -> o.closed);
    assertNoRuntimeThreads();
  }

  @Test
  void adminTls_servesHttpsAndEnforcesClientCa() throws Exception {
    // One self-signed certificate plays both parts: the server's identity and the client's, trusted as client CA.
    TestCerts server = TestCerts.create(dir, "server");
    TestCerts client = server;
    RecordingModule module = new RecordingModule(new CountDownLatch(0));
    try (JaegerMain.Running r = JaegerMain.start(spec(module), new String[] {
        "--admin.http.host-port=127.0.0.1:0",
        "--admin.http.tls.enabled",
        "--admin.http.tls.cert=" + server.cert(),
        "--admin.http.tls.key=" + server.key(),
        "--admin.http.tls.client-ca=" + client.cert()}, Map.of())) {
      String url = "https://localhost:" + r.adminPort() + "/";
      SSLContext withCert = new ClientTlsConfig(server.cert().toString(), client.cert().toString(),
          client.key().toString(), "", false).sslContext();
      HttpResponse<String> ok = get(HttpClient.newBuilder().sslContext(withCert).build(), url);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("Server available");

      SSLContext noCert = new ClientTlsConfig(server.cert().toString(), "", "", "", false).sslContext();
      assertThatThrownBy(() -> get(HttpClient.newBuilder().sslContext(noCert).build(), url))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> get(http, "http://127.0.0.1:" + r.adminPort() + "/"))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void adminTls_missingKey_failsNamingFlags() {
    CliRunner res = CliRunner.run(spec(new RecordingModule(new CountDownLatch(0))), Map.of(),
        "--admin.http.host-port=127.0.0.1:0", "--admin.http.tls.enabled=true");
    assertThat(res.exitCode()).isEqualTo(1);
    assertThat(res.err()).contains("Error: admin.http.tls.cert and admin.http.tls.key are required");
  }

  @Test
  void logging_jsonEncoding_oneObjectPerLine() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JaegerMain.Running r = JaegerMain.start(spec(new RecordingModule(new CountDownLatch(0))),
          new String[] {"--admin.http.host-port=127.0.0.1:0", "--log-level=debug"}, Map.of());
      Logger.getLogger("io.grpc.test").info("hello from jul");
      r.close();
    } finally {
      System.setErr(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).isNotEmpty();
    boolean sawServer = false;
    boolean sawDebug = false;
    for (String line : lines) {
      JsonNode n = JSON.readTree(line);
      assertThat(n.has("level") && n.has("ts") && n.has("logger") && n.has("msg")).as(line).isTrue();
      assertThat(n.get("ts").isNumber()).as(line).isTrue();
      assertThat(Math.abs(n.get("ts").asDouble() - System.currentTimeMillis() / 1000.0)).isLessThan(600);
      sawServer |= n.get("msg").asText().startsWith("Starting HTTP server");
      sawDebug |= n.get("level").asText().equals("debug");
    }
    assertThat(sawServer).isTrue();
    assertThat(lines).anyMatch(l -> l.contains("\"logger\":\"io.grpc.test\"") && l.contains("hello from jul"));
    assertThat(sawDebug).isTrue();
  }

  @Test
  void logging_levelHonoured_consoleEncoding() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JaegerMain.start(spec(new RecordingModule(new CountDownLatch(0))),
          new String[] {"--admin.http.host-port=127.0.0.1:0", "--log-level=warn", "--log-encoding=console"},
          Map.of()).close();
      JaegerMain.start(spec(new RecordingModule(new CountDownLatch(0))),
          new String[] {"--admin.http.host-port=127.0.0.1:0", "--log-encoding=console"}, Map.of()).close();
    } finally {
      System.setErr(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).noneMatch(l -> l.contains("\tDEBUG\t"));
    // the first run at warn logged no INFO line; the second one did, tab separated
    assertThat(lines).anyMatch(l -> l.contains("\tINFO\t") && l.contains("Starting HTTP server"));
    assertThat(lines.stream().filter(l -> l.contains("Starting HTTP server")).count()).isEqualTo(1);
  }
}
