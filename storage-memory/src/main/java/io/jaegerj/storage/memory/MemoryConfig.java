// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

/**
 * Validated memory storage settings.
 *
 * @param maxTraces {@code memory.max-traces}: traces kept before the oldest (by first arrival) is evicted; 0 or less
 *     means unbounded, as in Jaeger
 * @param samplingAggregationBuckets {@code sampling.aggregation-buckets}: throughput buckets the sampling store keeps
 */
record MemoryConfig(int maxTraces, int samplingAggregationBuckets) {
  MemoryConfig {
    if (samplingAggregationBuckets <= 0) {
      throw new IllegalArgumentException(
          "sampling.aggregation-buckets: " + samplingAggregationBuckets + " (expected: > 0)");
    }
  }
}
