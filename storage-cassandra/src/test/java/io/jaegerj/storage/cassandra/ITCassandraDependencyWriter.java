// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.UdtValue;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.DependencyWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependency records in {@code dependencies_v2} on the shared real node: appended, per tenant, in Jaeger's shape; and
 * the span scanner of the dependencies job.
 */
class ITCassandraDependencyWriter {
  private static final long DAY_MICROS = 86_400_000_000L;
  private static CassandraStorageFactory factory;
  private static DependencyWriter writer;

  @BeforeAll
  static void open() throws Exception {
    factory = CassandraTestSupport.open(CassandraTestSupport.settings(CassandraTestServer.shared(),
        CassandraTestSupport.uniqueKeyspace("deps"), Map.of()));
    writer = factory.dependencyWriter().orElseThrow();
  }

  @AfterAll
  static void close() {
    if (factory != null) {
      factory.close();
    }
  }

  private static List<String> read(String tenant, long endMicros) {
    return factory.dependencyReader().getDependencies(tenant, endMicros, DAY_MICROS).stream()
        .map(l -> l.parent() + ">" + l.child() + ":" + l.callCount()).sorted(Comparator.reverseOrder()).toList();
  }

  /**
   * Two collectors flushing in the same millisecond (and a third record): three rows, none overwritten, and the
   * reader returns all of them for the query to sum.
   */
  @Test
  void recordsAtTheSameMillisecond_areAppendedNotOverwritten() throws Exception {
    long ts = (System.currentTimeMillis() / 1000 - 120) * 1_000_000; // a whole second, 2 min ago
    writer.writeDependencies("", ts, List.of(new DependencyLink("front", "back", 3)));
    writer.writeDependencies("", ts, List.of(new DependencyLink("front", "back", 4),
        new DependencyLink("back", "db", 1)));
    writer.writeDependencies("", ts + 1000, List.of(new DependencyLink("front", "back", 5)));
    writer.writeDependencies("", ts, List.of()); // nothing
    assertThat(read("", ts + 60_000_000).stream().filter(l -> l.startsWith("front") || l.startsWith("back")))
        .containsExactly("front>back:5", "front>back:4", "front>back:3",
        "back>db:1");
  }

  /** The row read with the statement and consistency of Jaeger's reader (spec A.9), every UDT field as Jaeger has it. */
  @Test
  void rowIsReadByJaegersReaderStatement() throws Exception {
    long day = Math.floorDiv(System.currentTimeMillis() * 1000, DAY_MICROS) * DAY_MICROS - 3 * DAY_MICROS;
    long ts = day + 3_600_000_000L + 123_000; // 01:00:00.123 three days ago
    writer.writeDependencies("", ts, List.of(new DependencyLink("svc-a", "svc-b", 7, "jaeger")));
    CqlSession cql = factory.primary().session();
    String ks = factory.primary().keyspace();
    List<Row> rows = cql.execute(cql.prepare("SELECT ts, dependencies FROM " + ks + ".dependencies_v2"
        + " WHERE ts_bucket IN ? AND ts >= ? AND ts < ?").bind(List.of(Instant.ofEpochMilli(day / 1000)),
        Instant.ofEpochMilli(day / 1000), Instant.ofEpochMilli((day + DAY_MICROS) / 1000))
        .setConsistencyLevel(ConsistencyLevel.ONE)).all();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getInstant("ts")).isEqualTo(Instant.ofEpochMilli(ts / 1000));
    UdtValue d = rows.get(0).getList("dependencies", UdtValue.class).get(0);
    assertThat(List.of(d.getString("parent"), d.getString("child"), d.getLong("call_count"), d.getString("source")))
        .containsExactly("svc-a", "svc-b", 7L, "jaeger");
  }

  /** A tenant's records go to its own keyspace: each tenant reads its own, a tenant without a keyspace is refused. */
  @Test
  void tenantsKeepTheirOwnRecords() throws Exception {
    long now = System.currentTimeMillis() * 1000;
    List<Span> spans = new ArrayList<>();
    spans.add(Span.builder().traceId(new TraceId(1, 2)).spanId(1).operationName("op").startTimeMicros(now)
        .durationMicros(10).process(Process.of("acme-svc")).build());
    factory.spanWriter().write("acme", spans).toCompletableFuture().get(120, TimeUnit.SECONDS); // its keyspace
    writer.writeDependencies("acme", now - 60_000_000, List.of(new DependencyLink("acme-svc", "acme-db", 9)));
    writer.writeDependencies("", now - 60_000_000, List.of(new DependencyLink("default-svc", "default-db", 2)));
    assertThat(read("acme", now)).containsExactly("acme-svc>acme-db:9");
    assertThat(read("", now)).contains("default-svc>default-db:2").noneMatch(s -> s.startsWith("acme"));
    assertThat(read("nobody", now)).isEmpty();
    assertThatThrownBy(() -> writer.writeDependencies("nobody", now, List.of(new DependencyLink("x", "y", 1))))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("does not exist");
  }

  /**
   * The scanner hands every span that started in the range exactly once (a trace found through two services is
   * read once), none outside it, in pages of at most the page size.
   */
  @Test
  void scanner_handsEachSpanOfTheRangeOnce() throws Exception {
    long hour = 3_600_000_000L;
    long h = Math.floorDiv(System.currentTimeMillis() * 1000, hour) * hour - 5 * hour; // five hours ago
    TraceId t1 = new TraceId(77, 1);
    TraceId t2 = new TraceId(77, 2);
    List<Span> spans = List.of(
        span(t1, 1, "scan-front", h - hour + 600_000_000L), // the previous hour: outside
        span(t1, 2, "scan-back", h + 300_000_000L),
        span(t2, 1, "scan-front", h + 1_000_000L),
        span(t2, 2, "scan-back", h + 2_000_000L),
        span(t2, 3, "scan-db", h + hour)); // the end is exclusive
    factory.spanWriter().write("", spans).toCompletableFuture().get(120, TimeUnit.SECONDS);
    List<List<Span>> pages = new ArrayList<>();
    factory.spanScanner().orElseThrow().scan("", h, h + hour, 2, pages::add);
    assertThat(pages).allSatisfy(p -> assertThat(p).hasSizeBetween(1, 2));
    assertThat(pages.stream().flatMap(List::stream).map(s -> s.traceId().low() + "/" + s.spanId()).sorted())
        .containsExactly("1/2", "2/1", "2/2");
    List<List<Span>> none = new ArrayList<>();
    factory.spanScanner().orElseThrow().scan("nobody", h, h + hour, 2, none::add);
    assertThat(none).isEmpty();
  }

  private static Span span(TraceId trace, long id, String service, long start) {
    return Span.builder().traceId(trace).spanId(id).operationName("op").startTimeMicros(start).durationMicros(10)
        .process(Process.of(service)).build();
  }
}
