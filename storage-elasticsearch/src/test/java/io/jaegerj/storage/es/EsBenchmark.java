// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Write throughput and search latency against a real single-node OpenSearch 2.19.1 (child JVM, -Xmx256m, 1 shard,
 * 0 replicas). Not part of the regular test run (name matches neither *Test nor IT*); run with
 * {@code -Dtest=EsBenchmark -Dbench.spans=50000}. Prints its figures.
 */
class EsBenchmark {
  @Test
  void writeThenSearch() throws Exception {
    int total = Integer.getInteger("bench.spans", 50_000);
    int perTrace = 10;
    EsTestServer server = EsTestServer.start(EsTestServer.Kind.OPENSEARCH_2);
    try (StorageFactory f = EsConformanceSupport.open(server.url(), Map.of())) {
      long base = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()) - TimeUnit.MINUTES.toMicros(30);
      List<TraceId> ids = new ArrayList<>();
      List<List<Span>> batches = new ArrayList<>();
      for (int t = 0; t < total / perTrace; t++) {
        TraceId id = new TraceId(t + 1L, t * 31L + 7);
        ids.add(id);
        List<Span> spans = new ArrayList<>(perTrace);
        for (int i = 0; i < perTrace; i++) {
          spans.add(Span.builder().traceId(id).spanId(i + 1).operationName("op-" + (i % 8))
              .startTimeMicros(base + t * 100L + i).durationMicros(100 + (t * 7 + i) % 5000)
              .references(i == 0 ? List.of() : List.of(SpanRef.childOf(id, 1)))
              .tags(List.of(KeyValue.string("span.kind", i == 0 ? "server" : "client"),
                  KeyValue.int64("http.status_code", 200 + (t % 5)), KeyValue.bool("error", t % 13 == 0),
                  KeyValue.string("http.url", "/api/v1/items/" + t), KeyValue.float64("ratio", t / 8.0)))
              .logs(List.of(new Log(base + t * 100L + i + 1, List.of(KeyValue.string("event", "done")))))
              .process(new Process("bench-svc-" + (t % 10), List.of(KeyValue.string("ip", "10.0.0." + (t % 10)))))
              .build());
        }
        batches.add(spans);
      }
      long start = System.nanoTime();
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      // at most 50 writes outstanding, as the collector's workers (collector.num-workers) keep them
      Semaphore slots = new Semaphore(50);
      for (List<Span> b : batches) {
        slots.acquire();
        CompletableFuture<Void> ack = f.spanWriter().write("", b).toCompletableFuture();
        ack.whenComplete((ok, e) -> slots.release());
        acks.add(ack);
      }
      CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(10, TimeUnit.MINUTES);
      double writeSeconds = (System.nanoTime() - start) / 1e9;
      EsStorageFactory.Store store = ((EsStorageFactory) f).primary();
      store.refresh();

      long[] search = new long[50];
      for (int i = 0; i < search.length; i++) {
        long s = System.nanoTime();
        List<?> found = f.spanReader().findTraces(TraceQuery.builder("bench-svc-" + (i % 10))
            .tag("http.status_code", "20" + (i % 5)).startTimeMinMicros(base - 1).startTimeMaxMicros(base
                + TimeUnit.HOURS.toMicros(1)).numTraces(20).build());
        search[i] = System.nanoTime() - s;
        assertThat(found).isNotEmpty();
      }
      long[] get = new long[100];
      for (int i = 0; i < get.length; i++) {
        long s = System.nanoTime();
        assertThat(f.spanReader().getTrace(GetTraceQuery.of(ids.get(i * 37 % ids.size())))).isPresent();
        get[i] = System.nanoTime() - s;
      }
      System.out.printf("BENCH spans=%d writeSeconds=%.1f spansPerSecond=%.0f%n", total, writeSeconds,
          total / writeSeconds);
      System.out.printf("BENCH findTraces(20 traces, tag filter) p50=%.1fms p95=%.1fms%n", pct(search, 50),
          pct(search, 95));
      System.out.printf("BENCH getTrace(10 spans) p50=%.1fms p95=%.1fms%n", pct(get, 50), pct(get, 95));
    } finally {
      server.stop();
    }
  }

  private static double pct(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, s.length * p / 100)] / 1e6;
  }
}
