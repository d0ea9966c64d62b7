// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import java.util.Objects;
import java.util.Optional;

/**
 * Memory storage opened with a validated {@link MemoryConfig}: span stores per tenant ({@link MemoryTenants})
 * serving as writer, reader and dependency reader, and a sampling store shared by all tenants. A {@link HeapGuard}
 * evicts the oldest traces of every tenant when the heap is nearly full. Nothing is persisted. {@link #purge()}
 * empties the span stores (for
 * tests). Thread-safe.
 */
final class MemoryStorageFactory implements StorageFactory, Purgeable {
  private final MemoryTenants spans;
  /** Buckets the sampling store keeps until an adaptive sampler names its own (the flag's default in Jaeger). */
  static final int DEFAULT_AGGREGATION_BUCKETS = 10;

  private final MemorySamplingStore sampling;
  private final HeapGuard guard;

  MemoryStorageFactory(MemoryConfig config, StorageContext context) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(context, "context");
    this.spans = new MemoryTenants(config.maxTraces());
    this.sampling = new MemorySamplingStore(context.clock(), DEFAULT_AGGREGATION_BUCKETS);
    this.guard = new HeapGuard(context.meters()).start();
    guard.register(spans);
  }

  @Override
  public SpanWriter spanWriter() {
    return spans;
  }

  @Override
  public SpanReader spanReader() {
    return spans;
  }

  @Override
  public DependencyReader dependencyReader() {
    return spans;
  }

  @Override
  public Optional<SamplingStore> samplingStore() {
    return Optional.of(sampling);
  }

  /** The one sampling store, from now on keeping {@code aggregationBuckets} buckets (the caller's aggregation). */
  @Override
  public Optional<SamplingStore> samplingStore(int aggregationBuckets) {
    sampling.keepBuckets(aggregationBuckets);
    return Optional.of(sampling);
  }

  @Override
  public void purge() {
    spans.purge();
  }

  @Override
  public void close() {
    guard.close();
    spans.purge();
  }
}
