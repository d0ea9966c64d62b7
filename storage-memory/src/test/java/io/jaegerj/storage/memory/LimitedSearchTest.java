// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.TraceQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A search with a limit stops walking the index once no older trace can make the result, and still returns exactly
 * the first {@code limit} traces of the unlimited search, in the same order.
 */
class LimitedSearchTest {
  private static final long T0 = 1_700_000_000_000_000L;

  private static Span span(long trace, long spanId, String service, String op, long start, String customer) {
    return Span.builder()
        .traceId(new TraceId(0, trace))
        .spanId(spanId)
        .operationName(op)
        .startTimeMicros(start)
        .durationMicros(10)
        .process(new Process(service, List.of()))
        .addTag(KeyValue.string("customer", customer))
        .build();
  }

  private static TraceQuery.Builder window() {
    return TraceQuery.builder("svc-0").startTimeMinMicros(T0 - 10_000_000).startTimeMaxMicros(T0 + 10_000_000_000L);
  }

  @Test
  void limitedSearch_equalsUnlimitedCut_withDisorderTiesAndEvictions() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int round = 0; round < 30; round++) {
      int maxTraces = round % 3 == 0 ? 0 : 50 + rnd.nextInt(300);
      MemorySpanStore store = new MemorySpanStore(maxTraces);
      int traces = 200 + rnd.nextInt(800);
      List<Span> pending = new ArrayList<>();
      for (int t = 1; t <= traces; t++) {
        // Roughly time-ordered arrivals, with jitter, coarse starts (ties) and late spans starting earlier.
        long start = T0 + (t / 3) * 1000L + (rnd.nextInt(4) - 2) * 1000L;
        int spans = 1 + rnd.nextInt(4);
        for (int k = 0; k < spans; k++) {
          pending.add(span(t, k + 1, "svc-" + rnd.nextInt(3), "op-" + rnd.nextInt(3), start + rnd.nextInt(3) * 500L,
              "c" + rnd.nextInt(5)));
        }
        if (rnd.nextInt(10) == 0 && t > 20) {
          // A late span of an older trace, starting before everything stored for it.
          long old = t - 1 - rnd.nextInt(15);
          pending.add(span(old, 100 + t, "svc-0", "op-0", T0 + (old / 3) * 1000L - 5_000, "c" + rnd.nextInt(5)));
        }
        if (pending.size() > 20 || t == traces) {
          store.write(pending).toCompletableFuture().join();
          pending = new ArrayList<>();
        }
      }
      for (int limit : new int[] {1, 3, 20, 5000}) {
        for (TraceQuery.Builder b : List.of(window(), window().operationName("op-1"), window().tag("customer", "c2"),
            window().startTimeMinMicros(T0 + 40_000).startTimeMaxMicros(T0 + 90_000))) {
          List<TraceId> all = store.findTraceIds(b.numTraces(0).build());
          List<TraceId> limited = store.findTraceIds(b.numTraces(limit).build());
          assertThat(limited).as("round %d, limit %d", round, limit)
              .containsExactlyElementsOf(all.subList(0, Math.min(limit, all.size())));
        }
      }
    }
  }

  @Test
  void limitedSearch_onFullStore_readsAboutTheTracesItReturns() {
    MemorySpanStore store = new MemorySpanStore(0);
    List<Span> batch = new ArrayList<>();
    for (int t = 1; t <= 50_000; t++) {
      batch.add(span(t, 1, "svc-0", "op", T0 + t * 100L, "c" + (t % 100)));
      if (batch.size() == 500) {
        store.write(batch).toCompletableFuture().join();
        batch = new ArrayList<>();
      }
    }
    long before = store.spansExamined();

    List<TraceId> found = store.findTraceIds(window().tag("customer", "c7").numTraces(20).build());

    assertThat(found).hasSize(20);
    assertThat(found.get(0)).isEqualTo(new TraceId(0, 49_907));
    // 20 matches are 1/100 of the traces; the tag filter passes a few false candidates, the block bound costs at
    // most one block of 64 entries beyond the last match. The unlimited search checks all 500 candidates.
    assertThat(store.spansExamined() - before).isLessThan(100);
  }
}
