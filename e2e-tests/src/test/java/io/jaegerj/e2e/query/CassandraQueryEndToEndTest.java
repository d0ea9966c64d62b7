// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.jaegerj.storage.cassandra.CassandraTestServer;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same end-to-end checks (golden /api answers, api_v3 over HTTP, gRPC api_v2 and api_v3) with the all-in-one on
 * a real Cassandra 5.0 ({@code SPAN_STORAGE_TYPE=cassandra}; the node of storage-cassandra's tests, started once per
 * test JVM; the keyspace created by {@code CASSANDRA_SCHEMA_CREATE=true}).
 */
final class CassandraQueryEndToEndTest extends QueryEndToEndTest {
  private static final String KEYSPACE = "e2e_query_" + ProcessHandle.current().pid();

  @Override
  Map<String, String> storageEnv() {
    try {
      CassandraTestServer server = CassandraTestServer.shared();
      return Map.of(
          "SPAN_STORAGE_TYPE", "cassandra",
          "CASSANDRA_SERVERS", "127.0.0.1",
          "CASSANDRA_PORT", Integer.toString(server.cqlPort()),
          "CASSANDRA_KEYSPACE", KEYSPACE,
          "CASSANDRA_SCHEMA_CREATE", "true",
          "CASSANDRA_USERNAME", CassandraTestServer.USER,
          "CASSANDRA_PASSWORD", CassandraTestServer.PASSWORD);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Cassandra: " + e.getMessage(), e);
    }
  }

  /**
   * On Cassandra the dependency links come from the spark-dependencies job (as in Jaeger), not from the spans: the
   * row that job would write for this trace is inserted first, then the same goldens are checked.
   */
  @Test
  @Override
  void uiApi_searchServicesOperationsDependencies_golden() throws Exception {
    try (CqlSession cql = session()) {
      long t0Millis = T0_NANOS / 1_000_000;
      cql.execute(cql.prepare("INSERT INTO " + KEYSPACE + ".dependencies_v2 (ts_bucket, ts, dependencies)"
          + " VALUES (?, ?, [{parent: 'frontend', child: 'backend', call_count: 1, source: 'jaeger'}])")
          .bind(Instant.ofEpochMilli(Math.floorDiv(t0Millis, 86_400_000L) * 86_400_000L),
              Instant.ofEpochMilli(t0Millis)));
    }
    super.uiApi_searchServicesOperationsDependencies_golden();
  }

  /** Proves the answers came from Cassandra, not from a silent fallback to another store. */
  @Test
  void storage_isTheCassandraKeyspace() throws Exception {
    try (CqlSession cql = session()) {
      assertThat(cql.execute("SELECT service_name FROM " + KEYSPACE + ".service_names").all())
          .extracting(r -> r.getString(0)).contains("frontend", "backend");
    }
  }

  private static CqlSession session() throws Exception {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress("127.0.0.1", CassandraTestServer.shared().cqlPort()))
        .withLocalDatacenter("datacenter1")
        .withAuthCredentials(CassandraTestServer.USER, CassandraTestServer.PASSWORD).build();
  }
}
