// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measures the heap a remembered span takes (two spans per trace, five services), so that
 * {@link DependencyAggregator#BYTES_PER_ENTRY} - the figure behind the memory cap and the cache_bytes gauge - does
 * not underestimate it. A memory measurement, not a timing: it is stable across machine load.
 */
class DependencyAggregatorMemoryTest {
  @Test
  void bytesPerEntryCoversTheMeasuredHeap() {
    int traces = 100_000;
    List<List<Span>> batches = new ArrayList<>();
    for (int i = 0; i < traces; i++) {
      TraceId t = new TraceId(i, i * 31L + 7);
      batches.add(List.of(DependencyAggregatorTest.span(t, 1, 0, "svc-" + (i % 5)),
          DependencyAggregatorTest.span(t, 2, 1, "svc-" + ((i + 1) % 5))));
    }
    DependencyAggregator[] holder = {new DependencyAggregator(3_600_000, 4 * traces, 0)};
    for (List<Span> b : batches) {
      holder[0].offer("", b, 0);
    }
    int entries = holder[0].entries();
    assertThat(entries).isEqualTo(2 * traces);
    assertThat(holder[0].drain().get("")).hasSize(5);
    long with = usedAfterGc();
    holder[0] = null; // the spans stay referenced by batches: the difference is the aggregator alone
    long without = usedAfterGc();
    assertThat(batches).hasSize(traces);
    double perEntry = (with - without) / (double) entries;
    System.out.printf("dependency aggregator: %.1f bytes per remembered span (%d entries)%n", perEntry, entries);
    assertThat(perEntry).isGreaterThan(20).isLessThanOrEqualTo(DependencyAggregator.BYTES_PER_ENTRY);
  }

  private static long usedAfterGc() {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, m.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
