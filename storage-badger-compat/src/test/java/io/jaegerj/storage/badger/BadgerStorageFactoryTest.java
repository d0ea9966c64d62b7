// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Settings;
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
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.TraceQuery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

class BadgerStorageFactoryTest {
  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(T0 / 1_000_000));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<BadgerStorageFactory> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (BadgerStorageFactory s : opened) {
      s.close();
    }
  }

  private BadgerStorageFactory open(Map<String, String> overrides) throws Exception {
    Settings settings = Settings.defaults(BadgerOptions.flags(), overrides);
    StorageFactory f = new BadgerStorageProvider().open("badger", settings, new StorageContext(meters, clock));
    opened.add((BadgerStorageFactory) f);
    return (BadgerStorageFactory) f;
  }

  private Map<String, String> persistent() {
    Map<String, String> m = new HashMap<>();
    m.put("badger.ephemeral", "false");
    m.put("badger.directory-key", dir.resolve("keys").toString());
    m.put("badger.directory-value", dir.resolve("values").toString());
    return m;
  }

  @Test
  void localDurable_onlyWithPersistentDirectories() throws Exception {
    assertThat(open(Map.of()).localDurable()).as("ephemeral (the default)").isFalse();
    assertThat(open(persistent()).localDurable()).as("persistent").isTrue();
  }

  private static Span span(TraceId tid, long spanId, String service, String op, long start, long duration) {
    return Span.builder().traceId(tid).spanId(spanId).operationName(op).startTimeMicros(start)
        .durationMicros(duration).process(Process.of(service)).build();
  }

  private static void write(StorageFactory f, Span... spans) throws Exception {
    f.spanWriter().write("", List.of(spans)).toCompletableFuture().get();
  }

  private static TraceQuery.Builder query(String service) {
    return TraceQuery.builder(service).startTimeMinMicros(T0 - 3_600_000_000L).startTimeMaxMicros(T0 + 3_600_000_000L);
  }

  @Test
  void open_ephemeralByDefault_removesItsDirectoryOnClose() throws Exception {
    BadgerStorageFactory s = open(Map.of("badger.directory-key", dir.resolve("ignored").toString()));
    Path root = s.db().keyDirectory.getParent();
    assertThat(root.getFileName().toString()).startsWith("badger");
    assertThat(Files.isDirectory(root)).isTrue();
    write(s, span(new TraceId(0, 1), 1, "svc", "op", T0, 5));
    s.close();
    assertThat(Files.exists(root)).isFalse();
    assertThat(Files.exists(dir.resolve("ignored"))).isFalse();
  }

  private static void write(StorageFactory f, String tenant, Span... spans) throws Exception {
    f.spanWriter().write(tenant, List.of(spans)).toCompletableFuture().get();
  }

  private static Span child(TraceId tid, long spanId, long parent, String service, long start) {
    return span(tid, spanId, service, "op", start, 1).toBuilder()
        .references(List.of(SpanRef.childOf(tid, parent))).build();
  }

  @Test
  void tenants_eachInItsOwnColumnFamilies_defaultKeepsTheOriginalOnes() throws Exception {
    BadgerStorageFactory s = open(persistent());
    TraceId tid = new TraceId(7, 11);
    write(s, "", span(tid, 1, "svc", "op", T0, 5), child(tid, 2, 1, "svc2", T0 + 1));
    write(s, "acme", span(tid, 1, "acme-svc", "acme-op", T0, 5), child(tid, 2, 1, "acme-db", T0 + 1));
    write(s, "evil", span(new TraceId(7, 12), 1, "evil-svc", "evil-op", T0, 1));
    var r = s.spanReader();

    assertThat(r.getTrace(GetTraceQuery.of(tid)).orElseThrow().spans()).extracting(sp -> sp.process().serviceName())
        .containsExactly("svc", "svc2");
    assertThat(r.getTrace(GetTraceQuery.of("acme", tid)).orElseThrow().spans())
        .extracting(sp -> sp.process().serviceName()).containsExactly("acme-svc", "acme-db");
    assertThat(r.getTrace(GetTraceQuery.of("evil", tid))).isEmpty();
    assertThat(r.getTrace(GetTraceQuery.of("nobody", tid))).isEmpty();
    assertThat(r.getServices("")).containsExactly("svc", "svc2");
    assertThat(r.getServices("acme")).containsExactly("acme-db", "acme-svc");
    assertThat(r.getServices("evil")).containsExactly("evil-svc");
    assertThat(r.getOperations(new OperationQuery("evil", "acme-svc", ""))).isEmpty();
    assertThat(r.getOperations(new OperationQuery("acme", "acme-svc", ""))).extracting(Operation::name)
        .containsExactly("acme-op");
    assertThat(r.findTraceIds(query("acme-svc").tenant("evil").build())).isEmpty();
    assertThat(r.findTraceIds(query("acme-svc").tenant("acme").build())).containsExactly(tid);
    assertThat(r.findTraceIds(query("acme-svc").build())).isEmpty();
    assertThat(r.findTraces(query("svc").tenant("acme").build())).isEmpty();
    assertThat(s.dependencyReader().getDependencies("acme", T0 + 1_000_000, 2_000_000))
        .containsExactly(new DependencyLink("acme-svc", "acme-db", 1, ""));
    assertThat(s.dependencyReader().getDependencies("", T0 + 1_000_000, 2_000_000))
        .containsExactly(new DependencyLink("svc", "svc2", 1, ""));
    assertThat(s.dependencyReader().getDependencies("evil", T0 + 1_000_000, 2_000_000)).isEmpty();

    // The default tenant's data stays in the three original column families (Jaeger's single-tenant layout).
    long defaultSpans = 0;
    try (RocksIterator it = s.db().db.newIterator(s.db().spans)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        defaultSpans++;
      }
    }
    assertThat(defaultSpans).isEqualTo(2);
    assertThat(s.db().columnFamilies()).hasSize(3 + 2 * 3);

    // Tenants and their services survive a reopen.
    s.close();
    BadgerStorageFactory again = open(persistent());
    assertThat(again.spanReader().getServices("acme")).containsExactly("acme-db", "acme-svc");
    assertThat(again.spanReader().getServices("")).containsExactly("svc", "svc2");
    assertThat(again.spanReader().getTrace(GetTraceQuery.of("acme", tid)).orElseThrow().spans()).hasSize(2);
    assertThat(again.spanReader().getTrace(GetTraceQuery.of("evil", tid))).isEmpty();
  }

  @Test
  void tenants_namesNeedNoEscapingAndDoNotCollide() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    TraceId tid = new TraceId(1, 2);
    List<String> tenants = List.of("a:b", "a", "A", "a ", "ünï/cødé\\0", "tenant:61:index", "x".repeat(300));
    for (int i = 0; i < tenants.size(); i++) {
      write(s, tenants.get(i), span(tid, 1, "svc-" + i, "op", T0, 1));
    }
    for (int i = 0; i < tenants.size(); i++) {
      assertThat(s.spanReader().getServices(tenants.get(i))).as(tenants.get(i)).containsExactly("svc-" + i);
      assertThat(s.spanReader().getTrace(GetTraceQuery.of(tenants.get(i), tid)).orElseThrow().spans())
          .extracting(sp -> sp.process().serviceName()).containsExactly("svc-" + i);
    }
    assertThat(s.spanReader().getServices("")).isEmpty();
  }

  @Test
  void tenants_expiredDataIsPurgedFromTheTenantsColumnFamilies() throws Exception {
    BadgerStorageFactory s = open(Map.of("badger.span-store-ttl", "1h"));
    TraceId tid = new TraceId(0, 1);
    write(s, "acme", span(tid, 1, "svc", "op", T0, 1).toBuilder().addTag(KeyValue.string("k", "v")).build());
    write(s, "", span(tid, 1, "svc", "op", T0, 1));
    assertThat(countKeys(s)).isPositive();
    clock.advance(Duration.ofMinutes(61));
    assertThat(s.spanReader().getTrace(GetTraceQuery.of("acme", tid))).isEmpty();
    assertThat(s.spanReader().getServices("acme")).isEmpty();
    assertThat(s.maintenance().runMaintenance()).isEqualTo(2);
    assertThat(countKeys(s)).isZero();
  }

  @Test
  void tenants_readOnlyStoreReadsTenantsButCreatesNone() throws Exception {
    BadgerStorageFactory w = open(persistent());
    TraceId tid = new TraceId(3, 4);
    write(w, "acme", span(tid, 1, "svc", "op", T0, 1));
    w.close();
    Map<String, String> ro = persistent();
    ro.put("badger.read-only", "true");
    BadgerStorageFactory r = open(ro);
    assertThat(r.spanReader().getTrace(GetTraceQuery.of("acme", tid))).isPresent();
    assertThat(r.spanReader().getTrace(GetTraceQuery.of(tid))).isEmpty();
    assertThatThrownBy(() -> write(r, "other", span(tid, 2, "svc", "op", T0, 1)))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void getTrace_returnsEveryLiveSpanOrderedByStartThenId() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    TraceId tid = new TraceId(7, 8);
    write(s, span(tid, 3, "a", "x", T0 + 20, 1), span(tid, 2, "a", "y", T0 + 10, 1),
        span(tid, 1, "b", "z", T0 + 20, 1), span(new TraceId(7, 9), 4, "a", "x", T0, 1));
    Trace trace = s.spanReader().getTrace(GetTraceQuery.of(tid)).orElseThrow();
    assertThat(trace.spans()).extracting(Span::spanId).containsExactly(2L, 1L, 3L);
    assertThat(s.spanReader().getTrace(GetTraceQuery.of(new TraceId(7, 10)))).isEmpty();
  }

  @Test
  void write_sameSpanTwice_isStoredOnce() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    Span sp = span(new TraceId(0, 5), 1, "svc", "op", T0, 10);
    write(s, sp);
    write(s, sp);
    assertThat(s.spanReader().getTrace(GetTraceQuery.of(sp.traceId())).orElseThrow().spans()).containsExactly(sp);
    assertThat(s.spanReader().findTraceIds(query("svc").build())).containsExactly(sp.traceId());
  }

  @Test
  void reopen_persistentDirectories_keepsSpansServicesAndOperationKinds() throws Exception {
    BadgerStorageFactory s = open(persistent());
    TraceId tid = new TraceId(1, 2);
    Span server = span(tid, 1, "front", "GET", T0, 5).toBuilder().addTag(KeyValue.string("span.kind", "server"))
        .build();
    write(s, server, span(tid, 2, "back", "query", T0 + 1, 3));
    s.close();

    BadgerStorageFactory again = open(persistent());
    assertThat(again.spanReader().getTrace(GetTraceQuery.of(tid)).orElseThrow().spans()).hasSize(2);
    assertThat(again.spanReader().getServices("")).containsExactly("back", "front");
    assertThat(again.spanReader().getOperations(new OperationQuery("front", "")))
        .containsExactly(new Operation("GET", "server"));
    assertThat(again.spanReader().findTraceIds(query("back").operationName("query").build())).containsExactly(tid);
  }

  @Test
  void directories_spanTablesGoToValueDirectoryAndWalToKeyDirectory() throws Exception {
    BadgerStorageFactory s = open(persistent());
    write(s, span(new TraceId(0, 1), 1, "svc", "op", T0, 5));
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      s.db().db.flush(fo, s.db().columnFamilies());
    }
    try (Stream<Path> values = Files.list(dir.resolve("values"));
        Stream<Path> keys = Files.list(dir.resolve("keys"))) {
      List<String> valueFiles = values.map(p -> p.getFileName().toString()).toList();
      List<String> keyFiles = keys.map(p -> p.getFileName().toString()).toList();
      assertThat(valueFiles).anyMatch(n -> n.endsWith(".sst"));
      assertThat(keyFiles).anyMatch(n -> n.startsWith("MANIFEST"));
      assertThat(keyFiles).anyMatch(n -> n.endsWith(".sst"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))))
        .isEqualTo("rwx------");
  }

  @Test
  void findTraceIds_byServiceOperationTagsAndDuration() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    TraceId t1 = new TraceId(0, 1);
    TraceId t2 = new TraceId(0, 2);
    TraceId t3 = new TraceId(5, 3);
    write(s,
        span(t1, 1, "svc", "get", T0, 100).toBuilder().addTag(KeyValue.bool("error", true)).build(),
        span(t2, 2, "svc", "put", T0 + 10, 2_000).toBuilder()
            .process(Process.of("svc", KeyValue.string("host", "h2"))).build(),
        span(t3, 3, "svc", "get", T0 + 20, 50_000).toBuilder()
            .addLog(new Log(T0 + 21, List.of(KeyValue.float64("ratio", 0.5)))).build(),
        span(new TraceId(0, 4), 4, "other", "get", T0, 100));
    var r = s.spanReader();
    assertThat(r.findTraceIds(query("svc").build())).containsExactly(t3, t2, t1);
    assertThat(r.findTraceIds(query("svc").operationName("get").build())).containsExactly(t3, t1);
    assertThat(r.findTraceIds(query("svc").tag("error", "true").build())).containsExactly(t1);
    assertThat(r.findTraceIds(query("svc").tag("host", "h2").build())).containsExactly(t2);
    assertThat(r.findTraceIds(query("svc").tag("ratio", "0.5").build())).containsExactly(t3);
    assertThat(r.findTraceIds(query("svc").durationMinMicros(1_000).build())).containsExactly(t3, t2);
    assertThat(r.findTraceIds(query("svc").durationMinMicros(1_000).durationMaxMicros(10_000).build()))
        .containsExactly(t2);
    assertThat(r.findTraceIds(query("svc").durationMaxMicros(100).build())).containsExactly(t1);
    assertThat(r.findTraceIds(query("svc").operationName("get").durationMinMicros(1_000).build()))
        .containsExactly(t3);
    assertThat(r.findTraceIds(query("svc").numTraces(2).build())).containsExactly(t3, t2);
    assertThat(r.findTraceIds(query("svc").startTimeMinMicros(T0 + 5).startTimeMaxMicros(T0 + 15).build()))
        .containsExactly(t2);
    assertThat(r.findTraceIds(query("nope").build())).isEmpty();
    assertThat(r.findTraces(query("svc").tag("error", "true").build()))
        .singleElement().satisfies(t -> assertThat(t.traceId()).isEqualTo(t1));
  }

  @Test
  void findTraceIds_durationBound_sameResultWithAndWithoutTheDurationIndexScan() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      TraceId tid = new TraceId(1, i + 1);
      spans.add(span(tid, 1, "svc", "op" + (i % 3), T0 + i, (i * 37) % 1000));
      spans.add(span(tid, 2, "other", "op0", T0 + i, 5_000));
    }
    s.spanWriter().write("", spans).toCompletableFuture().get();
    BadgerSpanReader cheap = new BadgerSpanReader(s.db(), clock, 10_000);
    BadgerSpanReader fallback = new BadgerSpanReader(s.db(), clock, 1);
    List<TraceQuery> queries = List.of(
        query("svc").durationMinMicros(900).build(),
        query("svc").durationMinMicros(100).durationMaxMicros(120).numTraces(5).build(),
        query("svc").operationName("op1").durationMaxMicros(50).build(),
        query("svc").durationMinMicros(4_000).build(),
        query("other").durationMaxMicros(10).build());
    for (TraceQuery q : queries) {
      List<TraceId> expected = new ArrayList<>();
      for (int i = 199; i >= 0 && expected.size() < q.numTraces(); i--) {
        Span sp = spans.get(2 * i);
        if (BadgerSpanReader.matches(sp, q) || BadgerSpanReader.matches(spans.get(2 * i + 1), q)) {
          expected.add(sp.traceId());
        }
      }
      assertThat(cheap.findTraceIds(q)).as("%s", q).containsExactlyElementsOf(expected);
      assertThat(fallback.findTraceIds(q)).as("%s", q).containsExactlyElementsOf(expected);
    }
    assertThat(cheap.findTraceIds(queries.get(0))).isNotEmpty();
  }

  @Test
  void findTraceIds_conditionsMustHoldOnOneSpan() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    TraceId tid = new TraceId(0, 11);
    write(s,
        span(tid, 1, "svc", "a", T0, 10),
        span(tid, 2, "svc", "b", T0 + 1, 10).toBuilder().addTag(KeyValue.string("k", "v")).build());
    var r = s.spanReader();
    assertThat(r.findTraceIds(query("svc").operationName("a").tag("k", "v").build())).isEmpty();
    assertThat(r.findTraceIds(query("svc").operationName("b").tag("k", "v").build())).containsExactly(tid);
    assertThat(r.findTraceIds(query("svc").operationName("a").durationMinMicros(5).build())).containsExactly(tid);
  }

  @Test
  void findTraceIds_concatenatedNamesDoNotCollide() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    write(s, span(new TraceId(0, 1), 1, "ab", "c", T0, 1),
        span(new TraceId(0, 2), 2, "s", "x", T0, 1).toBuilder().addTag(KeyValue.string("ab", "c")).build());
    var r = s.spanReader();
    assertThat(r.findTraceIds(query("a").operationName("bc").build())).isEmpty();
    assertThat(r.findTraceIds(query("s").tag("a", "bc").build())).isEmpty();
    assertThat(r.findTraceIds(query("s").tag("ab", "c").build())).containsExactly(new TraceId(0, 2));
  }

  @Test
  void findTraceIds_invalidQueryThrowsBeforeIo() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    assertThatThrownBy(() -> s.spanReader().findTraceIds(TraceQuery.builder("svc").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("start and End Time must be set");
    assertThatThrownBy(() -> s.spanReader().findTraces(
        query("svc").durationMinMicros(10).durationMaxMicros(5).build()))
        .hasMessage("duration Minimum is above Maximum");
  }

  @Test
  void getOperations_filtersBySpanKindAndSorts() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    TraceId tid = new TraceId(0, 1);
    write(s,
        span(tid, 1, "svc", "b", T0, 1).toBuilder().addTag(KeyValue.string("span.kind", "server")).build(),
        span(tid, 2, "svc", "a", T0, 1).toBuilder().addTag(KeyValue.string("span.kind", "client")).build(),
        span(tid, 3, "svc", "c", T0, 1),
        span(tid, 4, "svc", "d", T0, 1).toBuilder().addTag(KeyValue.string("span.kind", "Server")).build());
    var r = s.spanReader();
    assertThat(r.getOperations(new OperationQuery("svc", "")))
        .containsExactly(new Operation("a", "client"), new Operation("b", "server"), new Operation("c", ""),
            new Operation("d", ""));
    assertThat(r.getOperations(new OperationQuery("svc", "server"))).containsExactly(new Operation("b", "server"));
    assertThat(r.getOperations(new OperationQuery("unknown", ""))).isEmpty();
  }

  @Test
  void ttl_expiredDataIsHiddenThenPurgedFromEveryColumnFamily() throws Exception {
    BadgerStorageFactory s = open(Map.of("badger.span-store-ttl", "1h"));
    TraceId old = new TraceId(0, 1);
    write(s, span(old, 1, "svc", "op", T0, 1).toBuilder().addTag(KeyValue.string("k", "v")).build());
    clock.advance(Duration.ofMinutes(30));
    TraceId fresh = new TraceId(0, 2);
    write(s, span(fresh, 2, "svc2", "op2", T0, 1));
    clock.advance(Duration.ofMinutes(31));

    var r = s.spanReader();
    assertThat(r.getTrace(GetTraceQuery.of(old))).isEmpty();
    assertThat(r.getTrace(GetTraceQuery.of(fresh))).isPresent();
    assertThat(r.getServices("")).containsExactly("svc2");
    assertThat(r.getOperations(new OperationQuery("svc", ""))).isEmpty();
    assertThat(r.findTraceIds(query("svc").build())).isEmpty();
    assertThat(r.findTraceIds(query("svc").tag("k", "v").build())).isEmpty();

    assertThat(s.maintenance().runMaintenance()).isEqualTo(1);
    // fresh: span, service/operation/duration index, service and operation names, expiry
    assertThat(countKeys(s)).isEqualTo(1 + 3 + 2 + 1);
    assertThat(meters.get("jaeger_storage_badger_expired_spans_deleted").counter().count()).isEqualTo(1.0);
    assertThat(meters.get("jaeger_storage_badger_storage_valueloggc_last_run").gauge().value()).isPositive();

    clock.advance(Duration.ofHours(1));
    assertThat(s.maintenance().runMaintenance()).isEqualTo(1);
    assertThat(countKeys(s)).isZero();
  }

  @Test
  void ttl_rewrittenSpanOutlivesItsFirstExpiry() throws Exception {
    BadgerStorageFactory s = open(Map.of("badger.span-store-ttl", "1h"));
    Span sp = span(new TraceId(0, 1), 1, "svc", "op", T0, 1);
    write(s, sp);
    clock.advance(Duration.ofMinutes(50));
    write(s, sp);
    clock.advance(Duration.ofMinutes(20));
    assertThat(s.maintenance().runMaintenance()).isZero();
    assertThat(s.spanReader().getTrace(GetTraceQuery.of(sp.traceId()))).isPresent();
    assertThat(s.spanReader().findTraceIds(query("svc").build())).containsExactly(sp.traceId());
  }

  private static long countKeys(BadgerStorageFactory s) {
    long n = 0;
    for (var h : s.db().columnFamilies()) {
      try (RocksIterator it = s.db().db.newIterator(h)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void readOnly_readsWhatAWriterLeftAndRefusesWrites() throws Exception {
    BadgerStorageFactory w = open(persistent());
    TraceId tid = new TraceId(3, 4);
    write(w, span(tid, 1, "svc", "op", T0, 1));
    w.close();

    Map<String, String> ro = persistent();
    ro.put("badger.read-only", "true");
    BadgerStorageFactory r1 = open(ro);
    BadgerStorageFactory r2 = open(ro);
    assertThat(r1.spanReader().getTrace(GetTraceQuery.of(tid))).isPresent();
    assertThat(r2.spanReader().getServices("")).containsExactly("svc");
    assertThatThrownBy(() -> write(r1, span(tid, 2, "svc", "op", T0, 1)))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void open_missingDirectoryReadOnly_failsClearly() {
    Map<String, String> ro = persistent();
    ro.put("badger.read-only", "true");
    assertThatThrownBy(() -> open(ro)).isInstanceOf(RocksDBException.class);
  }

  @Test
  void open_secondWriterOnSameDirectories_fails() throws Exception {
    open(persistent());
    assertThatThrownBy(() -> open(persistent())).isInstanceOf(RocksDBException.class)
        .hasMessageContaining("lock");
  }

  @Test
  void open_badFlagValue_namesTheFlag() {
    assertThatThrownBy(() -> open(Map.of("badger.span-store-ttl", "0s")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("badger.span-store-ttl");
    assertThatThrownBy(() -> open(Map.of("badger.maintenance-interval", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("badger.maintenance-interval");
  }

  @Test
  void dependencies_countCrossServiceParentLinksInWindow() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    TraceId t1 = new TraceId(0, 1);
    TraceId t2 = new TraceId(0, 2);
    TraceId late = new TraceId(0, 3);
    write(s,
        span(t1, 1, "a", "root", T0, 10),
        span(t1, 2, "b", "child", T0 + 1, 5).toBuilder().addReference(SpanRef.childOf(t1, 1)).build(),
        span(t1, 3, "b", "same", T0 + 2, 1).toBuilder().addReference(SpanRef.childOf(t1, 2)).build(),
        span(t1, 4, "c", "leaf", T0 + 3, 1).toBuilder().addReference(SpanRef.followsFrom(t1, 3)).build(),
        span(t2, 1, "a", "root", T0 + 100, 10),
        span(t2, 2, "b", "child", T0 + 101, 5).toBuilder().addReference(SpanRef.childOf(t2, 1)).build(),
        span(t2, 9, "c", "orphan", T0 + 102, 5).toBuilder().addReference(SpanRef.childOf(t2, 77)).build(),
        span(late, 1, "x", "root", T0 + 10_000_000, 10),
        span(late, 2, "y", "child", T0 + 10_000_001, 5).toBuilder().addReference(SpanRef.childOf(late, 1)).build());
    List<DependencyLink> links = s.dependencyReader().getDependencies("", T0 + 1_000_000, 2_000_000);
    assertThat(links).containsExactlyInAnyOrder(new DependencyLink("a", "b", 2), new DependencyLink("b", "c", 1));
  }

  @Test
  void dependencies_windowBoundsAndTracesStartingBeforeTheWindow() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    long start = T0;
    long end = T0 + 1_000;
    write(s,
        // starts before the window, one later span inside it: counted, with its early spans
        span(new TraceId(0, 1), 1, "a", "r", start - 500, 1),
        span(new TraceId(0, 1), 2, "b", "c", start - 400, 1).toBuilder()
            .addReference(SpanRef.childOf(new TraceId(0, 1), 1)).build(),
        span(new TraceId(0, 1), 3, "c", "c", start + 10, 1).toBuilder()
            .addReference(SpanRef.childOf(new TraceId(0, 1), 2)).build(),
        // exactly on the lower bound
        span(new TraceId(0, 2), 1, "d", "r", start, 1),
        span(new TraceId(0, 2), 2, "e", "c", start + 1_000_000, 1).toBuilder()
            .addReference(SpanRef.childOf(new TraceId(0, 2), 1)).build(),
        // exactly on the upper bound
        span(new TraceId(0, 3), 1, "f", "r", end, 1),
        span(new TraceId(0, 3), 2, "g", "c", end, 1).toBuilder()
            .addReference(SpanRef.childOf(new TraceId(0, 3), 1)).build(),
        // entirely before, entirely after
        span(new TraceId(0, 4), 1, "x", "r", start - 2, 1),
        span(new TraceId(0, 4), 2, "y", "c", start - 1, 1).toBuilder()
            .addReference(SpanRef.childOf(new TraceId(0, 4), 1)).build(),
        span(new TraceId(0, 5), 1, "x", "r", end + 1, 1),
        span(new TraceId(0, 5), 2, "z", "c", end + 2, 1).toBuilder()
            .addReference(SpanRef.childOf(new TraceId(0, 5), 1)).build());
    assertThat(s.dependencyReader().getDependencies("", end, end - start)).containsExactlyInAnyOrder(
        new DependencyLink("a", "b", 1), new DependencyLink("b", "c", 1), new DependencyLink("d", "e", 1),
        new DependencyLink("f", "g", 1));
  }

  @Test
  void samplingStore_throughputWindowAndLatestProbabilities() throws Exception {
    BadgerStorageFactory s = open(persistent());
    SamplingStore store = s.samplingStore().orElseThrow();
    store.insertThroughput(List.of(new SamplingStore.Throughput("svc", "op", 7, List.of(0.5, 0.001))));
    long first = T0;
    clock.advance(Duration.ofSeconds(10));
    store.insertThroughput(List.of(new SamplingStore.Throughput("svc", "op2", 3, List.of())));
    store.insertProbabilitiesAndQps("h1", Map.of("svc", Map.of("op", 0.1)), Map.of("svc", Map.of("op", 2.0)));
    store.insertProbabilitiesAndQps("h2", Map.of("svc", Map.of("op", 0.2)), Map.of("svc", Map.of("op", 3.0)));

    assertThat(store.getThroughput(first, first + 1))
        .containsExactly(new SamplingStore.Throughput("svc", "op", 7, List.of(0.5, 0.001)));
    assertThat(store.getThroughput(first, first + 20_000_000L)).hasSize(2);
    assertThat(store.getThroughput(first + 1, first + 20_000_000L)).extracting(SamplingStore.Throughput::operation)
        .containsExactly("op2");
    assertThat(store.getLatestProbabilities()).isEqualTo(Map.of("svc", Map.of("op", 0.2)));
    assertThat(store.acquireLeaderLock("me", 60_000)).isTrue();
    s.close();
    BadgerStorageFactory again = open(persistent());
    assertThat(again.samplingStore().orElseThrow().getLatestProbabilities())
        .isEqualTo(Map.of("svc", Map.of("op", 0.2)));
  }

  @Test
  void purge_removesEverything() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    write(s, span(new TraceId(0, 1), 1, "svc", "op", T0, 1));
    s.purge();
    assertThat(s.spanReader().getServices("")).isEmpty();
    assertThat(s.spanReader().getTrace(GetTraceQuery.of(new TraceId(0, 1)))).isEmpty();
    assertThat(countKeys(s)).isZero();
  }

  @Test
  void metrics_registeredWithJaegerNamesAndRemovedOnClose() throws Exception {
    BadgerStorageFactory s = open(Map.of());
    write(s, span(new TraceId(0, 1), 1, "svc", "op", T0, 1));
    s.maintenance().runMaintenance();
    assertThat(meters.get("jaeger_storage_badger_key_log_bytes_available").tag("kind", "badger")
        .tag("role", "primary").gauge().value()).isPositive();
    assertThat(meters.get("jaeger_storage_badger_value_log_bytes_available").gauge().value()).isPositive();
    assertThat(meters.get("jaeger_storage_badger_storage_maintenance_last_run").gauge().value())
        .isEqualTo((double) (clock.instant().getEpochSecond() * 1_000_000_000L));
    assertThat(meters.get("jaeger_storage_badger_memtable_bytes").gauge().value()).isPositive();
    s.close();
    assertThat(meters.getMeters()).isEmpty();
  }

  @Test
  void close_leavesNoThreadsAndFailsLaterCalls() throws Exception {
    BadgerStorageFactory s =
        open(Map.of("badger.maintenance-interval", "10ms", "badger.metrics-update-interval", "10ms"));
    write(s, span(new TraceId(0, 1), 1, "svc", "op", T0, 1));
    s.close();
    s.close();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("badger-maintenance"));
    assertThatThrownBy(() -> s.spanReader().getTrace(GetTraceQuery.of(new TraceId(0, 1))))
        .isInstanceOf(IllegalStateException.class);
    assertThat(s.spanWriter().write("", List.of(span(new TraceId(0, 1), 1, "svc", "op", T0, 1)))
        .toCompletableFuture()).isCompletedExceptionally();
    assertThatThrownBy(s::check).isInstanceOf(IllegalStateException.class);
  }
}
