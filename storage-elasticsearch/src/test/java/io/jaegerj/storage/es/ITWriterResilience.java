// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The writer with the cluster down: it retries, its buffer stays bounded and further writes are refused at once;
 * after the cluster is back every acknowledged write is readable. Real OpenSearch 2.19.1, stopped and restarted on
 * the same data directory and ports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITWriterResilience {
  private EsTestServer server;
  private StorageFactory factory;

  @BeforeAll
  void start() throws Exception {
    server = EsTestServer.start(EsTestServer.Kind.OPENSEARCH_2);
    factory = EsConformanceSupport.open(server.url(), Map.of("es.bulk.actions", "20", "es.bulk.workers", "1",
        "es.bulk.flush-interval", "50ms", "es.index-prefix", "resilience"));
  }

  @AfterAll
  void stop() {
    if (factory != null) {
      factory.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private static List<Span> trace(TraceId id, int n) {
    long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      spans.add(Span.builder().traceId(id).spanId(i + 1).operationName("op-" + i).startTimeMicros(now + i)
          .durationMicros(10).addTag(KeyValue.int64("i", i)).process(Process.of("resilient")).build());
    }
    return spans;
  }

  @Test
  void clusterDown_boundedRetriesRefusals_thenAcceptedWritesAreStored() throws Exception {
    EsStorageFactory.Store store = ((EsStorageFactory) factory).primary();
    TraceId before = new TraceId(1, ThreadLocalRandom.current().nextLong());
    factory.spanWriter().write("", trace(before, 5)).toCompletableFuture().get(30, TimeUnit.SECONDS);

    server.kill();
    List<TraceId> ids = new ArrayList<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    int refused = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (refused < 5 && System.nanoTime() < deadline) {
      TraceId id = new TraceId(2, ThreadLocalRandom.current().nextLong());
      CompletableFuture<Void> f = factory.spanWriter().write("", trace(id, 10)).toCompletableFuture();
      if (f.isCompletedExceptionally()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(RejectedExecutionException.class);
        }
        refused++;
      } else {
        ids.add(id);
        pending.add(f);
      }
      // the buffer never holds more than (workers + 4) x bulk.actions actions, plus one write
      assertThat(store.bulk.pendingActions()).isLessThanOrEqualTo(5 * 20 + 20);
      Thread.sleep(20);
    }
    assertThat(refused).as("writes refused while the cluster is down").isEqualTo(5);
    assertThat(pending).as("accepted while down").isNotEmpty().allSatisfy(f -> assertThat(f).isNotDone());

    server.startProcess();
    List<TraceId> stored = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      try {
        pending.get(i).get(60, TimeUnit.SECONDS);
        stored.add(ids.get(i));
      } catch (ExecutionException e) {
        // the retry window (30 s) ran out before the restart completed: a failed write is reported, not lost
        assertThat(e.getCause()).isNotNull();
      }
    }
    TraceId after = new TraceId(3, ThreadLocalRandom.current().nextLong());
    factory.spanWriter().write("", trace(after, 7)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    stored.add(after);
    stored.add(before);
    store.flush(30_000);
    store.refresh();

    for (TraceId id : stored) {
      int expected = id.equals(before) ? 5 : id.equals(after) ? 7 : 10;
      assertThat(factory.spanReader().getTrace(GetTraceQuery.of(id))).as("trace %s", id)
          .hasValueSatisfying(t -> assertThat(t.spans()).hasSize(expected));
    }
  }
}
