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
 */
public interface SpanWriter {
  /**
   * Writes a batch for {@code tenant}; the stage completes exceptionally with the backend's own exception on failure.
   *
   * @throws NullPointerException when {@code tenant} or {@code spans} is null
   */
  CompletionStage<Void> write(String tenant, List<Span> spans);
}
