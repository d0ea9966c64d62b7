// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.config.Settings;
import io.jaegerj.model.KeyValue;
import io.jaegerj.proto.api_v2.SamplingStrategyResponse;
import io.jaegerj.proto.api_v2.SamplingStrategyType;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two collectors' adaptive sampling in one JVM over one memory sampling store (the store's lease is real): election,
 * failover, probabilities handed from leader to follower, and a store outage. Short intervals; polls with deadlines.
 */
class AdaptiveSamplingTest {
  private static final Duration FOLLOWER = Duration.ofMillis(600);
  private static final Map<String, String> FAST = Map.of(
      "sampling.calculation-interval", "200ms",
      "sampling.delay", "0s",
      "sampling.leader-lease-refresh-interval", "50ms",
      "sampling.follower-lease-refresh-interval", "600ms");

  private final List<AdaptiveSampling> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(AdaptiveSampling::close);
  }

  static SamplingStore memoryStore() {
    MemoryStorageProvider p = new MemoryStorageProvider();
    return p.open("memory", Settings.defaults(p.flags(), Map.of()),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC())).samplingStore().orElseThrow();
  }

  private AdaptiveSampling start(SamplingStore store, String owner) {
    AdaptiveSampling a = AdaptiveSampling.start(TestOptions.adaptive(FAST), store, new SimpleMeterRegistry(),
        owner, Clock.systemUTC());
    started.add(a);
    return a;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }

  private static void feed(AdaptiveSampling a, int spans, double probability) {
    for (int i = 0; i < spans; i++) {
      a.observe(ThroughputAggregatorTest.root("svc", "op", KeyValue.string("sampler.type", "probabilistic"),
          KeyValue.float64("sampler.param", probability)));
    }
  }

  @Test
  void election_onlyOneCalculates_andTheOtherTakesOverWithinTheLeaseAfterAKill() throws Exception {
    SamplingStore store = memoryStore();
    AdaptiveSampling a = start(store, "a");
    await("a leads", Duration.ofSeconds(5), a::isLeader);
    AdaptiveSampling b = start(store, "b");
    await("a calculated 3 times", Duration.ofSeconds(10), () -> a.calculations() >= 3);
    assertThat(b.isLeader()).isFalse();
    assertThat(b.calculations()).isZero();

    a.halt(); // killed: the lease is not given up
    long killed = System.nanoTime();
    await("b leads", Duration.ofSeconds(10), b::isLeader);
    long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
    System.out.println("adaptive sampling failover: follower took over " + takeoverMillis + " ms after the kill"
        + " (lease " + FOLLOWER.toMillis() + " ms)");
    // the lease outlives the kill by at most its lifetime; b retries every follower interval
    assertThat(takeoverMillis).isLessThanOrEqualTo(2 * FOLLOWER.toMillis() + 500);
    await("b calculates", Duration.ofSeconds(5), () -> b.calculations() > 0);
  }

  @Test
  void close_givesTheLeaseUp_soTheFollowerTakesOverAtItsNextAttempt() throws Exception {
    SamplingStore store = memoryStore();
    AdaptiveSampling a = start(store, "a");
    await("a leads", Duration.ofSeconds(5), a::isLeader);
    AdaptiveSampling b = start(store, "b");
    await("b tried", Duration.ofSeconds(5), () -> b.electionAttempts() > 0);
    assertThat(b.isLeader()).isFalse();
    a.close();
    assertThat(store.acquireLeaderLock("probe", 1)).as("lease released on close").isTrue();
    store.forfeitLeaderLock("probe");
    await("b leads", Duration.ofSeconds(5), b::isLeader);
  }

  @Test
  void probabilities_calculatedByTheLeader_areServedByTheFollower() throws Exception {
    SamplingStore store = memoryStore();
    AdaptiveSampling a = start(store, "a");
    await("a leads", Duration.ofSeconds(5), a::isLeader);
    AdaptiveSampling b = start(store, "b");
    // unknown service: Jaeger's default adaptive shape
    SamplingStrategyResponse unknown = b.strategy("nobody");
    assertThat(unknown.getStrategyType()).isEqualTo(SamplingStrategyType.PROBABILISTIC);
    assertThat(unknown.hasProbabilisticSampling()).isFalse();
    assertThat(unknown.getOperationSampling().getDefaultSamplingProbability()).isEqualTo(0.001);
    assertThat(unknown.getOperationSampling().getDefaultLowerBoundTracesPerSecond()).isEqualTo(1 / 60.0);
    assertThat(unknown.getOperationSampling().getPerOperationStrategiesList()).isEmpty();

    // both collectors see far too much traffic at 0.001: the leader lowers the probability
    await("leader lowered op's probability", Duration.ofSeconds(10), () -> {
      feed(a, 200, 0.001);
      feed(b, 200, 0.001);
      Double p = a.probabilities().getOrDefault("svc", Map.of()).get("op");
      return p != null && p < 0.001;
    });
    double leaders = a.probabilities().get("svc").get("op");
    await("follower serves the leader's probabilities", Duration.ofSeconds(5), () -> {
      SamplingStrategyResponse r = b.strategy("svc");
      return r.getOperationSampling().getPerOperationStrategiesCount() == 1
          && r.getOperationSampling().getPerOperationStrategies(0).getProbabilisticSampling().getSamplingRate() < 0.001;
    });
    assertThat(b.strategy("svc").getOperationSampling().getPerOperationStrategies(0).getOperation()).isEqualTo("op");
    assertThat(b.calculations()).isZero();
    assertThat(leaders).isLessThan(0.001);
  }

  @Test
  void newLeader_continuesFromTheStoredProbabilities() throws Exception {
    SamplingStore store = memoryStore();
    store.insertProbabilitiesAndQps("old-leader", Map.of("svc", Map.of("op", 0.5)), Map.of());
    AdaptiveSampling a = start(store, "a");
    assertThat(a.strategy("svc").getOperationSampling().getPerOperationStrategies(0).getProbabilisticSampling()
        .getSamplingRate()).isEqualTo(0.5);
    // ~10,000 samples/s at 0.5 against a target of 1/s: from 0.5 that is ≈ 5e-5; from the initial 0.001 it would be
    // ≈ 1e-7, floored at the 1e-5 minimum
    await("a calculated from 0.5", Duration.ofSeconds(10), () -> {
      feed(a, 100, 0.5);
      Double p = a.probabilities().getOrDefault("svc", Map.of()).get("op");
      return p != null && p < 0.5;
    });
    assertThat(a.probabilities().get("svc").get("op")).isGreaterThan(2e-5);
  }

  @Test
  void storeOutage_keepsTheLastProbabilitiesServed() throws Exception {
    FlakyStore store = new FlakyStore(memoryStore());
    AdaptiveSampling a = start(store, "a");
    await("a leads", Duration.ofSeconds(5), a::isLeader);
    AdaptiveSampling b = start(store, "b");
    await("follower serves a calculated probability", Duration.ofSeconds(10), () -> {
      feed(a, 400, 0.001);
      return b.strategy("svc").getOperationSampling().getPerOperationStrategiesCount() == 1;
    });
    SamplingStrategyResponse beforeA = a.strategy("svc");
    SamplingStrategyResponse beforeB = b.strategy("svc");

    store.down = true;
    long failuresBefore = store.failures;
    await("both hit the outage for a while", Duration.ofSeconds(10), () -> store.failures > failuresBefore + 20);
    await("the leader's lease ran out", Duration.ofSeconds(5), () -> !a.isLeader());
    feed(a, 400, 0.001);
    long more = store.failures;
    await("a few more failing rounds", Duration.ofSeconds(10), () -> store.failures > more + 10);
    assertThat(a.strategy("svc")).isEqualTo(beforeA);
    assertThat(b.strategy("svc")).isEqualTo(beforeB);

    store.down = false;
    await("a leader again after the outage", Duration.ofSeconds(10), () -> a.isLeader() || b.isLeader());
  }

  /** Fails every call while {@link #down}. */
  static final class FlakyStore implements SamplingStore {
    private final SamplingStore delegate;
    volatile boolean down;
    volatile long failures;

    FlakyStore(SamplingStore delegate) {
      this.delegate = delegate;
    }

    private void check() {
      if (down) {
        failures++;
        throw new IllegalStateException("sampling store unreachable");
      }
    }

    @Override
    public void insertThroughput(List<Throughput> throughput) {
      check();
      delegate.insertThroughput(throughput);
    }

    @Override
    public List<Throughput> getThroughput(long startMicros, long endMicros) {
      check();
      return delegate.getThroughput(startMicros, endMicros);
    }

    @Override
    public void insertProbabilitiesAndQps(String hostname, Map<String, Map<String, Double>> probabilities,
        Map<String, Map<String, Double>> qps) {
      check();
      delegate.insertProbabilitiesAndQps(hostname, probabilities, qps);
    }

    @Override
    public Map<String, Map<String, Double>> getLatestProbabilities() {
      check();
      return delegate.getLatestProbabilities();
    }

    @Override
    public boolean acquireLeaderLock(String owner, long ttlMillis) {
      check();
      return delegate.acquireLeaderLock(owner, ttlMillis);
    }

    @Override
    public boolean forfeitLeaderLock(String owner) {
      check();
      return delegate.forfeitLeaderLock(owner);
    }
  }
}
