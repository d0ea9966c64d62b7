// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Process;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyAggregatorTest {
  static final TraceId T1 = new TraceId(0, 1);
  static final TraceId T2 = new TraceId(7, 2);

  static Span span(TraceId t, long id, long parent, String service) {
    Span.Builder b = Span.builder().traceId(t).spanId(id).operationName("op").startTimeMicros(1_000_000)
        .process(Process.of(service));
    if (parent != 0) {
      b.addReference(new SpanRef(RefType.CHILD_OF, t, parent));
    }
    return b.build();
  }

  @Test
  void countsEdgesWhoseParentArrivedFirst() {
    DependencyAggregator a = new DependencyAggregator(30_000, 1000, 100);
    a.offer("", List.of(span(T1, 1, 0, "front"), span(T1, 2, 1, "back"), span(T1, 3, 2, "db"),
        span(T1, 4, 2, "back")), 0);
    assertThat(a.drain()).isEqualTo(Map.of("", List.of(new DependencyLink("back", "db", 1),
        new DependencyLink("front", "back", 1))));
    assertThat(a.drain()).isEmpty();
  }

  @Test
  void lateParentCountsTheChildrenThatWaited() {
    DependencyAggregator a = new DependencyAggregator(30_000, 1000, 100);
    a.offer("", List.of(span(T1, 2, 1, "back"), span(T1, 3, 1, "cache")), 0);
    assertThat(a.drain()).isEmpty();
    a.offer("", List.of(span(T1, 1, 0, "front")), 10_000);
    assertThat(a.drain().get("")).containsExactly(new DependencyLink("front", "back", 1),
        new DependencyLink("front", "cache", 1));
    assertThat(a.lateParents.get()).isEqualTo(2);
  }

  @Test
  void duplicateSpanCountsOnce() {
    DependencyAggregator a = new DependencyAggregator(30_000, 1000, 100);
    a.offer("", List.of(span(T1, 1, 0, "front"), span(T1, 2, 1, "back")), 0);
    a.offer("", List.of(span(T1, 2, 1, "back"), span(T1, 1, 0, "front")), 5);
    assertThat(a.drain().get("")).containsExactly(new DependencyLink("front", "back", 1));
    assertThat(a.duplicates.get()).isEqualTo(2);
  }

  @Test
  void parentOutsideTheWindowIsLookedUpInStorage() {
    DependencyAggregator a = new DependencyAggregator(1_000, 1000, 100);
    a.offer("", List.of(span(T1, 2, 1, "back"), span(T2, 5, 4, "back")), 0);
    a.tick(500, (tenant, trace) -> {
      throw new AssertionError("no lookup inside the window");
    });
    a.tick(1_000, (tenant, trace) -> trace.equals(T1) ? Map.of(1L, "front") : Map.of());
    assertThat(a.drain().get("")).containsExactly(new DependencyLink("front", "back", 1));
    assertThat(a.lookedUp.get()).isEqualTo(1);
    assertThat(a.unresolved.get()).isEqualTo(1);
    assertThat(a.entries()).isZero();
  }

  @Test
  void childArrivingAfterTheParentExpiredWaitsForTheLookup() {
    DependencyAggregator a = new DependencyAggregator(1_000, 1000, 100);
    a.offer("", List.of(span(T1, 1, 0, "front")), 0);
    a.offer("", List.of(span(T1, 2, 1, "back")), 2_000); // the parent left the window on this insert
    a.expireAll((tenant, trace) -> Map.of(1L, "front"));
    assertThat(a.drain().get("")).containsExactly(new DependencyLink("front", "back", 1));
  }

  @Test
  void tenantsAreCountedApart() {
    DependencyAggregator a = new DependencyAggregator(30_000, 1000, 100);
    a.offer("", List.of(span(T1, 1, 0, "front"), span(T1, 2, 1, "back")), 0);
    a.offer("acme", List.of(span(T1, 2, 1, "back")), 0); // same trace and span IDs, other tenant: parent unknown
    a.offer("acme", List.of(span(T1, 3, 0, "x")), 0);
    Map<String, List<DependencyLink>> d = a.drain();
    assertThat(d).containsOnlyKeys("");
    a.expireAll((tenant, trace) -> tenant.equals("acme") ? Map.of(1L, "acme-front") : Map.of());
    assertThat(a.drain()).isEqualTo(Map.of("acme", List.of(new DependencyLink("acme-front", "back", 1))));
  }

  @Test
  void capEvictsTheOldestAndKeepsMemoryBounded() {
    DependencyAggregator a = new DependencyAggregator(3_600_000, 16 * 10, 0);
    for (int i = 1; i <= 10_000; i++) {
      a.offer("", List.of(span(new TraceId(0, i), 1, 0, "front")), 0);
    }
    assertThat(a.entries()).isLessThanOrEqualTo(160);
    assertThat(a.evictedEarly.get()).isGreaterThanOrEqualTo(10_000 - 160);
    assertThat(a.estimatedBytes()).isEqualTo((long) a.entries() * DependencyAggregator.BYTES_PER_ENTRY);
  }

  @Test
  void sameServiceAndRootSpansMakeNoEdge() {
    DependencyAggregator a = new DependencyAggregator(30_000, 1000, 100);
    a.offer("", List.of(span(T1, 1, 0, "front"), span(T1, 2, 1, "front")), 0);
    a.expireAll((tenant, trace) -> Map.of());
    assertThat(a.drain()).isEmpty();
    assertThat(a.unresolved.get()).isZero();
  }

  @Test
  void failedFlushIsRestored() {
    DependencyAggregator a = new DependencyAggregator(30_000, 1000, 100);
    a.offer("", List.of(span(T1, 1, 0, "front"), span(T1, 2, 1, "back")), 0);
    List<DependencyLink> taken = a.drain().get("");
    a.restore("", taken);
    a.offer("", List.of(span(T2, 1, 0, "front"), span(T2, 2, 1, "back")), 0);
    assertThat(a.drain().get("")).containsExactly(new DependencyLink("front", "back", 2));
  }
}
