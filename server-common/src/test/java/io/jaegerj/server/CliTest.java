// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import io.jaegerj.config.Flag;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;

  static void assertFails(CliRunner r, String message) {
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> l.startsWith("Error: ")).toList())
        .singleElement().asString().contains(message);
  }

  @Test
  void run_unknownStorageType_exits1() {
    assertFails(CliRunner.run(Map.of("SPAN_STORAGE_TYPE", "cassandra")),
        "Error: Cannot initialize storage factory: unknown storage type cassandra. Valid types are [test-a test-b]");
  }

  @Test
  void run_malformedDuration_exits1() {
    assertFails(CliRunner.run(Map.of(), "--test-a.timeout=soon"), "\"--test-a.timeout\" flag: time: invalid duration");
    assertFails(CliRunner.run(Map.of("ADMIN_HTTP_TLS_RELOAD_INTERVAL", "1x")), "ADMIN_HTTP_TLS_RELOAD_INTERVAL");
  }

  @Test
  void run_malformedHostPort_exits1() {
    assertFails(CliRunner.run(Map.of(), "--admin.http.host-port", "a:b:c"), "--admin.http.host-port");
  }

  @Test
  void run_unknownFlag_exits1() {
    assertFails(CliRunner.run(Map.of(), "--no-such-flag=1"), "Error: unknown flag: --no-such-flag");
    assertFails(CliRunner.run(Map.of(), "frobnicate"), "unknown command \"frobnicate\" for \"jaeger-test\"");
    assertFails(CliRunner.run(Map.of(), "--log-level"), "flag needs an argument");
  }

  @Test
  void run_portInUse_exits1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRunner r = CliRunner.run(Map.of(), "--admin.http.host-port=127.0.0.1:" + taken.getLocalPort());
      assertFails(r, "Error: --admin.http.host-port: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": address already in use");
    }
  }

  @Test
  void run_storageRejectsSettings_exits1() {
    assertFails(CliRunner.run(Map.of(), "--admin.http.host-port=127.0.0.1:0", "--test-a.max-traces=-1"),
        "test-a.max-traces: -1 (expected: >= 0)");
  }

  @Test
  void help_listsRegisteredFlagsWithDefaults() {
    CliRunner r = CliRunner.run(Map.of(), "help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("Jaeger test binary\n\nUsage:\n  jaeger-test [flags]");
    assertThat(r.out()).contains("--admin.http.host-port string")
        .contains("(default \":14269\")")
        .contains("--test-a.timeout duration")
        .contains("(default 5s)")
        .contains("print-config")
        .doesNotContain("test-b.");
    assertThat(CliRunner.run(Map.of(), "--help").out()).isEqualTo(r.out());
    assertThat(CliRunner.run(Map.of(), "-h").out()).isEqualTo(r.out());
    assertThat(CliRunner.run(Map.of(), "status", "--help").out()).contains("--status.http.host-port string");
  }

  @Test
  void version_printsOneJsonLine() throws Exception {
    CliRunner r = CliRunner.run(Map.of(), "version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).doesNotEndWith("\n");
    JsonNode v = new ObjectMapper().readTree(r.out());
    assertThat(v.fieldNames()).toIterable().containsExactly("gitCommit", "gitVersion", "buildDate");
    assertThat(v.get("gitVersion").asText()).startsWith("v1.74.0+jaegerj-");
  }

  @Test
  void env_describesEnvironmentOnlyVariables() {
    CliRunner r = CliRunner.run(Map.of(), "env");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("CASSANDRA_CONNECTIONS_PER_HOST", "INGESTER_DEADLOCKINTERVAL", "SPAN_STORAGE_TYPE",
        "DEPENDENCY_STORAGE_TYPE", "(default \"${SPAN_STORAGE_TYPE}\")", "SAMPLING_CONFIG_TYPE",
        "METRICS_STORAGE_TYPE");
  }

  @Test
  void printConfig_sortedTableWithSources() {
    CliRunner r = CliRunner.run(Map.of("LOG_LEVEL", "debug"), "print-config", "--test-a.max-traces=7");
    assertThat(r.exitCode()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).matches("-+");
    assertThat(lines[1]).contains("Configuration Option Name").contains("Value").contains("Source");
    assertThat(lines[lines.length - 1]).isEqualTo(lines[0]);
    assertThat(lines[0].length()).isEqualTo(lines[1].length());
    assertThat(r.out()).containsPattern("\\| log-level +debug +user-assigned \\|")
        .containsPattern("\\| test-a\\.max-traces +7 +user-assigned \\|")
        .containsPattern("\\| admin\\.http\\.host-port +:14269 +default +\\|")
        .doesNotContain("admin.http.tls.cert");
    assertThat(r.out().indexOf("| admin.http.host-port")).isLessThan(r.out().indexOf("| log-level"));
    assertThat(CliRunner.run(Map.of(), "print-config", "--all").out()).contains("| admin.http.tls.cert ");
    assertThat(CliRunner.run(Map.of(), "--log-level=warn", "print-config").out())
        .containsPattern("\\| log-level +warn +user-assigned \\|");
  }

  @Test
  void status_healthy_exits0_unhealthy_exits1() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int[] code = {200};
    server.createContext("/", ex -> {
      byte[] body = "{\"status\":\"x\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code[0], body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String hp = "--status.http.host-port=:" + server.getAddress().getPort();
      CliRunner ok = CliRunner.run(Map.of(), "status", hp);
      assertThat(ok.exitCode()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("{\"status\":\"x\"}");
      code[0] = 503;
      assertThat(CliRunner.run(Map.of(), "status", hp).exitCode()).isEqualTo(1);
    } finally {
      server.stop(0);
    }
    try (ServerSocket s = new ServerSocket(0)) {
      int closedPort = s.getLocalPort();
      s.close();
      CliRunner down = CliRunner.run(Map.of(), "status", "--status.http.host-port=127.0.0.1:" + closedPort);
      assertThat(down.exitCode()).isEqualTo(1);
    }
  }

  @Test
  void status_defaultsToAdminPort() {
    CliRunner r = CliRunner.run(Map.of(), "status", "--help");
    assertThat(r.out()).contains("(default \":14269\")");
  }

  @Test
  void printConfig_doesNotReadConfigFile() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "log-level: debug\n");
    CliRunner r = CliRunner.run(Map.of(), "print-config", "--config-file=" + f);
    assertThat(r.out()).containsPattern("\\| log-level +info +default +\\|");
  }

  @Test
  void moduleFlags_dependOnEnvironmentSelector() {
    ServerModule module = new ServerModule() {
      @Override
      public List<Flag> flags() {
        return List.of();
      }

      @Override
      public List<Flag> flags(Map<String, String> env) {
        String type = env.getOrDefault("METRICS_STORAGE_TYPE", "");
        if (type.isEmpty()) {
          return flags();
        }
        if (!type.equals("prometheus")) {
          throw new IllegalArgumentException("unknown metrics type \"" + type + "\". Valid types are [prometheus]");
        }
        return List.of(Flag.string("prometheus.server-url", "http://localhost:9090",
            "The Prometheus server's URL"));
      }

      @Override
      public void start(ServerContext context) {}
    };
    BinarySpec spec = new BinarySpec("jaeger-test", "t", "test-a", ":1", false, List.of(module));
    assertThat(CliRunner.run(spec, Map.of(), "help").out()).doesNotContain("prometheus.server-url");
    assertThat(CliRunner.run(spec, Map.of("METRICS_STORAGE_TYPE", "prometheus"), "help").out())
        .contains("--prometheus.server-url string");
    assertFails(CliRunner.run(spec, Map.of(), "--prometheus.server-url=x"), "unknown flag: --prometheus.server-url");
    assertFails(CliRunner.run(spec, Map.of("METRICS_STORAGE_TYPE", "graphite"), "help"),
        "unknown metrics type \"graphite\"");
  }

  @Test
  void docs_writesOneFilePerCommand() throws Exception {
    CliRunner r = CliRunner.run(Map.of(), "docs", "--format=yaml", "--dir=" + dir);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
        "jaeger-test.yaml", "jaeger-test_docs.yaml", "jaeger-test_env.yaml", "jaeger-test_print-config.yaml",
        "jaeger-test_status.yaml", "jaeger-test_version.yaml");
    JsonNode root = new YAMLMapper().readTree(
        dir.resolve("jaeger-test.yaml").toFile());
    assertThat(root.get("name").asText()).isEqualTo("jaeger-test");
    JsonNode first = root.get("options").get(0);
    assertThat(first.get("name").asText()).isEqualTo("admin.http.host-port");
    assertThat(first.get("default_value").asText()).isEqualTo(":14269");
    assertThat(CliRunner.run(Map.of(), "docs", "--dir=" + dir.resolve("md")).exitCode()).isZero();
    assertThat(Files.readString(dir.resolve("md").resolve("jaeger-test.md"))).contains("## jaeger-test")
        .contains("--test-a.timeout duration");
    assertFails(CliRunner.run(Map.of(), "docs", "--format=man"), "unsupported format");
  }
}
