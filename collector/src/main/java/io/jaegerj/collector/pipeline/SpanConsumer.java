// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.Span;
import java.util.List;

/**
 * Entry of the collector pipeline for decoded spans. Called on network threads; never blocks on storage. The
 * pipeline sanitizes, counts and queues the batch for the storage workers.
 */
public interface SpanConsumer {
  /** Which wire format a batch arrived in; the {@code format} label of the received-spans counters. */
  enum Format {
    JAEGER,
    PROTO,
    ZIPKIN,
    OTLP
  }

  /** Which transport carried it; the {@code transport} label. */
  enum Transport {
    HTTP,
    GRPC,
    UDP
  }

  /** Outcome of {@link #submit}. */
  enum Result {
    /** Queued; it will be written to storage. */
    ACCEPTED,
    /** The queue is full; the caller must answer with a retryable refusal (503 / UNAVAILABLE / 429). */
    REJECTED_QUEUE_FULL
  }

  /** Offers a decoded batch without blocking. */
  Result submit(List<Span> spans, Format format, Transport transport);
}
