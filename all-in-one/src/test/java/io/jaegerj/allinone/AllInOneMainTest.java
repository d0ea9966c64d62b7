// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.collector.CollectorMain;
import io.jaegerj.query.QueryMain;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AllInOneMainTest {
  final HttpClient http = HttpClient.newHttpClient();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Every listener on a free loopback port, through environment variables (they are ignored for flags a module does
   * not declare yet, where a command-line flag would be rejected).
   */
  static Map<String, String> freePorts() throws Exception {
    Map<String, String> env = new HashMap<>();
    for (String v : new String[] {"COLLECTOR_GRPC_SERVER_HOST_PORT", "COLLECTOR_HTTP_SERVER_HOST_PORT",
        "COLLECTOR_OTLP_GRPC_HOST_PORT", "COLLECTOR_OTLP_HTTP_HOST_PORT", "QUERY_GRPC_SERVER_HOST_PORT",
        "QUERY_HTTP_SERVER_HOST_PORT"}) {
      env.put(v, "127.0.0.1:" + freePort());
    }
    return env;
  }

  @Test
  void specs_defaultsFromJaeger() {
    assertThat(AllInOneMain.spec().defaultSpanStorageType()).isEqualTo("memory");
    assertThat(AllInOneMain.spec().defaultAdminHostPort()).isEqualTo(":14269");
    assertThat(AllInOneMain.spec().pipelineFlags()).isTrue();
    assertThat(CollectorMain.spec().defaultSpanStorageType()).isEqualTo("cassandra");
    assertThat(CollectorMain.spec().defaultAdminHostPort()).isEqualTo(":14269");
    assertThat(QueryMain.spec().defaultSpanStorageType()).isEqualTo("cassandra");
    assertThat(QueryMain.spec().defaultAdminHostPort()).isEqualTo(":16687");
    assertThat(QueryMain.spec().pipelineFlags()).isFalse();
  }

  @Test
  void start_defaultMemoryStorage_healthyFast_andMetricsServed() throws Exception {
    long t0 = System.nanoTime();
    try (JaegerMain.Running r = JaegerMain.start(AllInOneMain.spec(),
        new String[] {"--admin.http.host-port=127.0.0.1:0"}, freePorts())) {
      HttpResponse<String> health = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.adminPort() + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(health.statusCode()).isEqualTo(200);
      // Jaeger's all-in-one is healthy in well under 2 s; so must we be (in-process, warm JVM: far less).
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      String metrics = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("jaeger_build_info{").contains("jvm_memory_used_bytes");
      // no SPAN_STORAGE_TYPE: the all-in-one opened memory storage, whose reader carries the storage metrics
      assertThat(r.storage().reader().getServices("")).isEmpty();
      String after = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(after).contains("jaeger_storage_requests_total{kind=\"memory\",operation=\"get_services\","
          + "result=\"ok\",role=\"primary\"} 1");
    }
  }

  @Test
  void uiAboutVersion_sameFieldsAsAdminVersion() throws Exception {
    Map<String, String> env = freePorts();
    try (JaegerMain.Running r = JaegerMain.start(AllInOneMain.spec(),
        new String[] {"--admin.http.host-port=127.0.0.1:0"}, env)) {
      String version = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.adminPort() + "/version")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String index = http.send(
          HttpRequest.newBuilder(URI.create("http://" + env.get("QUERY_HTTP_SERVER_HOST_PORT") + "/")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("JAEGER_VERSION = (\\{[^;]*});").matcher(index);
      assertThat(m.find()).as("JAEGER_VERSION in index.html").isTrue();
      ObjectMapper json = new ObjectMapper();
      JsonNode ui = json.readTree(m.group(1));
      assertThat(ui).isEqualTo(json.readTree(version));
      assertThat(ui.get("gitVersion").asText()).startsWith("v1.74.0");
      assertThat(ui.get("gitCommit").asText()).isNotEmpty();
      assertThat(ui.get("buildDate").asText()).isNotEmpty();
    }
  }

  @Test
  void run_collectorAndQuery_helpListsTheirAdminPort() throws Exception {
    assertThat(runCli(CollectorMain.spec(), "help")).contains("jaeger-collector [flags]").contains("\":14269\"")
        .contains("downsampling.ratio");
    assertThat(runCli(QueryMain.spec(), "help")).contains("jaeger-query [flags]").contains("\":16687\"")
        .doesNotContain("downsampling.ratio");
  }

  private static String runCli(BinarySpec spec, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = JaegerMain.run(spec, args, Map.of("SPAN_STORAGE_TYPE", "memory"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
