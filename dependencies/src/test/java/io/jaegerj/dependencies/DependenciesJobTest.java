// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependenciesJobTest {
  @Test
  void badConfigurationNamesTheProblem() {
    assertThatThrownBy(() -> DependenciesJob.run(Map.of("STORAGE", "mysql")::get))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STORAGE=mysql");
    assertThatThrownBy(() -> DependenciesJob.run(Map.of("STORAGE", "opensearch")::get, "07/03/2025"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("07/03/2025")
        .hasMessageContaining("YYYY-MM-DD");
  }

  @Test
  void esNodesGetAScheme() {
    assertThat(DependenciesJob.withScheme("es1:9200, https://es2:9200"))
        .isEqualTo("http://es1:9200,https://es2:9200");
  }

  @Test
  void cassandraContactPointsGiveHostsAndPort() {
    assertThat(DependenciesJob.contactPoints("c1:19042, c2")).containsExactlyInAnyOrderEntriesOf(
        Map.of("cassandra.servers", "c1,c2", "cassandra.port", "19042"));
    assertThat(DependenciesJob.contactPoints("localhost")).containsExactlyInAnyOrderEntriesOf(
        Map.of("cassandra.servers", "localhost"));
    assertThatThrownBy(() -> DependenciesJob.contactPoints("c1:x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("c1:x");
  }

  /**
   * A day of spans handed over in slices: parents in the slice before their children, a child before its parent
   * within a slice, and a parent three slices back (only the lookup finds it). The record is stamped with the day's
   * start and the aggregator never holds more than two slices.
   */
  @Test
  void slicesTheDayAndWritesOneRecordAtTheDayStart() throws Exception {
    LocalDate day = LocalDate.of(2025, 3, 7);
    long dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() * 1000;
    long hour = 3_600_000_000L;
    TraceId a = new TraceId(0, 1);
    TraceId b = new TraceId(0, 2);
    TraceId c = new TraceId(0, 3);
    List<Span> stored = List.of(
        at(DependencyAggregatorTest.span(a, 1, 0, "front"), dayStart + 10),
        at(DependencyAggregatorTest.span(a, 2, 1, "back"), dayStart + hour + 10), // next slice
        at(DependencyAggregatorTest.span(b, 2, 1, "back"), dayStart + 5 * hour + 1), // child first
        at(DependencyAggregatorTest.span(b, 1, 0, "front"), dayStart + 5 * hour + 2),
        at(DependencyAggregatorTest.span(c, 1, 0, "front"), dayStart + 7 * hour),
        at(DependencyAggregatorTest.span(c, 2, 1, "db"), dayStart + 10 * hour), // parent 3 slices back
        at(DependencyAggregatorTest.span(c, 3, 0, "late"), dayStart + 25 * hour)); // next day: not read
    List<long[]> scanned = new ArrayList<>();
    List<Object[]> written = new ArrayList<>();
    DependenciesJob.Result r = DependenciesJob.run(day, (tenant, from, to, pageSize, pages) -> {
      scanned.add(new long[] {from, to});
      pages.accept(stored.stream().filter(s -> s.startTimeMicros() >= from && s.startTimeMicros() < to).toList());
    }, (tenant, ts, links) -> written.add(new Object[] {tenant, ts, links}),
        (tenant, trace) -> trace.equals(c) ? Map.of(1L, "front") : Map.of(), 1000);
    assertThat(scanned).hasSize(24);
    assertThat(scanned.get(0)).containsExactly(dayStart, dayStart + hour);
    assertThat(r.spans()).isEqualTo(6);
    List<DependencyLink> expected = List.of(new DependencyLink("front", "back", 2),
        new DependencyLink("front", "db", 1));
    assertThat(r.links()).isEqualTo(expected);
    assertThat(written).hasSize(1);
    assertThat(written.get(0)).containsExactly("", dayStart, expected);
  }

  private static Span at(Span s, long startMicros) {
    return s.toBuilder().startTimeMicros(startMicros).build();
  }
}
