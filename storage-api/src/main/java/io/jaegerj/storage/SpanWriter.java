// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.Span;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Writes spans. Implementations must be thread-safe and idempotent: writing the same span twice must not create a
 * second copy visible to readers (backends that cannot deduplicate document it). A write is acknowledged when the
 * returned stage completes normally; from then on the spans are readable (memory) or durable as the backend defines.
 *
 * <p>Every batch belongs to one tenant ({@link Tenants#DEFAULT} "" when multi-tenancy is off); its spans are visible
 * only to reads made for the same tenant (see {@link Tenants}).
 *
 * <p><b>Backpressure contract.</b> A writer that cannot take more right now (its bounded buffer is full, a driver's
 * in-flight limit is reached, a producer buffer is full, the remote server pushes back with 429 or the like) must
 * neither fail the batch nor block the calling thread: it returns a stage that completes only once the batch has
 * been accepted, i.e. later. The stage completes exceptionally only on a real failure, after the retries the
 * backend's flags allow. Callers bound the number of stages they keep outstanding (the collector keeps at most
 * {@code collector.num-workers}), so a writer may hold the waiting batches without a bound of its own; while the
 * stages are outstanding the collector takes nothing more from its queue, the queue fills and the receivers refuse
 * new requests with their retryable status before acknowledging them. {@link #write} itself must return quickly: it
 * may serialize the batch, but must not wait for storage.
 */
public interface SpanWriter {
  /**
   * Writes a batch for {@code tenant} without waiting for storage. The stage completes when the batch is accepted
   * (possibly much later, when the backend is busy) or exceptionally with the backend's own exception on a real
   * failure.
   *
   * @throws NullPointerException when {@code tenant} or {@code spans} is null
   */
  CompletionStage<Void> write(String tenant, List<Span> spans);
}
