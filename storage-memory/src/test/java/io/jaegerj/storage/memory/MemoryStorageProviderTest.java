// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.storage.StorageRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryStorageProviderTest {
  private static final StorageContext CONTEXT = new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC());

  @Test
  void registry_findsMemoryThroughServiceLoader() {
    StorageRegistry registry = StorageRegistry.load(getClass().getClassLoader());
    assertThat(registry.types()).contains("memory");
    assertThat(registry.provider("memory")).isInstanceOf(MemoryStorageProvider.class);
  }

  @Test
  void flags_matchJaeger() {
    List<Flag> flags = new MemoryStorageProvider().flags();
    assertThat(flags).hasSize(1);
    Flag f = flags.get(0);
    assertThat(f.name()).isEqualTo("memory.max-traces");
    assertThat(f.defaultValue()).isEqualTo("0");
    assertThat(f.type()).isEqualTo(Flag.Type.INT);
    assertThat(f.envName()).isEqualTo("MEMORY_MAX_TRACES");
    assertThat(f.usage()).startsWith("The maximum amount of traces to store in memory.");
  }

  @Test
  void open_maxTraces_bounds() throws Exception {
    StorageProvider p = new MemoryStorageProvider();
    try (StorageFactory f = p.open("memory", Settings.defaults(p.flags(), Map.of("memory.max-traces", "1")), CONTEXT)) {
      f.spanWriter().write("", List.of(span(1), span(2))).toCompletableFuture().get();

      assertThat(f.spanReader().getTrace(GetTraceQuery.of(new TraceId(0, 1)))).isEmpty();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of(new TraceId(0, 2)))).isPresent();
      assertThat(f).isInstanceOf(Purgeable.class);
      assertThat(f.samplingStore()).isPresent();
      assertThat(f.archive()).isEmpty();
    }
  }

  @Test
  void open_maxTraces_boundsEachTenantSeparately() throws Exception {
    StorageProvider p = new MemoryStorageProvider();
    try (StorageFactory f = p.open("memory", Settings.defaults(p.flags(), Map.of("memory.max-traces", "1")), CONTEXT)) {
      f.spanWriter().write("acme", List.of(span(1))).toCompletableFuture().get();
      f.spanWriter().write("evil", List.of(span(2))).toCompletableFuture().get();
      f.spanWriter().write("", List.of(span(3))).toCompletableFuture().get();

      assertThat(f.spanReader().getTrace(GetTraceQuery.of("acme", new TraceId(0, 1)))).isPresent();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of("evil", new TraceId(0, 2)))).isPresent();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of(new TraceId(0, 3)))).isPresent();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of("evil", new TraceId(0, 1)))).isEmpty();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of(new TraceId(0, 1)))).isEmpty();

      f.spanWriter().write("acme", List.of(span(4))).toCompletableFuture().get();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of("acme", new TraceId(0, 1)))).isEmpty();
      assertThat(f.spanReader().getTrace(GetTraceQuery.of("evil", new TraceId(0, 2)))).isPresent();
    }
  }

  @Test
  void samplingStore_keepsTheBucketsItsCallerAggregates() throws Exception {
    StorageProvider p = new MemoryStorageProvider();
    MemoryStorageFactory f = (MemoryStorageFactory) p.open("memory", Settings.defaults(p.flags(), Map.of()), CONTEXT);
    MemorySamplingStore s = (MemorySamplingStore) f.samplingStore().orElseThrow();
    for (int i = 0; i < 12; i++) {
      s.insertThroughput(List.of());
    }
    assertThat(s.bucketCount()).as("Jaeger's default").isEqualTo(MemoryStorageFactory.DEFAULT_AGGREGATION_BUCKETS);

    // the adaptive sampler passes its sampling.aggregation-buckets; the store is the same one, now keeping that many
    assertThat(f.samplingStore(2)).containsSame(s);
    assertThat(s.bucketCount()).isEqualTo(2);
    for (int i = 0; i < 4; i++) {
      s.insertThroughput(List.of());
    }
    assertThat(s.bucketCount()).isEqualTo(2);
    assertThatThrownBy(() -> f.samplingStore(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sampling.aggregation-buckets");
  }

  @Test
  void open_badValue_namesFlag() {
    StorageProvider p = new MemoryStorageProvider();
    assertThatThrownBy(() -> p.open("memory", Settings.defaults(p.flags(), Map.of("memory.max-traces", "x")), CONTEXT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory.max-traces");
    assertThatThrownBy(() -> p.open("badger", Settings.defaults(p.flags(), Map.of()), CONTEXT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Span span(long traceLow) {
    return Span.builder().traceId(new TraceId(0, traceLow)).spanId(1).operationName("op")
        .process(new Process("svc", List.of())).startTimeMicros(1).build();
  }
}
