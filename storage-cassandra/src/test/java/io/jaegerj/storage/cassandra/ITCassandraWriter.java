// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.TraceQuery;
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The writer's requests: rows of one partition go out as single-partition unlogged batches of at most 100 rows. */
class ITCassandraWriter {
  private static CassandraStorageFactory factory;
  private static SimpleMeterRegistry meters;

  @BeforeAll
  static void open() throws Exception {
    meters = new SimpleMeterRegistry();
    factory = CassandraTestSupport.open(CassandraTestSupport.settings(CassandraTestServer.shared(),
        CassandraTestSupport.uniqueKeyspace("writer"), Map.of()), meters);
  }

  @AfterAll
  static void close() {
    if (factory != null) {
      factory.close();
    }
  }

  private static double counter(String name) {
    return meters.get(name).tag("role", "primary").counter().count();
  }

  /**
   * 250 spans of one trace, one service and one operation, no tags, in one hour bucket: 1,252 rows (250 traces, 1
   * service name, 1 operation name, 250 service_name_index in 10 bucket partitions, 250 service_operation_index,
   * 2 x 250 duration_index) go out in 24 requests (traces 3 batches, names 2 statements, service_name_index 10,
   * service_operation_index 3, duration_index 2 x 3), and every row is there.
   */
  @Test
  void rowsOfOnePartition_goOutAsBatchesOfAtMostOneHundred() throws Exception {
    TraceId id = new TraceId(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong());
    long hour = 3_600_000_000L;
    long start = (System.currentTimeMillis() * 1000 / hour - 2) * hour + 1_000_000;
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= 250; i++) {
      spans.add(Span.builder().traceId(id).spanId(i).operationName("batched-op").startTimeMicros(start + i)
          .durationMicros(1000 + i).process(Process.of("batched-svc")).build());
    }
    double rows0 = counter("jaegerj_cassandra_rows_written");
    double requests0 = counter("jaegerj_cassandra_write_requests");
    factory.spanWriter().write("", spans).toCompletableFuture().get(120, TimeUnit.SECONDS);

    assertThat(counter("jaegerj_cassandra_rows_written") - rows0).isEqualTo(1252);
    assertThat(counter("jaegerj_cassandra_write_requests") - requests0).isEqualTo(24);
    assertThat(factory.spanReader().getTrace(GetTraceQuery.of(id)).orElseThrow().spans()).hasSize(250);

    CqlSession cql = factory.primary().session();
    String ks = factory.primary().keyspace();
    ByteBuffer traceId = SpanRows.traceId(id);
    assertThat(count(cql, "SELECT count(*) FROM " + ks + ".traces WHERE trace_id = ?", traceId)).isEqualTo(250);
    long byBucket = 0;
    for (int b = 0; b < 10; b++) {
      byBucket += count(cql, "SELECT count(*) FROM " + ks + ".service_name_index WHERE service_name = ?"
          + " AND bucket = ?", "batched-svc", b);
    }
    assertThat(byBucket).isEqualTo(250);
    assertThat(count(cql, "SELECT count(*) FROM " + ks + ".service_operation_index WHERE service_name = ?"
        + " AND operation_name = ?", "batched-svc", "batched-op")).isEqualTo(250);
    assertThat(count(cql, "SELECT count(*) FROM " + ks + ".duration_index WHERE service_name = ?"
        + " AND operation_name = ? AND bucket = ?", "batched-svc", "",
        Instant.ofEpochMilli(CassandraSpanWriter.roundToHour(start / 1000)))).isEqualTo(250);
    assertThat(factory.spanReader().findTraceIds(TraceQuery.builder("batched-svc").operationName("batched-op")
        .durationMinMicros(1250).startTimeMinMicros(start).startTimeMaxMicros(start + 1000).build()))
        .containsExactly(id);
  }

  /** Names already written are not written again while the write cache holds them (one row per batch at most). */
  @Test
  void serviceAndOperationNames_areWrittenOncePerCachePeriod() throws Exception {
    TraceId id = new TraceId(ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong());
    long start = System.currentTimeMillis() * 1000;
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      spans.add(Span.builder().traceId(id).spanId(i).operationName("cached-op").startTimeMicros(start)
          .durationMicros(5).process(Process.of("cached-svc")).build());
    }
    double rows0 = counter("jaegerj_cassandra_rows_written");
    factory.spanWriter().write("", spans).toCompletableFuture().get(60, TimeUnit.SECONDS);
    // 3 x (traces, service_name_index, service_operation_index, 2 duration_index) + 1 service + 1 operation
    assertThat(counter("jaegerj_cassandra_rows_written") - rows0).isEqualTo(17);
    double rows1 = counter("jaegerj_cassandra_rows_written");
    factory.spanWriter().write("", spans.subList(0, 1)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(counter("jaegerj_cassandra_rows_written") - rows1).isEqualTo(5);
    assertThat(factory.spanReader().getServices("")).contains("cached-svc");
  }

  private static long count(CqlSession cql, String query, Object... values) {
    return cql.execute(cql.prepare(query).bind(values)).one().getLong(0);
  }
}
