// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.KeyValue;
import java.util.List;

/**
 * Validated settings of the span pipeline.
 *
 * @param queueSize capacity in spans ({@code collector.queue-size})
 * @param numWorkers storage writer threads ({@code collector.num-workers})
 * @param queueSizeMemoryBytes byte bound of the queue, 0 = none ({@code collector.queue-size-memory} in MiB)
 * @param spanSizeMetrics whether {@code jaeger_collector_spans_bytes} is maintained
 * @param collectorTags process tags added to every span ({@code collector.tags})
 * @param downsamplingRatio fraction of traces kept; 1 disables downsampling
 * @param downsamplingSalt salt of the trace-id hash
 */
public record PipelineOptions(
    int queueSize,
    int numWorkers,
    long queueSizeMemoryBytes,
    boolean spanSizeMetrics,
    List<KeyValue> collectorTags,
    double downsamplingRatio,
    String downsamplingSalt) {

  public PipelineOptions {
    if (queueSize <= 0) {
      throw new IllegalArgumentException("collector.queue-size: " + queueSize + " (expected: > 0)");
    }
    if (numWorkers <= 0) {
      throw new IllegalArgumentException("collector.num-workers: " + numWorkers + " (expected: > 0)");
    }
    if (queueSizeMemoryBytes < 0) {
      throw new IllegalArgumentException("collector.queue-size-memory: " + queueSizeMemoryBytes + " (expected: >= 0)");
    }
    collectorTags = List.copyOf(collectorTags);
    if (!(downsamplingRatio >= 0 && downsamplingRatio <= 1)) {
      downsamplingRatio = 1; // Jaeger resets out-of-range ratios to "keep everything"
    }
    if (downsamplingSalt == null || downsamplingSalt.isEmpty()) {
      downsamplingSalt = "downsampling-default-salt";
    }
  }

  /** Jaeger's defaults. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(2000, 50, 0, false, List.of(), 1, "");
  }
}
