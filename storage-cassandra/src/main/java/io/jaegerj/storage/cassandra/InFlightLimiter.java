// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the driver requests in flight without blocking callers: past the limit a request waits in a queue and is
 * started when an earlier one completes (the BACKPRESSURE contract: the caller's stage simply completes later). The
 * queue is bounded by the collector, which bounds its outstanding write stages.
 */
final class InFlightLimiter {
  private final AtomicInteger permits;
  private final int limit;
  private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

  InFlightLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
    }
    this.limit = limit;
    this.permits = new AtomicInteger(limit);
  }

  <T> CompletableFuture<T> submit(Supplier<? extends CompletionStage<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletionStage<T> stage;
      try {
        stage = request.get();
      } catch (RuntimeException e) {
        release();
        result.completeExceptionally(e);
        return;
      }
      stage.whenComplete((v, e) -> {
        release();
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(v);
        }
      });
    };
    waiting.add(start);
    drain();
    return result;
  }

  /** Requests started and not yet completed. */
  int inFlight() {
    return limit - permits.get();
  }

  int queued() {
    return waiting.size();
  }

  private void release() {
    permits.incrementAndGet();
    drain();
  }

  private void drain() {
    while (!waiting.isEmpty()) {
      int p = permits.get();
      if (p <= 0) {
        return;
      }
      if (!permits.compareAndSet(p, p - 1)) {
        continue;
      }
      Runnable r = waiting.poll();
      if (r == null) {
        permits.incrementAndGet();
        continue;
      }
      r.run();
    }
  }
}
