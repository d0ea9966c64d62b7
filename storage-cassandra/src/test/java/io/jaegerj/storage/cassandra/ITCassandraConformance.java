// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.time.Duration;
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

  /** A tenant's first write creates its keyspace (schema.create): a dozen DDL statements, slow on a busy machine. */
  @Override
  protected Duration timeout() {
    return Duration.ofSeconds(180);
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

  /**
   * A tenant's spans land in its own keyspace {@code <keyspace>__<encoded tenant>}, created on first write
   * (schema.create is on here), and nowhere else; a tenant name too long for a keyspace name is refused.
   */
  @Test
  void tenants_liveInTheirOwnKeyspace() throws Exception {
    CassandraStore primary = ((CassandraStorageFactory) factory()).primary();
    TraceId id = new TraceId(9, ThreadLocalRandom.current().nextLong());
    long now = System.currentTimeMillis() * 1000;
    Span span = Span.builder().traceId(id).spanId(1).operationName("op").startTimeMicros(now).durationMicros(5)
        .addTag(KeyValue.string("k", "v")).process(Process.of("tenant-svc")).build();
    factory().spanWriter().write("Acme-EU", List.of(span)).toCompletableFuture().get(180, TimeUnit.SECONDS);

    String tenantKs = primary.keyspace() + "___41cme_2d_45_55";
    CqlSession cql = primary.session();
    assertThat(cql.execute("SELECT count(*) FROM " + tenantKs + ".traces WHERE trace_id = ?",
        SpanRows.traceId(id)).one().getLong(0)).isEqualTo(1);
    assertThat(cql.execute("SELECT count(*) FROM " + primary.keyspace() + ".traces WHERE trace_id = ?",
        SpanRows.traceId(id)).one().getLong(0)).isZero();
    assertThat(cql.execute("SELECT service_name FROM " + tenantKs + ".service_names").all()).hasSize(1);
    assertThat(factory().spanReader().getTrace(GetTraceQuery.of("Acme-EU", id))).isPresent();
    assertThat(factory().spanReader().getTrace(GetTraceQuery.of("acme-eu", id))).isEmpty();
    assertThat(factory().spanReader().getServices("Acme-EU")).containsExactly("tenant-svc");

    String tooLong = "t".repeat(TenantKeyspace.MAX_NAME_LENGTH);
    assertThatThrownBy(() -> factory().spanWriter().write(tooLong, List.of(span)).toCompletableFuture()
        .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("48");
    assertThat(factory().spanReader().getServices(tooLong)).isEmpty();
  }

  /**
   * With schema.create off a tenant's keyspace must be made with the schema tool first: until then its writes fail
   * naming the keyspace (the collector does not acknowledge them) and its reads are empty.
   */
  @Test
  void tenants_withoutSchemaCreate_needTheKeyspaceFromTheSchemaTool() throws Exception {
    CassandraTestServer server = CassandraTestServer.shared();
    String ks = CassandraTestSupport.uniqueKeyspace("noauto");
    CqlSession cql = ((CassandraStorageFactory) factory()).primary().session();
    SchemaTool.apply(cql, Schema.forTests(ks));
    try (CassandraStorageFactory f = CassandraTestSupport.open(CassandraTestSupport.settings(server, ks,
        Map.of("cassandra.schema.create", "false")))) {
      TraceId id = new TraceId(10, ThreadLocalRandom.current().nextLong());
      Span span = Span.builder().traceId(id).spanId(1).operationName("op")
          .startTimeMicros(System.currentTimeMillis() * 1000).durationMicros(5).process(Process.of("beta-svc"))
          .build();
      assertThatThrownBy(() -> f.spanWriter().write("beta", List.of(span)).toCompletableFuture()
          .get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("keyspace " + ks + "__beta").hasMessageContaining("schema tool");
      assertThat(f.spanReader().getServices("beta")).isEmpty();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of("beta", id))).isEmpty();

      SchemaTool.apply(cql, Schema.forTests(ks + "__beta"));
      f.spanWriter().write("beta", List.of(span)).toCompletableFuture().get(180, TimeUnit.SECONDS);
      assertThat(f.spanReader().getTrace(GetTraceQuery.of("beta", id))).isPresent();
      assertThat(f.spanReader().getServices("beta")).containsExactly("beta-svc");
      assertThat(f.spanReader().getServices("")).isEmpty();
    }
  }
}
