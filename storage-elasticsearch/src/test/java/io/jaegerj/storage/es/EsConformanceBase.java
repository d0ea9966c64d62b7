// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import io.jaegerj.storage.conformance.StorageConformanceSuite;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The conformance suite against one real server kind, started once per test class. */
abstract class EsConformanceBase extends StorageConformanceSuite {
  private EsTestServer server;

  abstract EsTestServer.Kind kind();

  @Override
  protected StorageFactory openFactory() throws Exception {
    server = EsTestServer.start(kind());
    return EsConformanceSupport.open(server.url(), Map.of("es-archive.enabled", "true",
        "es-archive.server-urls", server.url(), "es-archive.num-shards", "1", "es-archive.num-replicas", "0"));
  }

  @Override
  protected void flush() throws Exception {
    ((EsStorageFactory) factory()).primary().flush(30_000);
  }

  @Override
  protected void awaitIndexed() throws Exception {
    ((EsStorageFactory) factory()).primary().refresh();
  }

  @Override
  protected Map<String, String> skippedCases() {
    return EsConformanceSupport.SKIPPED;
  }

  /**
   * Dependency records of several tenants (and several records of one tenant) on the real server: each tenant reads
   * back the sum of its own records only, the default tenant's under Jaeger's index name.
   */
  @Test
  void dependencies_perTenantRecordsSumAndStayApart() throws Exception {
    DependencyWriter w = factory().dependencyWriter().orElseThrow();
    long now = System.currentTimeMillis() * 1000;
    String a = "deps-a-" + ThreadLocalRandom.current().nextInt(1_000_000);
    w.writeDependencies("", now, List.of(new DependencyLink(a, "db", 2)));
    w.writeDependencies("acme", now, List.of(new DependencyLink(a, "cache", 3)));
    w.writeDependencies("acme", now + 1000, List.of(new DependencyLink(a, "cache", 4)));
    w.writeDependencies("Acme", now, List.of(new DependencyLink(a, "queue", 5)));
    ((EsStorageFactory) factory()).primary().refresh();
    assertThat(links("", a, now)).containsExactly(a + ">db:2");
    assertThat(links("acme", a, now)).containsExactly(a + ">cache:4", a + ">cache:3");
    assertThat(links("Acme", a, now)).containsExactly(a + ">queue:5");
    assertThat(links("other", a, now)).isEmpty();
  }

  private List<String> links(String tenant, String parent, long now) {
    return factory().dependencyReader().getDependencies(tenant, now + 60_000_000L, 3_600_000_000L).stream()
        .filter(l -> l.parent().equals(parent)).map(l -> l.parent() + ">" + l.child() + ":" + l.callCount())
        .sorted(Comparator.reverseOrder()).toList();
  }

  /**
   * The adaptive-sampling lease: one owner at a time until it expires or is given up, and of two collectors racing
   * for a free lease exactly one wins.
   */
  @Test
  void samplingLease_oneOwnerAtATime() throws Exception {
    SamplingStore store = factory().samplingStore().orElseThrow();
    assertThat(store.acquireLeaderLock("a", 60_000)).isTrue();
    assertThat(store.acquireLeaderLock("b", 60_000)).isFalse();
    assertThat(store.acquireLeaderLock("a", 60_000)).as("renewal").isTrue();
    assertThat(store.forfeitLeaderLock("b")).isFalse();
    assertThat(store.forfeitLeaderLock("a")).isTrue();
    assertThat(store.acquireLeaderLock("b", 1)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean taken = false;
    while (!taken && System.nanoTime() < deadline) {
      taken = store.acquireLeaderLock("a", 60_000); // b's 1 ms lease runs out
    }
    assertThat(taken).isTrue();
    assertThat(store.forfeitLeaderLock("a")).isTrue();

    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 5; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Boolean>> racers = new ArrayList<>();
        for (String owner : List.of("x", "y", "z")) {
          racers.add(CompletableFuture.supplyAsync(() -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return store.acquireLeaderLock(owner, 60_000);
          }, threads));
        }
        go.countDown();
        long winners = racers.stream().filter(CompletableFuture::join).count();
        assertThat(winners).as("round " + round).isEqualTo(1);
        for (String owner : List.of("x", "y", "z")) {
          store.forfeitLeaderLock(owner);
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Override
  protected boolean dependenciesDerivedFromSpans() {
    return false;
  }

  /** The archive store ({@code es-archive.*}) writes to {@code jaeger-span-archive} and reads without time limit. */
  @Test
  void archive_roundTripsByIdWithoutTimeLimit() throws Exception {
    ArchiveStorage archive = factory().archive().orElseThrow();
    TraceId id = new TraceId(7, ThreadLocalRandom.current().nextLong());
    long yearsAgo = TimeUnit.DAYS.toMicros(365L * 30);
    List<Span> spans = List.of(
        Span.builder().traceId(id).spanId(1).operationName("old").startTimeMicros(yearsAgo).durationMicros(5)
            .addTag(KeyValue.string("k", "v")).process(Process.of("archived")).build(),
        Span.builder().traceId(id).spanId(2).operationName("now").startTimeMicros(yearsAgo + 10).durationMicros(5)
            .process(Process.of("archived")).build());
    archive.writer().write("", spans).toCompletableFuture().get(30, TimeUnit.SECONDS);
    EsStorageFactory.Store store = ((EsStorageFactory) factory()).archiveStore();
    store.flush(30_000);
    store.refresh();

    assertThat(archive.reader().getTrace(GetTraceQuery.of(id))).hasValueSatisfying(
        t -> assertThat(t.spans()).containsExactlyInAnyOrderElementsOf(spans));
    assertThat(factory().spanReader().getTrace(GetTraceQuery.of(id))).isEmpty();
    assertThat(store.client.json("GET", "/jaeger-span-archive/_count", null).path("count").asInt()).isEqualTo(2);
  }

  /** Tags elevated to {@code tag.*} fields are mapped as keywords, searchable, and read back with their keys. */
  @Test
  void tagsAsFields_searchAndReadBack() throws Exception {
    try (StorageFactory taf = EsConformanceSupport.open(server.url(), Map.of("es.index-prefix", "taf",
        "es.tags-as-fields.include", "http.method,region", "es.tags-as-fields.dot-replacement", "@"))) {
      long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
      TraceId hit = new TraceId(9, ThreadLocalRandom.current().nextLong());
      TraceId miss = new TraceId(10, ThreadLocalRandom.current().nextLong());
      Span s1 = Span.builder().traceId(hit).spanId(1).operationName("op").startTimeMicros(now).durationMicros(5)
          .addTag(KeyValue.string("http.method", "POST")).addTag(KeyValue.int64("http.status_code", 201))
          .process(new Process("taf-svc", List.of(KeyValue.string("region", "eu-1")))).build();
      Span s2 = s1.toBuilder().traceId(miss).tags(List.of(KeyValue.string("http.method", "GET"))).build();
      taf.spanWriter().write("", List.of(s1, s2)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      EsStorageFactory.Store store = ((EsStorageFactory) taf).primary();
      store.flush(30_000);
      store.refresh();

      JsonNode mapping = store.client.json("GET", "/taf-jaeger-span-*/_mapping", null);
      assertThat(mapping.toString()).contains("\"http@method\":{\"type\":\"keyword\",\"ignore_above\":256}");
      TraceQuery.Builder q = TraceQuery.builder("taf-svc").startTimeMinMicros(now - 1000).startTimeMaxMicros(now + 1000);
      assertThat(taf.spanReader().findTraceIds(q.tag("http.method", "POST").build())).containsExactly(hit);
      assertThat(taf.spanReader().findTraceIds(TraceQuery.builder("taf-svc").startTimeMinMicros(now - 1000)
          .startTimeMaxMicros(now + 1000).tag("region", "eu-.*").build())).containsExactlyInAnyOrder(hit, miss);
      assertThat(taf.spanReader().getTrace(GetTraceQuery.of(hit))).hasValueSatisfying(t -> {
        Span back = t.spans().get(0);
        assertThat(back.tags()).containsExactlyInAnyOrder(KeyValue.string("http.method", "POST"),
            KeyValue.int64("http.status_code", 201));
        assertThat(back.process().tags()).containsExactly(KeyValue.string("region", "eu-1"));
      });
      store.client.json("DELETE", "/taf-jaeger-*", null);
    }
  }

  /**
   * {@code es.sniffer}: the node list comes from the server's {@code _nodes/http} (the dead seed URL is dropped), and
   * spans go through the discovered node.
   */
  @Test
  void sniffer_discoversTheNode_writesAndReads() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (StorageFactory sniffing = EsConformanceSupport.open("http://127.0.0.1:" + dead + "," + server.url(),
        Map.of("es.index-prefix", "sniff", "es.sniffer", "true"))) {
      EsStorageFactory.Store store = ((EsStorageFactory) sniffing).primary();
      assertThat(store.client.nodes()).extracting(n -> n.getHost().toURI()).containsExactly(server.url());
      TraceId id = new TraceId(11, ThreadLocalRandom.current().nextLong());
      Span span = Span.builder().traceId(id).spanId(1).operationName("sniffed")
          .startTimeMicros(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())).durationMicros(5)
          .process(Process.of("sniff-svc")).build();
      sniffing.spanWriter().write("", List.of(span)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      store.flush(30_000);
      store.refresh();
      assertThat(sniffing.spanReader().getTrace(GetTraceQuery.of(id))).hasValueSatisfying(
          t -> assertThat(t.spans()).containsExactly(span));
      store.client.json("DELETE", "/sniff-jaeger-*", null);
    }
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.stop();
    }
  }
}
