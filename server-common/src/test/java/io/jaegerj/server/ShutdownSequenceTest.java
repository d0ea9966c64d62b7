// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ShutdownSequenceTest {
  @Test
  void run_stuckOrFailingStep_isBoundedAndLaterStepsStillRun() {
    ShutdownSequence seq = new ShutdownSequence(Duration.ofMillis(200));
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch never = new CountDownLatch(1);
    seq.onShutdown(Lifecycle.Phase.CLOSE, "close", () -> ran.add("close"));
    seq.onShutdown(Lifecycle.Phase.DRAIN, "failing", () -> {
      throw new IllegalStateException("boom");
    });
    seq.onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "stuck", never::await);

    long t0 = System.nanoTime();
    assertThat(seq.run()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("close");
    assertThat(seq.run()).isTrue(); // runs once
    assertThatThrownBy(() -> seq.onShutdown(Lifecycle.Phase.CLOSE, "late", () -> {}))
        .isInstanceOf(IllegalStateException.class);
    never.countDown();
  }
}
