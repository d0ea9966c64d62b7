// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The whole conformance suite against the shared real Cassandra 5.0 node, keyspaces created by schema.create. */
class ITCassandraConformance extends StorageConformanceSuite {
  @Override
  protected StorageFactory openFactory() throws Exception {
    CassandraTestServer server = CassandraTestServer.shared();
    return CassandraTestSupport.open(CassandraTestSupport.settings(server,
        CassandraTestSupport.uniqueKeyspace("conf"), Map.of(
            "cassandra-archive.enabled", "true",
            "cassandra-archive.port", Integer.toString(server.cqlPort()),
            "cassandra-archive.keyspace", CassandraTestSupport.uniqueKeyspace("conf_archive"),
            "cassandra-archive.schema.create", "true")));
  }

  /** Why a conformance case is skipped; mirrored in README.md. */
  static final Map<String, String> SKIPPED = Map.of(
      "getDependencies_linksParentAndChildAcrossServices",
      "Jaeger's Cassandra dependencies (dependencies_v2) are written by the external spark-dependencies job, not"
          + " derived from spans; ITCassandraDependencies reads rows written the job's way");

  @Override
  protected Map<String, String> skippedCases() {
    return SKIPPED;
  }

  /** The archive keyspace keeps spans of any age and reads them back by ID. */
  @Test
  void archive_roundTripsByIdWithoutTimeLimit() throws Exception {
    ArchiveStorage archive = factory().archive().orElseThrow();
    TraceId id = new TraceId(7, ThreadLocalRandom.current().nextLong());
    long yearsAgo = TimeUnit.DAYS.toMicros(365L * 30);
    List<Span> spans = List.of(
        Span.builder().traceId(id).spanId(1).operationName("old").startTimeMicros(yearsAgo).durationMicros(5)
            .addTag(KeyValue.string("k", "v")).process(Process.of("archived")).build(),
        Span.builder().traceId(id).spanId(2).operationName("older").startTimeMicros(yearsAgo + 10)
            .durationMicros(5).process(Process.of("archived")).build());
    archive.writer().write("", spans).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(archive.reader().getTrace(GetTraceQuery.of(id)).orElseThrow().spans()).hasSize(2);
    assertThat(factory().spanReader().getTrace(GetTraceQuery.of(id))).isEmpty();
  }

  /** Only the default tenant is stored so far: another tenant's write is refused, its reads see nothing. */
  @Test
  void otherTenants_refusedOnWrite_andSeeNothing() throws Exception {
    TraceId id = new TraceId(9, ThreadLocalRandom.current().nextLong());
    long now = System.currentTimeMillis() * 1000;
    Span span = Span.builder().traceId(id).spanId(1).operationName("op").startTimeMicros(now).durationMicros(5)
        .addTag(KeyValue.string("k", "v")).process(Process.of("tenant-svc")).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory().spanWriter().write("tenant-a", List.of(span))
        .toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UnsupportedOperationException.class);
    factory().spanWriter().write("", List.of(span)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(factory().spanReader().getTrace(GetTraceQuery.of(id))).isPresent();
    assertThat(factory().spanReader().getTrace(GetTraceQuery.of("tenant-b", id))).isEmpty();
    assertThat(factory().spanReader().getServices("tenant-b")).isEmpty();
    assertThat(factory().spanReader().findTraceIds(io.jaegerj.storage.TraceQuery.builder("tenant-svc")
        .tenant("tenant-b").startTimeMinMicros(now - 1000).startTimeMaxMicros(now + 1000).build())).isEmpty();
    assertThat(factory().dependencyReader().getDependencies("tenant-b", now, 3_600_000_000L)).isEmpty();
  }
}
