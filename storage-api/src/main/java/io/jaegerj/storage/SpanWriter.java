// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.Span;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Writes spans. Implementations must be thread-safe and idempotent: writing the same span twice must not create a
 * second copy visible to readers (backends that cannot deduplicate document it). A write is acknowledged when the
 * returned stage completes normally; from then on the spans are readable (memory) or durable as the backend defines.
 */
public interface SpanWriter {
  /** Writes a batch; the stage completes exceptionally with the backend's own exception on failure. */
  CompletionStage<Void> write(List<Span> spans);
}
