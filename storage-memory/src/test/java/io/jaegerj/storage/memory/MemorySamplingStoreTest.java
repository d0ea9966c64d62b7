// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.storage.SamplingStore.Throughput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemorySamplingStoreTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.ofEpochSecond(1_700_000_000L);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  private static final long SEC = 1_000_000L;
  private static final long T = 1_700_000_000L * SEC;

  private static Throughput tp(String op, long count) {
    return new Throughput("svc", op, count, List.of(0.1));
  }

  @Test
  void getThroughput_returnsBucketsStampedWithinWindow() {
    ManualClock clock = new ManualClock();
    MemorySamplingStore store = new MemorySamplingStore(clock, 10);
    store.insertThroughput(List.of(tp("a", 1)));
    clock.now = clock.now.plusSeconds(60);
    store.insertThroughput(List.of(tp("b", 2), tp("c", 3)));

    assertThat(store.getThroughput(T, T + 1)).containsExactly(tp("a", 1));
    assertThat(store.getThroughput(T + 1, T + 61 * SEC)).containsExactly(tp("b", 2), tp("c", 3));
    assertThat(store.getThroughput(T, T + 60 * SEC)).as("end is exclusive").containsExactly(tp("a", 1));
    assertThat(store.getThroughput(T - SEC, T + 61 * SEC)).hasSize(3);
  }

  @Test
  void insertThroughput_keepsOnlyNewestBuckets() {
    ManualClock clock = new ManualClock();
    MemorySamplingStore store = new MemorySamplingStore(clock, 3);
    for (int i = 0; i < 5; i++) {
      store.insertThroughput(List.of(tp("op" + i, i)));
      clock.now = clock.now.plusSeconds(1);
    }

    assertThat(store.bucketCount()).isEqualTo(3);
    assertThat(store.getThroughput(0, Long.MAX_VALUE)).extracting(Throughput::operation)
        .containsExactly("op2", "op3", "op4");
  }

  @Test
  void insertProbabilities_keepsOnlyLatest() {
    MemorySamplingStore store = new MemorySamplingStore(new ManualClock(), 10);
    assertThat(store.getLatestProbabilities()).isEmpty();

    store.insertProbabilitiesAndQps("h", Map.of("svc", Map.of("a", 0.5)), Map.of());
    store.insertProbabilitiesAndQps("h", Map.of("svc", Map.of("b", 0.25)), Map.of("svc", Map.of("b", 3.0)));

    assertThat(store.getLatestProbabilities()).isEqualTo(Map.of("svc", Map.of("b", 0.25)));
  }

  @Test
  void acquireLeaderLock_oneOwnerAtATimeUntilTheLeaseRunsOut() {
    ManualClock clock = new ManualClock();
    MemorySamplingStore store = new MemorySamplingStore(clock, 10);
    assertThat(store.acquireLeaderLock("a", 60_000)).isTrue();
    assertThat(store.acquireLeaderLock("a", 60_000)).isTrue();
    assertThat(store.acquireLeaderLock("b", 60_000)).isFalse();
    clock.advance(Duration.ofSeconds(59));
    assertThat(store.acquireLeaderLock("b", 60_000)).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(store.acquireLeaderLock("b", 60_000)).isTrue();
    assertThat(store.acquireLeaderLock("a", 60_000)).isFalse();
  }

  @Test
  void forfeitLeaderLock_onlyByTheOwner_letsAnotherTakeOver() {
    MemorySamplingStore store = new MemorySamplingStore(new ManualClock(), 10);
    assertThat(store.acquireLeaderLock("a", 60_000)).isTrue();
    assertThat(store.forfeitLeaderLock("b")).isFalse();
    assertThat(store.acquireLeaderLock("b", 60_000)).isFalse();
    assertThat(store.forfeitLeaderLock("a")).isTrue();
    assertThat(store.acquireLeaderLock("b", 60_000)).isTrue();
  }

  @Test
  void constructor_nonPositiveBuckets_throws() {
    assertThatThrownBy(() -> new MemorySamplingStore(new ManualClock(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
