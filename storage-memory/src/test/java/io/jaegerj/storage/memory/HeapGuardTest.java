// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's decisions with simulated heap readings (the child-JVM proof is all-in-one's MemoryHeapGuardTest). */
class HeapGuardTest {
  private static final long MAX = Runtime.getRuntime().maxMemory();

  private static void fill(MemorySpanStore store, int traces) {
    for (int t = 1; t <= traces; t++) {
      store.write(List.of(Span.builder().traceId(new TraceId(0, t)).spanId(1).operationName("op")
          .startTimeMicros(1_700_000_000_000_000L + t).durationMicros(1).process(new Process("svc", List.of()))
          .build())).toCompletableFuture().join();
    }
  }

  private static boolean has(MemorySpanStore store, long trace) {
    return store.getTrace(GetTraceQuery.of(new TraceId(0, trace))).isPresent();
  }

  @Test
  void afterCollection_belowHighWatermark_keepsEverything() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MemorySpanStore store = new MemorySpanStore(0);
    fill(store, 100);
    HeapGuard guard = new HeapGuard(meters);
    guard.register(store);

    guard.afterCollection((long) (MAX * 0.6), System.nanoTime());

    assertThat(has(store, 1)).isTrue();
    assertThat(meters.get("jaeger_memory_heap_guard_evictions").counter().count()).isZero();
  }

  @Test
  void afterCollection_aboveHighWatermark_evictsOldestQuarter_unboundedAndRingStores() {
    for (int maxTraces : new int[] {0, 1000}) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      MemorySpanStore store = new MemorySpanStore(maxTraces);
      fill(store, 100);
      long before = store.storedBytes();
      HeapGuard guard = new HeapGuard(meters);
      guard.register(store);

      guard.afterCollection((long) (MAX * 0.71), System.nanoTime());

      assertThat(has(store, 1)).as("oldest evicted (maxTraces=%s)", maxTraces).isFalse();
      assertThat(has(store, 25)).isFalse();
      assertThat(has(store, 26)).isTrue();
      assertThat(has(store, 100)).isTrue();
      assertThat(store.storedBytes()).isEqualTo(before - before / 4);
      assertThat(meters.get("jaeger_memory_heap_guard_evicted_traces").counter().count()).isEqualTo(25);
      // New writes still land, and a ring store keeps cycling over the freed slots.
      fill(store, 3);
      assertThat(has(store, 1)).isTrue();
    }
  }

  @Test
  void afterCollection_cooldown_waitsForTheFreedMemoryToShow_unlessCritical() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MemorySpanStore store = new MemorySpanStore(0);
    fill(store, 100);
    HeapGuard guard = new HeapGuard(meters);
    guard.register(store);
    long now = System.nanoTime();

    guard.afterCollection((long) (MAX * 0.75), now);
    guard.afterCollection((long) (MAX * 0.75), now + 1_000_000);
    assertThat(meters.get("jaeger_memory_heap_guard_evictions").counter().count()).isEqualTo(1);
    guard.afterCollection((long) (MAX * 0.95), now + 2_000_000);
    assertThat(meters.get("jaeger_memory_heap_guard_evictions").counter().count()).isEqualTo(2);
  }
}
