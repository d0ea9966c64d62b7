// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import java.util.List;
import java.util.Optional;

/**
 * The storage a binary opened from {@code SPAN_STORAGE_TYPE}: every listed backend is written, the first is read
 * and archived, dependencies come from {@code DEPENDENCY_STORAGE_TYPE} (default: the first).
 *
 * <p>The reader of {@code memory}, {@code badger} and {@code grpc} is wrapped in Jaeger's
 * {@code jaeger_storage_requests_total/latency/responses} metrics ({@code kind}, {@code role=primary}).
 *
 * <p>{@link #reader()} and {@link #dependencyReader()} throw {@link UnsupportedOperationException} for write-only
 * backends (kafka), which binaries that read reject at start.
 */
public interface Storage extends AutoCloseable {
  SpanWriter writer();

  SpanReader reader();

  DependencyReader dependencyReader();

  Optional<ArchiveStorage> archive();

  Optional<SamplingStore> samplingStore();

  /**
   * The sampling store for an adaptive sampler aggregating {@code aggregationBuckets} buckets; see
   * {@link io.jaegerj.storage.StorageFactory#samplingStore(int)}. Default: {@link #samplingStore()}.
   */
  default Optional<SamplingStore> samplingStore(int aggregationBuckets) {
    return samplingStore();
  }

  /**
   * The dependency writer of the {@code DEPENDENCY_STORAGE_TYPE} backend (the one {@link #dependencyReader()} reads),
   * when it stores dependencies; empty otherwise.
   */
  default Optional<DependencyWriter> dependencyWriter() {
    return Optional.empty();
  }

  /**
   * The {@code SPAN_STORAGE_TYPE} entries that {@link #writer()} writes, first (read) one first; empty when not
   * known (storage built by hand in tests).
   */
  default List<String> spanTypes() {
    return List.of();
  }

  /**
   * True when {@link #writer()} writes exactly one backend and that backend is
   * {@linkplain io.jaegerj.storage.StorageFactory#localDurable() locally durable}.
   */
  default boolean localDurable() {
    return false;
  }

  @Override
  void close();
}
