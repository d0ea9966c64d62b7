// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchemaTest {
  @Test
  void fromEnv_testMode_defaultsAsCreateSh() {
    Schema s = Schema.fromEnv(Map.of("MODE", "test"));
    assertThat(s.keyspace()).isEqualTo("jaeger_v1_test");
    assertThat(s.replication()).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': '1'}");
    assertThat(s.traceTtlSeconds()).isEqualTo(172800);
    assertThat(s.dependenciesTtlSeconds()).isZero();
    assertThat(s.compactionWindowSize()).isEqualTo(96);
    assertThat(s.compactionWindowUnit()).isEqualTo("MINUTES");
    String cql = s.render();
    assertThat(cql).doesNotContain("--").doesNotContain("${");
    assertThat(s.statements()).hasSize(17);
    assertThat(s.statements()).allMatch(st -> st.contains("IF NOT EXISTS"));
    assertThat(cql).contains("CREATE TABLE IF NOT EXISTS jaeger_v1_test.traces",
        "frozen<list<frozen<jaeger_v1_test.keyvalue>>>", "'compaction_window_size': '96'",
        "PRIMARY KEY ((service_name, operation_name, bucket), duration, start_time, trace_id)");
  }

  @Test
  void fromEnv_prodMode_needsDatacenter() {
    assertThatThrownBy(() -> Schema.fromEnv(Map.of("MODE", "prod")))
        .hasMessage("missing DATACENTER parameter for prod mode");
    Schema s = Schema.fromEnv(Map.of("MODE", "prod", "DATACENTER", "dc2", "TRACE_TTL", "3600",
        "COMPACTION_WINDOW", "2h", "DEPENDENCIES_TTL", "86400"));
    assertThat(s.keyspace()).isEqualTo("jaeger_v1_dc2");
    assertThat(s.replication()).isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc2': '2' }");
    assertThat(s.render()).contains("default_time_to_live = 3600", "default_time_to_live = 86400",
        "'compaction_window_unit': 'HOURS'");
  }

  @Test
  void fromEnv_badValues_areRefusedWithCreateShMessages() {
    assertThatThrownBy(() -> Schema.fromEnv(Map.of())).hasMessageContaining("missing MODE parameter");
    assertThatThrownBy(() -> Schema.fromEnv(Map.of("MODE", "test", "KEYSPACE", "a-b")))
        .hasMessageContaining("invalid characters in KEYSPACE=a-b");
    assertThatThrownBy(() -> Schema.fromEnv(Map.of("MODE", "test", "COMPACTION_WINDOW", "2w")))
        .hasMessageContaining("invalid COMPACTION_WINDOW=2w");
    assertThatThrownBy(() -> Schema.fromEnv(Map.of("MODE", "test", "VERSION", "3")))
        .hasMessageContaining("unsupported VERSION=3");
    assertThatThrownBy(() -> Schema.fromEnv(Map.of("MODE", "test", "TRACE_TTL", "two")))
        .hasMessageContaining("TRACE_TTL=two");
  }

  /** create.sh and the Java tool render the same template the same way. */
  @Test
  void createSh_printsTheSameCqlAsTheJavaTool() throws Exception {
    Path script = CassandraTestServer.moduleDir().resolve("schema/create.sh");
    for (Map<String, String> env : List.of(Map.of("MODE", "test"),
        Map.of("MODE", "prod", "DATACENTER", "east", "KEYSPACE", "jaeger_x", "TRACE_TTL", "7200",
            "COMPACTION_WINDOW", "1d", "REPLICATION_FACTOR", "3"))) {
      ProcessBuilder pb = new ProcessBuilder("sh", script.toString());
      pb.environment().keySet().removeIf(k -> k.equals("MODE") || k.equals("KEYSPACE") || k.equals("DATACENTER"));
      pb.environment().putAll(env);
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      String shell = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(normalize(shell)).isEqualTo(normalize(Schema.fromEnv(env).render()));
    }
  }

  @Test
  void tool_print_andBadEnvironment() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>(Map.of("KEYSPACE", "jaeger_p"));
    assertThat(SchemaTool.run(new String[] {"print"}, env, new PrintStream(out), new PrintStream(err))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("CREATE KEYSPACE IF NOT EXISTS jaeger_p");
    assertThat(SchemaTool.run(new String[] {"print"}, Map.of("MODE", "prod", "DATACENTER", ""),
        new PrintStream(out), new PrintStream(err))).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: missing DATACENTER parameter for prod mode");
  }

  private static String normalize(String cql) {
    return cql.replaceAll("\\s+", " ").strip();
  }
}
