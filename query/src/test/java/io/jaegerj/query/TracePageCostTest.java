// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.adjust.Adjusters;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the first page of a 50,000-span trace costs the query server, counted rather than timed: bytes allocated and
 * CPU time of the request's thread for reading and adjusting the trace, and for choosing and writing the page (the
 * figures are printed for docs/benchmarks.md; only the load-independent count of spans the page's selection put in
 * order is asserted). Run alone: {@code ./mvnw -o -B -q -pl query -am verify -Dtest=TracePageCostTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TracePageCostTest {
  static final int SPANS = 50_000;
  static final TraceId ID = new TraceId(0x5000_0000_0000_0001L, 0x50_000L);
  /** Span IDs 0x100000.. all have six hex digits. */
  private static final long FIRST_ID = 0x10_0000L;

  /** The e2e huge trace's shape: 10 services, up to 8 children per span, 6 levels below the root. */
  static List<Span> wideTrace(TraceId t, int count) {
    List<Span> out = new ArrayList<>(count);
    Process[] processes = new Process[10];
    for (int i = 0; i < processes.length; i++) {
      processes[i] = Process.of("svc-" + i, KeyValue.string("hostname", "host-" + i));
    }
    long[] starts = new long[count];
    long[] durations = new long[count];
    int[] depth = new int[count];
    starts[0] = 1_700_000_000_000_000L;
    durations[0] = 5_000_000L;
    out.add(span(t, FIRST_ID, 0, "big-root", starts[0], durations[0], processes[0]));
    int parent = 0;
    int children = 0;
    for (int i = 1; i < count; i++) {
      if (children == 8 || depth[parent] >= 6) {
        parent++;
        children = 0;
        while (depth[parent] >= 6) {
          parent++;
        }
      }
      depth[i] = depth[parent] + 1;
      // Later siblings start earlier: the page's order differs from the order of the IDs.
      starts[i] = starts[parent] + (durations[parent] / 10) * (8 - children) / 2 + 1;
      durations[i] = Math.max(1, durations[parent] / 3);
      out.add(span(t, FIRST_ID + i, FIRST_ID + parent, "op-" + (i % 25), starts[i], durations[i], processes[i % processes.length]));
      children++;
    }
    return out;
  }

  private static Span span(TraceId t, long id, long parent, String op, long start, long duration, Process p) {
    return Span.builder().traceId(t).spanId(id).operationName(op)
        .references(parent == 0 ? List.of() : List.of(SpanRef.childOf(t, parent)))
        .flags(Span.FLAG_SAMPLED).startTimeMicros(start).durationMicros(duration)
        .tags(List.of(KeyValue.int64("index", id))).process(p).build();
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Median allocated bytes and CPU nanoseconds of this thread over {@code rounds} runs after {@code warm} runs. */
  private static long[] cost(int warm, int rounds, Step step) throws Exception {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (int i = 0; i < warm; i++) {
      step.run();
    }
    long[] bytes = new long[rounds];
    long[] cpu = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long b0 = mx.getThreadAllocatedBytes(tid);
      long c0 = mx.getCurrentThreadCpuTime();
      step.run();
      cpu[i] = mx.getCurrentThreadCpuTime() - c0;
      bytes[i] = mx.getThreadAllocatedBytes(tid) - b0;
    }
    Arrays.sort(bytes);
    Arrays.sort(cpu);
    return new long[] {bytes[rounds / 2], cpu[rounds / 2]};
  }

  @Test
  void firstPageOfA50kSpanTrace_costIsCounted() throws Exception {
    MemoryStorageProvider provider = new MemoryStorageProvider();
    StorageContext sc = new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC());
    StorageFactory store = provider.open("memory", Settings.defaults(provider.flags(), java.util.Map.of()), sc);
    try {
      store.spanWriter().write("", wideTrace(ID, SPANS)).toCompletableFuture().join();
      QueryService service = new QueryService(store.spanReader(), store.dependencyReader(), Optional.empty(),
          Adjusters.standard(Duration.ZERO), Adjusters.otlp(Duration.ZERO));
      Trace trace = service.getTrace(GetTraceQuery.of("", ID), false).orElseThrow();
      assertThat(trace.spans()).hasSize(SPANS);
      long[] read = cost(3, 5, () -> service.getTrace(GetTraceQuery.of("", ID), false));
      long[] whole = cost(3, 5, () -> TimelinePageTest.wholeOrder(trace.spans(), new int[1]));
      long[] chosen = cost(3, 5, () -> TimelinePage.of(trace.spans(), 0, 2000));
      long[] page = cost(3, 5, () -> TracePageHandler.page(trace, 0, 2000).release());
      System.out.printf("Trace page cost: %,d-span trace, first page of 2,000 (medians of 5, load average %s):"
          + " read and adjust %,d B allocated, %.1f ms CPU; choosing the page by ordering the whole trace (before)"
          + " %,d B, %.1f ms CPU; choosing it with TimelinePage (after) %,d B, %.1f ms CPU, %,d spans put in order;"
          + " the page handler's whole answer (choose and write JSON) %,d B, %.1f ms CPU%n", SPANS, load(),
          read[0], read[1] / 1e6, whole[0], whole[1] / 1e6, chosen[0], chosen[1] / 1e6,
          TimelinePage.of(trace.spans(), 0, 2000).ordered, page[0], page[1] / 1e6);
      assertThat(TimelinePage.of(trace.spans(), 0, 2000).ordered).isEqualTo(2000);
    } finally {
      store.close();
    }
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
