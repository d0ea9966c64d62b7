// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.TraceQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MemorySpanStoreTest {
  private static final long T0 = 1_700_000_000_000_000L;

  private static Span span(long traceLow, long spanId, String service, String op, long start) {
    return Span.builder()
        .traceId(new TraceId(0, traceLow))
        .spanId(spanId)
        .operationName(op)
        .startTimeMicros(start)
        .durationMicros(10)
        .process(new Process(service, List.of()))
        .build();
  }

  private static void write(MemorySpanStore store, Span... spans) {
    store.write(List.of(spans)).toCompletableFuture().join();
  }

  private static boolean stored(MemorySpanStore store, long traceLow) {
    return store.getTrace(GetTraceQuery.of(new TraceId(0, traceLow))).isPresent();
  }

  private static TraceQuery query(String service) {
    return TraceQuery.builder(service).startTimeMinMicros(T0 - 1_000_000).startTimeMaxMicros(T0 + 1_000_000_000L)
        .numTraces(0).build();
  }

  @Test
  void write_sameOperationWithSeveralKinds_listsEachKindOnce() {
    MemorySpanStore store = new MemorySpanStore(0);
    List<Span> batch = new ArrayList<>();
    String[] kinds = {"server", "client", "server", "bogus", "", "producer"};
    for (int i = 0; i < kinds.length; i++) {
      Span.Builder b = span(1, 10 + i, "svc", "op", T0).toBuilder();
      if (!kinds[i].isEmpty()) {
        b.addTag(KeyValue.string("span.kind", kinds[i]));
      }
      batch.add(b.build());
    }
    // A span.kind in a log field is not the span's kind.
    batch.add(span(1, 20, "svc", "other", T0).toBuilder()
        .addLog(new Log(T0, List.of(KeyValue.string("span.kind", "consumer")))).build());
    store.write(batch).toCompletableFuture().join();
    store.write(batch).toCompletableFuture().join();

    assertThat(store.getOperations(new OperationQuery("svc", ""))).containsExactly(
        new Operation("op", ""), new Operation("op", "client"), new Operation("op", "producer"),
        new Operation("op", "server"), new Operation("other", ""));
    assertThat(store.spanCount()).isEqualTo(kinds.length + 1);
  }

  @Test
  void write_processesEqualButNotSame_readBackEqual() {
    MemorySpanStore store = new MemorySpanStore(0);
    Process p1 = new Process("svc", List.of(KeyValue.string("host", "a")));
    Process p2 = new Process("svc", List.of(KeyValue.string("host", "b")));
    Span s1 = span(1, 11, "svc", "op", T0).toBuilder().process(p1).build();
    Span s2 = span(1, 12, "svc", "op", T0).toBuilder().process(p2).build();
    Span s3 = span(1, 13, "svc", "op", T0).toBuilder().process(new Process("svc", p1.tags())).build();
    write(store, s1, s2, s3, s1);

    Trace t = store.getTrace(GetTraceQuery.of(new TraceId(0, 1))).orElseThrow();
    assertThat(t.spans()).containsExactly(s1, s2, s3);
    assertThat(store.findTraceIds(TraceQuery.builder("svc").startTimeMinMicros(T0 - 1_000_000)
        .startTimeMaxMicros(T0 + 1_000_000_000L).tag("host", "b").numTraces(0).build()))
        .containsExactly(new TraceId(0, 1));
  }

  @Test
  void write_beyondMaxTraces_evictsFirstArrivedTrace() {
    MemorySpanStore store = new MemorySpanStore(3);
    write(store, span(1, 11, "svc", "op", T0), span(2, 21, "svc", "op", T0), span(3, 31, "svc", "op", T0));

    write(store, span(4, 41, "svc", "op", T0));

    assertThat(stored(store, 1)).isFalse();
    assertThat(stored(store, 2)).isTrue();
    assertThat(stored(store, 3)).isTrue();
    assertThat(stored(store, 4)).isTrue();
    assertThat(store.traceCount()).isEqualTo(3);
  }

  @Test
  void write_appendingToExistingTrace_doesNotRefreshIt() {
    MemorySpanStore store = new MemorySpanStore(3);
    write(store, span(1, 11, "svc", "op", T0), span(2, 21, "svc", "op", T0), span(3, 31, "svc", "op", T0));
    write(store, span(1, 12, "svc", "op", T0 + 5));

    write(store, span(4, 41, "svc", "op", T0));
    assertThat(stored(store, 1)).as("trace 1 arrived first and is evicted despite the late span").isFalse();

    write(store, span(5, 51, "svc", "op", T0));
    assertThat(stored(store, 2)).isFalse();
    assertThat(stored(store, 3)).isTrue();
    assertThat(store.spanCount()).isEqualTo(3);
  }

  @Test
  void write_evictedTraceIdArrivesAgain_isStoredAsNewTrace() {
    MemorySpanStore store = new MemorySpanStore(2);
    write(store, span(1, 11, "svc", "op", T0), span(2, 21, "svc", "op", T0), span(3, 31, "svc", "op", T0));
    assertThat(stored(store, 1)).isFalse();

    write(store, span(1, 13, "svc", "op", T0));

    assertThat(store.getTrace(GetTraceQuery.of(new TraceId(0, 1))).orElseThrow().spans())
        .extracting(Span::spanId).containsExactly(13L);
    assertThat(stored(store, 2)).isFalse();
    assertThat(store.findTraceIds(query("svc"))).containsExactlyInAnyOrder(new TraceId(0, 3), new TraceId(0, 1));
  }

  @Test
  void write_maxTracesZero_isUnbounded() {
    MemorySpanStore store = new MemorySpanStore(0);
    for (int i = 1; i <= 5000; i++) {
      write(store, span(i, i, "svc", "op", T0 + i));
    }

    assertThat(store.traceCount()).isEqualTo(5000);
    assertThat(stored(store, 1)).isTrue();
    assertThat(store.findTraceIds(query("svc"))).hasSize(5000);
  }

  @Test
  void eviction_keepsServicesAndOperations_andCompactsIndexes() {
    MemorySpanStore store = new MemorySpanStore(10);
    for (int i = 1; i <= 1000; i++) {
      write(store, span(i, i, "svc-" + (i % 7), "op-" + (i % 3), T0 + i));
    }

    assertThat(store.getServices()).hasSize(7);
    assertThat(store.getOperations(new OperationQuery("svc-0", ""))).hasSize(3);
    assertThat(store.traceCount()).isEqualTo(10);
    // Each trace is in one service list and one operation list; stale entries are at most the live ones again.
    assertThat(store.indexEntries()).isLessThanOrEqualTo(4 * 10 + 2 * (7 + 7 * 3));
    assertThat(store.findTraceIds(query("svc-0"))).allMatch(id -> id.low() > 990);
  }

  @Test
  void findTraces_selectiveService_examinesOnlyThatServicesSpans() {
    MemorySpanStore store = new MemorySpanStore(0);
    List<Span> noise = new ArrayList<>();
    for (int i = 1; i <= 2000; i++) {
      noise.add(span(i, i, "busy", "op", T0 + i));
    }
    store.write(noise).toCompletableFuture().join();
    write(store, span(5000, 1, "rare", "op", T0), span(5000, 2, "busy", "op", T0));
    long before = store.spansExamined();

    List<Trace> found = store.findTraces(query("rare"));

    assertThat(found).hasSize(1);
    assertThat(found.get(0).spans()).hasSize(2);
    assertThat(store.spansExamined() - before).isLessThanOrEqualTo(2);
  }

  @Test
  void findTraces_selectiveTag_examinesOnlyCandidateTraces() {
    MemorySpanStore store = new MemorySpanStore(0);
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= 2000; i++) {
      spans.add(span(i, i, "svc", "op", T0 + i).toBuilder().addTag(KeyValue.int64("order.id", i)).build());
    }
    store.write(spans).toCompletableFuture().join();
    long before = store.spansExamined();

    assertThat(store.findTraceIds(TraceQuery.builder("svc").tag("order.id", "1234")
        .startTimeMinMicros(T0).startTimeMaxMicros(T0 + 10_000).build()))
        .containsExactly(new TraceId(0, 1234));
    assertThat(store.spansExamined() - before).isLessThanOrEqualTo(3);
  }

  @Test
  void findTraces_operation_usesOperationIndex() {
    MemorySpanStore store = new MemorySpanStore(0);
    for (int i = 1; i <= 500; i++) {
      write(store, span(i, i, "svc", "common", T0 + i));
    }
    write(store, span(9999, 1, "svc", "rare", T0));
    long before = store.spansExamined();

    assertThat(store.findTraceIds(TraceQuery.builder("svc").operationName("rare")
        .startTimeMinMicros(T0 - 1).startTimeMaxMicros(T0 + 1).build())).containsExactly(new TraceId(0, 9999));
    assertThat(store.spansExamined() - before).isEqualTo(1);
  }

  @Test
  void findTraces_numTracesZero_returnsEveryMatch_newestFirst() {
    MemorySpanStore store = new MemorySpanStore(0);
    write(store, span(1, 1, "svc", "op", T0 + 30), span(2, 2, "svc", "op", T0 + 10), span(3, 3, "svc", "op", T0 + 20));

    assertThat(store.findTraceIds(query("svc")))
        .containsExactly(new TraceId(0, 1), new TraceId(0, 3), new TraceId(0, 2));
  }

  @Test
  void findTraces_invalidQuery_throwsBeforeReading() {
    MemorySpanStore store = new MemorySpanStore(0);
    assertThatThrownBy(() -> store.findTraces(TraceQuery.builder("svc").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("start and End Time must be set");
  }

  @Test
  void getOperations_reportsKnownKindsFromSpanKindTag_elseEmpty() {
    MemorySpanStore store = new MemorySpanStore(0);
    Span server = span(1, 1, "svc", "get", T0).toBuilder().addTag(KeyValue.string("span.kind", "server")).build();
    Span odd = span(1, 3, "svc", "get", T0).toBuilder().addTag(KeyValue.string("span.kind", "Server")).build();
    write(store, server, span(1, 2, "svc", "get", T0), odd);

    assertThat(store.getOperations(new OperationQuery("svc", "")))
        .containsExactly(new Operation("get", ""), new Operation("get", "server"));
    assertThat(store.getOperations(new OperationQuery("svc", "server"))).containsExactly(new Operation("get", "server"));
  }

  @Test
  void getDependencies_onlyTracesWithASpanInWindow() {
    MemorySpanStore store = new MemorySpanStore(0);
    Span rootOld = span(1, 1, "a", "op", T0);
    Span childOld = span(1, 2, "a", "op", T0 + 1).toBuilder()
        .process(new Process("b", List.of())).addReference(SpanRef.childOf(new TraceId(0, 1), 1)).build();
    Span rootNew = span(2, 1, "c", "op", T0 + 1_000_000);
    Span childNew = span(2, 2, "c", "op", T0 + 1_000_001).toBuilder()
        .process(new Process("d", List.of())).addReference(SpanRef.childOf(new TraceId(0, 2), 1)).build();
    write(store, rootOld, childOld, rootNew, childNew);

    assertThat(store.getDependencies(T0 + 2_000_000, 1_500_000)).containsExactly(new DependencyLink("c", "d", 1));
    assertThat(store.getDependencies(T0 + 2_000_000, 2_000_000))
        .containsExactly(new DependencyLink("a", "b", 1), new DependencyLink("c", "d", 1));
    assertThat(store.getDependencies(T0 - 1, 1_000)).isEmpty();
  }

  @Test
  void write_largeTraceRewritten_keepsOneCopyOfEachSpan() {
    MemorySpanStore store = new MemorySpanStore(0);
    List<Span> spans = new ArrayList<>();
    for (int i = 1; i <= 50_000; i++) {
      spans.add(span(1, i, "svc", "op", T0 + i));
    }
    store.write(spans).toCompletableFuture().join();
    store.write(spans.subList(100, 40_000)).toCompletableFuture().join();
    store.write(List.of(spans.get(7), span(1, 50_001, "svc", "op", T0), spans.get(49_999)))
        .toCompletableFuture().join();

    assertThat(store.spanCount()).isEqualTo(50_001);
    assertThat(store.getTrace(GetTraceQuery.of(new TraceId(0, 1))).orElseThrow().spans())
        .hasSize(50_001)
        .extracting(Span::spanId).doesNotHaveDuplicates();
  }

  @Test
  void write_spansFillingSeveralSlabs_readBackEqual_andRewritesAreDropped() {
    // 400 traces of 5 spans of ~4 kB: about 8 MB of encoded spans, more than the doubling slabs up to and past
    // SLAB_MAX hold, so spans land at slab tails, slab starts and in slabs of every size; one span per trace is
    // larger than a slab tail may take and gets an array of its own.
    MemorySpanStore store = new MemorySpanStore(300);
    List<List<Span>> batches = new ArrayList<>();
    for (int t = 1; t <= 400; t++) {
      List<Span> batch = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int size = i == 4 && t % 2 == 0 ? 100_000 : 3_000 + (t * 31 + i * 7) % 2_000;
        batch.add(span(t, t * 10L + i, "svc-" + (t % 3), "op-" + i, T0 + t * 100L + i).toBuilder()
            .addTag(KeyValue.string("payload", ("t" + t + "s" + i + "-").repeat(size / 6)))
            .addLog(new Log(T0 + t, List.of(KeyValue.int64("n", t * 10L + i))))
            .build());
      }
      batches.add(batch);
      store.write(batch).toCompletableFuture().join();
    }
    // Every span again, split differently: all of them are duplicates of stored spans.
    for (int t = 101; t <= 400; t++) {
      List<Span> b = batches.get(t - 1);
      write(store, b.get(4), b.get(0));
      store.write(b.subList(1, 4)).toCompletableFuture().join();
    }

    assertThat(store.traceCount()).isEqualTo(300);
    assertThat(store.spanCount()).isEqualTo(300 * 5);
    for (int t = 1; t <= 400; t++) {
      if (t <= 100) {
        assertThat(stored(store, t)).as("trace %d evicted", t).isFalse();
      } else {
        assertThat(store.getTrace(GetTraceQuery.of(new TraceId(0, t))).orElseThrow().spans())
            .as("trace %d", t).containsExactlyElementsOf(batches.get(t - 1));
      }
    }
    assertThat(store.findTraces(TraceQuery.builder("svc-0").tag("n", "3992")
        .startTimeMinMicros(T0 - 1_000_000).startTimeMaxMicros(T0 + 1_000_000_000L).numTraces(20).build()))
        .singleElement().satisfies(tr -> assertThat(tr.spans()).containsExactlyElementsOf(batches.get(398)));
  }

  @Test
  void write_firstSpanLargerThanTheFirstSlab_isStored() {
    // A fresh store's first slab is 4 kB; spans of 6 kB and 60 kB (still slab-sized) must get a slab that holds them.
    for (int size : new int[] {6_000, 60_000}) {
      MemorySpanStore store = new MemorySpanStore(0);
      List<Span> batch = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        batch.add(span(1, 10 + i, "svc", "op", T0 + i).toBuilder()
            .addTag(KeyValue.string("payload", "x".repeat(size))).build());
      }
      store.write(batch).toCompletableFuture().join();
      assertThat(store.getTrace(GetTraceQuery.of(new TraceId(0, 1))).orElseThrow().spans())
          .as("%d-byte spans", size).containsExactlyElementsOf(batch);
    }
  }

  @Test
  void slabMax_isAtMostA256thOfTheHeap_within64kBAnd4MiB() {
    assertThat(MemorySpanStore.slabMax(2L << 30)).isEqualTo((4 << 20) - 16);
    assertThat(MemorySpanStore.slabMax(96L << 20)).isEqualTo(384 << 10);
    assertThat(MemorySpanStore.slabMax(8L << 20)).isEqualTo(64 << 10);
  }

  @Test
  void concurrentWritesWithEviction_readersSeeWholeTracesOrNothing() throws Exception {
    MemorySpanStore store = new MemorySpanStore(50);
    int writers = 3;
    int tracesPerWriter = 2000;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch readersStarted = new CountDownLatch(2);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long base = (w + 1) * 1_000_000L;
        tasks.add(pool.submit(() -> {
          // the readers must be reading while the writers evict; on a busy machine the writers could otherwise
          // finish before a reader thread first ran (a CI rehearsal saw a reader with 0 reads)
          assertThat(readersStarted.await(30, TimeUnit.SECONDS)).isTrue();
          for (int t = 0; t < tracesPerWriter; t++) {
            long id = base + t;
            write(store, span(id, 1, "svc", "op", T0 + t),
                span(id, 2, "svc", "op", T0 + t + 1).toBuilder()
                    .process(new Process("other", List.of()))
                    .addReference(SpanRef.childOf(new TraceId(0, id), 1)).build());
          }
          return null;
        }));
      }
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(pool.submit(() -> {
          int reads = 0;
          while (!done.get()) {
            for (Trace t : store.findTraces(query("svc"))) {
              assertThat(t.spans()).hasSizeBetween(1, 2);
            }
            for (DependencyLink l : store.getDependencies(T0 + 10_000, 20_000)) {
              assertThat(l.parent()).isEqualTo("svc");
            }
            reads++;
            if (reads == 1) {
              readersStarted.countDown(); // this reader has made a whole pass: the writers may start
            }
          }
          return reads;
        }));
      }
      for (Future<?> f : tasks) {
        f.get(60, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<Integer> f : readers) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isPositive();
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(store.traceCount()).isEqualTo(50);
    assertThat(store.spanCount()).isEqualTo(100);
    assertThat(store.findTraces(query("svc"))).hasSize(50).allSatisfy(t -> assertThat(t.spans()).hasSize(2));
    assertThat(store.indexEntries()).isLessThanOrEqualTo(4 * 50 + 8);
  }

  @Test
  void purge_removesEverything() {
    MemorySpanStore store = new MemorySpanStore(5);
    write(store, span(1, 1, "svc", "op", T0));

    store.purge();

    assertThat(stored(store, 1)).isFalse();
    assertThat(store.getServices()).isEmpty();
    assertThat(store.findTraces(query("svc"))).isEmpty();
    write(store, span(2, 1, "svc", "op", T0));
    assertThat(stored(store, 2)).isTrue();
  }

  @Test
  void encodedSize_spanWithTenAttributes_isCompact() {
    MemorySpanStore store = new MemorySpanStore(0);
    int n = 10_000;
    List<Span> spans = new ArrayList<>(n);
    Process process = new Process("checkout", List.of(KeyValue.string("hostname", "host-1"),
        KeyValue.string("ip", "10.1.2.3")));
    for (int i = 0; i < n; i++) {
      Span.Builder b = span(i / 10 + 1, i + 1, "checkout", "GET /cart/" + (i % 20), T0 + i).toBuilder()
          .process(process)
          .addReference(SpanRef.childOf(new TraceId(0, i / 10 + 1), i));
      b.addTag(KeyValue.string("span.kind", "server"));
      b.addTag(KeyValue.string("http.method", "GET"));
      b.addTag(KeyValue.string("http.url", "/cart/" + i));
      b.addTag(KeyValue.int64("http.status_code", 200));
      b.addTag(KeyValue.string("component", "netty"));
      b.addTag(KeyValue.bool("error", false));
      b.addTag(KeyValue.string("peer.address", "10.0.0." + (i % 250)));
      b.addTag(KeyValue.int64("peer.port", 40_000 + i % 1000));
      b.addTag(KeyValue.float64("sampler.param", 1.0));
      b.addTag(KeyValue.string("internal.span.format", "proto"));
      spans.add(b.build());
    }
    store.write(spans).toCompletableFuture().join();

    double perSpan = (double) store.encodedBytes() / store.spanCount();
    System.out.printf("encoded bytes per span with 10 attributes: %.1f%n", perSpan);
    assertThat(perSpan).isLessThan(150);
  }
}
