// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.Span;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

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

  /**
   * Offers a decoded batch of {@code tenant} without blocking. The tenant is the one the receiver checked (see the
   * storage SPI's {@code Tenants}; "" when multi-tenancy is off or the transport carries none) and is passed on with
   * the batch to the storage writer unchanged.
   */
  Result submit(String tenant, List<Span> spans, Format format, Transport transport);

  /**
   * Offers a decoded batch without blocking and tells when the receiver may answer its client. The stage completes
   * with {@link Result#REJECTED_QUEUE_FULL} at once when the batch is refused. Otherwise, in {@link AckMode#QUEUED}
   * mode it is already complete with {@link Result#ACCEPTED}; in {@link AckMode#STORED} mode it completes with
   * {@link Result#ACCEPTED} once the storage writer's stage for the batch completed (spans removed by downsampling
   * count as stored), or exceptionally with the storage failure, which the receiver answers with a retryable error
   * (see {@link #storageFailure}). The stage may complete on a storage worker thread: dependent actions must not
   * block, and must hop to their own executor where they need one (a Netty event loop).
   *
   * <p>The default is for consumers without a storage behind them: the result of {@link #submit}.
   */
  default CompletionStage<Result> submitForAck(String tenant, List<Span> spans, Format format, Transport transport) {
    return CompletableFuture.completedFuture(submit(tenant, spans, format, transport));
  }

  /**
   * True when no batch at all would be taken now (the queue is at its span or byte bound, or the pipeline is
   * shutting down). Receivers check it before decoding a request, so that an overloaded collector refuses at the
   * cost of reading a header instead of decoding a body it would refuse anyway. A false answer promises nothing:
   * {@link #submit} still decides.
   */
  default boolean saturated() {
    return false;
  }

  /**
   * Counts {@code spans} spans of a request refused because the consumer was {@link #saturated()}, before the request
   * was decoded, as dropped ({@code jaeger_collector_spans_dropped_total}).
   */
  default void refusedBeforeDecoding(int spans) {}

  /** The message of a retryable answer to a failed storage write, naming the failure. */
  static String storageFailure(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return "failed to write spans to storage: " + (m == null || m.isBlank() ? t.getClass().getName() : m);
  }
}
