// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {
  @Test
  void read_returnsTheFirstAcceptedValue() throws Exception {
    AtomicInteger n = new AtomicInteger();
    assertThat(Poll.read(Duration.ofSeconds(30), n::incrementAndGet, v -> v >= 3)).isEqualTo(3);
  }

  @Test
  void read_returnsTheLastValueWhenTheDeadlinePasses() throws Exception {
    AtomicInteger n = new AtomicInteger();
    int last = Poll.read(Duration.ZERO, n::incrementAndGet, v -> false);
    assertThat(last).isEqualTo(n.get()).isPositive();
  }

  @Test
  void until_failsNamingWhatAndTheLastValue() {
    assertThatThrownBy(() -> Poll.until("the answer", Duration.ofMillis(30), () -> 41, v -> v == 42))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the answer")
        .hasMessageContaining("last seen: 41");
    assertThatThrownBy(() -> Poll.until("ready", Duration.ZERO, () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ready");
  }

  @Test
  void until_propagatesWhatTheReadThrows() {
    assertThatThrownBy(() -> Poll.until("up", Duration.ofSeconds(30), () -> {
      throw new IOException("refused");
    })).isInstanceOf(IOException.class).hasMessage("refused");
  }
}
