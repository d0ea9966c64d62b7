// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.dependencies;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.dependencies.DependenciesJob;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import io.jaegerj.storage.cassandra.CassandraTestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The batch job with spark-dependencies' Cassandra environment ({@code STORAGE=cassandra},
 * {@code CASSANDRA_CONTACT_POINTS=host:port}, {@code CASSANDRA_KEYSPACE}, user and password) on the real Cassandra 5.0
 * node of storage-cassandra's tests: a day of spans with a parent stored in another hour than its child and a child
 * stored before its parent gives exactly the expected links, written as a {@code dependencies_v2} row that the query's
 * reader returns.
 */
class ITDependenciesJobCassandraTest {
  private static final long HOUR = 3_600_000_000L;

  @Test
  void jobReadsTheDayFromCassandraAndWritesItsLinks() throws Exception {
    CassandraTestServer server = CassandraTestServer.shared();
    String keyspace = "depsjob_" + ProcessHandle.current().pid();
    StorageRegistry registry = StorageRegistry.load(getClass().getClassLoader());
    StorageProvider provider = registry.provider("cassandra");
    Settings settings = Settings.defaults(provider.flags(), Map.of("cassandra.servers", "127.0.0.1",
        "cassandra.port", Integer.toString(server.cqlPort()), "cassandra.keyspace", keyspace,
        "cassandra.schema.create", "true", "cassandra.username", CassandraTestServer.USER,
        "cassandra.password", CassandraTestServer.PASSWORD));
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    long d = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000;
    try (StorageFactory f = provider.open("cassandra", settings,
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()))) {
      List<Span> spans = new ArrayList<>();
      // trace 1: front -> back (the child one hour after its parent), back -> db twice
      TraceId t1 = new TraceId(5, 1);
      spans.add(span(t1, 1, 0, "front", d + 3 * HOUR));
      spans.add(span(t1, 2, 1, "back", d + 4 * HOUR + 1));
      spans.add(span(t1, 3, 2, "db", d + 4 * HOUR + 2));
      spans.add(span(t1, 4, 2, "db", d + 4 * HOUR + 3));
      // trace 2: the child is stored first; back -> back is not a link
      TraceId t2 = new TraceId(5, 2);
      spans.add(span(t2, 2, 1, "back", d + 10 * HOUR + 5));
      spans.add(span(t2, 3, 2, "back", d + 10 * HOUR + 6));
      spans.add(span(t2, 1, 0, "front", d + 10 * HOUR));
      // another day: not counted
      spans.add(span(new TraceId(5, 3), 2, 1, "back", d - HOUR));
      spans.add(span(new TraceId(5, 3), 1, 0, "front", d - HOUR - 1));
      for (Span s : spans) { // one write per span: the order of arrival above
        f.spanWriter().write("", List.of(s)).toCompletableFuture().get(60, TimeUnit.SECONDS);
      }

      DependenciesJob.Result r = DependenciesJob.run(Map.of("STORAGE", "cassandra",
          "CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + server.cqlPort(), "CASSANDRA_KEYSPACE", keyspace,
          "CASSANDRA_USERNAME", CassandraTestServer.USER, "CASSANDRA_PASSWORD", CassandraTestServer.PASSWORD)::get,
          day.toString());

      assertThat(r.spans()).isEqualTo(7);
      Map<String, Long> expected = Map.of("front>back", 2L, "back>db", 2L);
      assertThat(sum(r.links())).isEqualTo(expected);
      long end = d + 24 * HOUR;
      assertThat(sum(f.dependencyReader().getDependencies("", end, 24 * HOUR))).isEqualTo(expected);
    }
  }

  private static Map<String, Long> sum(List<DependencyLink> links) {
    Map<String, Long> m = new TreeMap<>();
    for (DependencyLink l : links) {
      m.merge(l.parent() + ">" + l.child(), l.callCount(), Long::sum);
    }
    return m;
  }

  private static Span span(TraceId trace, long id, long parent, String service, long start) {
    Span.Builder b = Span.builder().traceId(trace).spanId(id).operationName("op").startTimeMicros(start)
        .durationMicros(10).process(Process.of(service));
    if (parent != 0) {
      b.references(List.of(SpanRef.childOf(trace, parent)));
    }
    return b.build();
  }
}
