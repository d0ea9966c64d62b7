// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.dependencies;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.collector.CollectorMain;
import io.jaegerj.config.Flag;
import io.jaegerj.query.QueryMain;
import io.jaegerj.server.BinarySpec;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.cassandra.CassandraTestServer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dependency aggregator end to end on the real Cassandra 5.0 node of storage-cassandra's tests (child JVM, shared
 * by the e2e Cassandra tests): two collectors with {@code --dependencies.aggregator.enabled} and stored
 * acknowledgement receive the known traffic of {@link AggregatorTraffic} (late parents, traces split between the
 * collectors, a retried request); each writes its {@code dependencies_v2} row, and a query service reads exactly the
 * expected links and call counts from {@code /api/dependencies}. The batch job, configured with spark-dependencies'
 * Cassandra variables, finds the same links in the stored spans.
 */
class ITDependencyAggregatorCassandraTest {
  private static final Map<String, String> ENV = Map.of("SPAN_STORAGE_TYPE", "cassandra");

  @Test
  void twoCollectorsWithLateAndSplitParents_queryShowsExactCounts_andBatchJobAgrees() throws Exception {
    CassandraTestServer server = CassandraTestServer.shared();
    String keyspace = "depsagg_" + ProcessHandle.current().pid();
    int otlp1 = AggregatorTraffic.freePort();
    int otlp2 = AggregatorTraffic.freePort();
    int queryHttp = AggregatorTraffic.freePort();
    int spans;
    Map<String, Double> counters;
    // the first collector creates the keyspace; the others start once it exists
    JaegerMain.Running c1 = start(server, keyspace, CollectorMain.spec(), "collector.otlp.http.host-port", otlp1,
        "--dependencies.aggregator.enabled=true", "--collector.acknowledge=stored");
    try (JaegerMain.Running query = start(server, keyspace, QueryMain.spec(), "query.http-server.host-port",
        queryHttp)) {
      JaegerMain.Running c2 = null;
      try {
        c2 = start(server, keyspace, CollectorMain.spec(), "collector.otlp.http.host-port", otlp2,
            "--dependencies.aggregator.enabled=true", "--collector.acknowledge=stored");
        spans = AggregatorTraffic.send(otlp1, otlp2);
        // closing the collectors ends the windows: children whose parent went to the other collector are looked up
        // in Cassandra, and each collector writes its dependencies_v2 row
        JaegerMain.Running first = c1;
        JaegerMain.Running second = c2;
        c1 = null;
        c2 = null;
        first.close();
        second.close();
        counters = AggregatorTraffic.counters(List.of(first.meters(), second.meters()));
      } finally {
        if (c2 != null) {
          c2.close();
        }
      }
      Map<String, Long> expected = AggregatorTraffic.EXPECTED;
      assertThat(AggregatorTraffic.awaitDependencies(queryHttp, expected, Duration.ofSeconds(30), () -> { }))
          .isEqualTo(expected);
      assertThat(counters).containsEntry("jaegerj_dependencies_calls", AggregatorTraffic.CALLS)
          .containsEntry("jaegerj_dependencies_duplicate_spans", AggregatorTraffic.DUPLICATE_SPANS)
          .containsEntry("jaegerj_dependencies_unresolved", 0.0)
          .containsEntry("jaegerj_dependencies_parents_looked_up", AggregatorTraffic.PARENTS_LOOKED_UP)
          .containsEntry("jaegerj_dependencies_records_written", 2.0);

      // the batch job on the same day's spans, configured as spark-dependencies is
      AggregatorTraffic.assertBatchJobAgrees(Map.of("STORAGE", "cassandra",
          "CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + server.cqlPort(), "CASSANDRA_KEYSPACE", keyspace,
          "CASSANDRA_USERNAME", CassandraTestServer.USER, "CASSANDRA_PASSWORD", CassandraTestServer.PASSWORD),
          LocalDate.now(ZoneOffset.UTC), spans, queryHttp, () -> { });
    } finally {
      if (c1 != null) {
        c1.close();
      }
    }
  }

  private static JaegerMain.Running start(CassandraTestServer server, String keyspace, BinarySpec spec,
      String portFlag, int port, String... extra) throws Exception {
    List<String> args = new ArrayList<>();
    for (Flag f : JaegerMain.flags(spec, ENV)) {
      if (f.type() == Flag.Type.HOST_PORT && !f.defaultValue().isEmpty()) {
        args.add("--" + f.name() + "=127.0.0.1:" + (f.name().equals(portFlag) ? port : AggregatorTraffic.freePort()));
      }
    }
    args.addAll(List.of("--cassandra.servers=127.0.0.1", "--cassandra.port=" + server.cqlPort(),
        "--cassandra.keyspace=" + keyspace, "--cassandra.schema.create=true",
        "--cassandra.username=" + CassandraTestServer.USER, "--cassandra.password=" + CassandraTestServer.PASSWORD));
    args.addAll(List.of(extra));
    return JaegerMain.start(spec, args.toArray(String[]::new), ENV);
  }
}
