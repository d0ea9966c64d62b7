// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.Optional;

/**
 * An opened backend. Created by {@link StorageProvider#open}; connected and ready when returned. All accessors return
 * the same thread-safe instances on every call. {@link #close()} releases connections and threads.
 */
public interface StorageFactory extends AutoCloseable {
  SpanWriter spanWriter();

  SpanReader spanReader();

  DependencyReader dependencyReader();

  /** Archive storage when the backend supports it and its archive flags enable it. */
  default Optional<ArchiveStorage> archive() {
    return Optional.empty();
  }

  /** Adaptive sampling storage when the backend supports it. */
  default Optional<SamplingStore> samplingStore() {
    return Optional.empty();
  }

  /**
   * Adaptive sampling storage for a sampler that aggregates {@code aggregationBuckets} throughput buckets (the
   * owner's {@code sampling.aggregation-buckets}, passed as Jaeger's {@code CreateSamplingStore(maxBuckets)} does):
   * a backend that keeps throughput only in memory keeps that many buckets; the others ignore it. Default:
   * {@link #samplingStore()}.
   */
  default Optional<SamplingStore> samplingStore(int aggregationBuckets) {
    return samplingStore();
  }

  /**
   * Where the dependency aggregator and the dependencies job write links, when the backend keeps stored dependencies
   * (Elasticsearch/OpenSearch, Cassandra); empty when its reader derives them from spans (memory, badger).
   */
  default Optional<DependencyWriter> dependencyWriter() {
    return Optional.empty();
  }

  /** A scanner over stored spans for batch jobs, when the backend supports it. */
  default Optional<SpanScanner> spanScanner() {
    return Optional.empty();
  }

  /**
   * True when spans whose write stage completed survive a crash of this process because they are on this machine's
   * disk (badger with {@code badger.ephemeral=false}); a collector then acknowledges after the write
   * ({@code collector.acknowledge=auto}). False for remote and volatile stores.
   */
  default boolean localDurable() {
    return false;
  }

  /** Throws when the backend cannot currently serve; used by health checks. */
  default void check() throws Exception {}

  @Override
  void close();
}
