// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.KeyValue;
import java.util.List;
import java.util.Objects;

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
 * @param ackMode when receivers answer: once queued, or once stored ({@code collector.acknowledge})
 */
public record PipelineOptions(
    int queueSize,
    int numWorkers,
    long queueSizeMemoryBytes,
    boolean spanSizeMetrics,
    List<KeyValue> collectorTags,
    double downsamplingRatio,
    String downsamplingSalt,
    AckMode ackMode) {

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
    Objects.requireNonNull(ackMode, "ackMode");
  }

  /** Options that acknowledge once queued, as Jaeger does. */
  public PipelineOptions(int queueSize, int numWorkers, long queueSizeMemoryBytes, boolean spanSizeMetrics,
      List<KeyValue> collectorTags, double downsamplingRatio, String downsamplingSalt) {
    this(queueSize, numWorkers, queueSizeMemoryBytes, spanSizeMetrics, collectorTags, downsamplingRatio,
        downsamplingSalt, AckMode.QUEUED);
  }

  /** The same options with another acknowledgement mode. */
  public PipelineOptions withAckMode(AckMode mode) {
    return new PipelineOptions(queueSize, numWorkers, queueSizeMemoryBytes, spanSizeMetrics, collectorTags,
        downsamplingRatio, downsamplingSalt, mode);
  }

  /** Jaeger's defaults. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(2000, 50, 0, false, List.of(), 1, "");
  }
}
