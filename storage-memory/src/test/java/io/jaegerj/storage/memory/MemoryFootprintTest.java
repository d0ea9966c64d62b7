// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heap retained per stored span, measured as the growth of used heap after full collections. The spans have ten
 * attributes each, ten spans per trace, as the sizing goal in ARCHITECTURE.md assumes.
 */
class MemoryFootprintTest {
  private static final int TRACES = 20_000;
  private static final int SPANS_PER_TRACE = 10;

  @Test
  void heapPerSpan_tenAttributes_isBelowGoal() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    MemorySpanStore store = new MemorySpanStore(0);
    Process[] processes = new Process[8];
    for (int p = 0; p < processes.length; p++) {
      processes[p] = new Process("service-" + p, List.of(KeyValue.string("hostname", "host-" + p),
          KeyValue.string("ip", "10.1.2." + p), KeyValue.string("jaeger.version", "Java-1.8.1")));
    }
    // Warm the tables so they do not count as per-span cost.
    store.write(batch(0, processes)).toCompletableFuture().join();
    store.purge();
    long before = usedAfterGc(memory);

    for (int t = 1; t <= TRACES; t++) {
      store.write(batch(t, processes)).toCompletableFuture().join();
    }
    long after = usedAfterGc(memory);

    double perSpan = (double) (after - before) / store.spanCount();
    System.out.printf("heap bytes per stored span (10 attributes, %d spans): %.1f; encoded bytes per span: %.1f%n",
        store.spanCount(), perSpan, (double) store.encodedBytes() / store.spanCount());
    assertThat(store.spanCount()).isEqualTo((long) TRACES * SPANS_PER_TRACE);
    assertThat(perSpan).isLessThan(400);
  }

  private static List<Span> batch(int t, Process[] processes) {
    TraceId id = new TraceId(0x5eed_0000_0000L + t, 0x1234_5678_9abcL * t);
    List<Span> spans = new ArrayList<>(SPANS_PER_TRACE);
    for (int i = 0; i < SPANS_PER_TRACE; i++) {
      Span.Builder b = Span.builder()
          .traceId(id)
          .spanId(t * 100L + i + 1)
          .operationName("GET /api/v1/resource/" + (i % 12))
          .flags(1)
          .startTimeMicros(1_700_000_000_000_000L + t * 1000L + i)
          .durationMicros(100 + i * 17L)
          .process(processes[(t + i) % processes.length]);
      if (i > 0) {
        b.addReference(SpanRef.childOf(id, t * 100L + (i - 1) / 2 + 1));
      }
      b.addTag(KeyValue.string("span.kind", i % 2 == 0 ? "server" : "client"));
      b.addTag(KeyValue.string("http.method", "GET"));
      b.addTag(KeyValue.string("http.url", "http://svc/api/v1/resource/" + (i % 12) + "?id=" + t));
      b.addTag(KeyValue.int64("http.status_code", 200));
      b.addTag(KeyValue.string("component", "netty"));
      b.addTag(KeyValue.bool("error", false));
      b.addTag(KeyValue.string("peer.address", "10.0." + (t % 250) + "." + i));
      b.addTag(KeyValue.int64("peer.port", 40_000 + t % 1000));
      b.addTag(KeyValue.float64("sampler.param", 1.0));
      b.addTag(KeyValue.string("thread.name", "worker-" + (i % 4)));
      spans.add(b.build());
    }
    return spans;
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
