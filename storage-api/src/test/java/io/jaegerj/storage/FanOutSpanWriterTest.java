// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FanOutSpanWriterTest {
  /** Records batches and answers with a fixed outcome. */
  private static final class Recording implements SpanWriter {
    final List<List<Span>> batches = new ArrayList<>();
    final List<String> tenants = new ArrayList<>();
    final RuntimeException failure;
    final boolean throwSynchronously;

    Recording(RuntimeException failure, boolean throwSynchronously) {
      this.failure = failure;
      this.throwSynchronously = throwSynchronously;
    }

    @Override
    public CompletionStage<Void> write(String tenant, List<Span> spans) {
      tenants.add(tenant);
      batches.add(spans);
      if (failure != null && throwSynchronously) {
        throw failure;
      }
      return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
    }
  }

  private static final List<Span> BATCH = List.of(Span.builder().spanId(1).build());

  @Test
  void constructor_noWriters_throws() {
    assertThatThrownBy(() -> new FanOutSpanWriter(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void write_allSucceed_completesAndCallsEach() throws Exception {
    Recording a = new Recording(null, false);
    Recording b = new Recording(null, false);
    new FanOutSpanWriter(List.of(a, b)).write("acme", BATCH).toCompletableFuture().get();
    assertThat(a.batches).containsExactly(BATCH);
    assertThat(b.batches).containsExactly(BATCH);
    assertThat(a.tenants).containsExactly("acme");
    assertThat(b.tenants).containsExactly("acme");
  }

  @Test
  void write_someFail_callsEveryWriterAndReportsAll() {
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    Recording a = new Recording(first, true);
    Recording ok = new Recording(null, false);
    Recording c = new Recording(second, false);

    CompletableFuture<Void> f = new FanOutSpanWriter(List.of(a, ok, c)).write("", BATCH).toCompletableFuture();

    assertThat(ok.batches).hasSize(1);
    assertThat(c.batches).hasSize(1);
    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
        .cause().isSameAs(first)
        .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
  }

  @Test
  void write_sameExceptionFromTwoWriters_isReportedOnce() {
    IllegalStateException shared = new IllegalStateException("shared");
    CompletableFuture<Void> f = new FanOutSpanWriter(
        List.of(new Recording(shared, false), new Recording(shared, false))).write("", BATCH).toCompletableFuture();

    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isSameAs(shared);
    assertThat(shared.getSuppressed()).isEmpty();
  }
}
