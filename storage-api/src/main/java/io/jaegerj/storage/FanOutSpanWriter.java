// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import io.jaegerj.model.Span;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Writes every batch to several backends ({@code SPAN_STORAGE_TYPE=a,b}). Each writer is called even if another
 * fails; the returned stage fails when any of them failed, with the other failures attached as suppressed.
 */
public final class FanOutSpanWriter implements SpanWriter {
  private final List<SpanWriter> writers;

  public FanOutSpanWriter(List<SpanWriter> writers) {
    if (writers.isEmpty()) {
      throw new IllegalArgumentException("writers: [] (expected: at least one)");
    }
    this.writers = List.copyOf(writers);
  }

  @Override
  public CompletionStage<Void> write(String tenant, List<Span> spans) {
    Tenants.require(tenant);
    if (writers.size() == 1) {
      return writers.get(0).write(tenant, spans);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<Void>[] all = new CompletableFuture[writers.size()];
    for (int i = 0; i < all.length; i++) {
      CompletableFuture<Void> f;
      try {
        f = writers.get(i).write(tenant, spans).toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      all[i] = f;
    }
    return CompletableFuture.allOf(all).handle((ok, ignored) -> {
      Throwable first = null;
      for (CompletableFuture<Void> f : all) {
        if (f.isCompletedExceptionally()) {
          Throwable t = f.handle((v, e) -> e).join();
          if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
          }
          if (first == null) {
            first = t;
          } else if (t != first) {
            first.addSuppressed(t);
          }
        }
      }
      if (first != null) {
        throw new CompletionException(first);
      }
      return null;
    });
  }
}
