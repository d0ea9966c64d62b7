// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.config.Settings;
import java.time.Duration;
import java.util.Objects;

/**
 * The adaptive-sampling settings, read once from the {@link AdaptiveFlags} and validated.
 *
 * @param targetSamplesPerSecond sampled root spans per second wanted for each operation
 * @param deltaTolerance relative deviation from the target within which a probability is kept
 * @param bucketsForCalculation how many of the newest throughput buckets feed the weighted QPS
 * @param calculationInterval how often throughput is flushed and probabilities are recalculated
 * @param aggregationBuckets how many throughput buckets are kept in memory
 * @param delay how far behind now the newest throughput read from the store ends
 * @param initialSamplingProbability the probability of operations not calculated yet, and of unknown services
 * @param minSamplingProbability the floor of every calculated probability
 * @param minSamplesPerSecond the lower-bound rate served to SDKs ({@code defaultLowerBoundTracesPerSecond})
 * @param leaderLeaseRefreshInterval how often the leader renews its lease
 * @param followerLeaseRefreshInterval how often a follower tries to take the lease; also the lease's lifetime
 */
public record AdaptiveOptions(
    double targetSamplesPerSecond,
    double deltaTolerance,
    int bucketsForCalculation,
    Duration calculationInterval,
    int aggregationBuckets,
    Duration delay,
    double initialSamplingProbability,
    double minSamplingProbability,
    double minSamplesPerSecond,
    Duration leaderLeaseRefreshInterval,
    Duration followerLeaseRefreshInterval) {

  public AdaptiveOptions {
    Objects.requireNonNull(calculationInterval, "calculationInterval");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(leaderLeaseRefreshInterval, "leaderLeaseRefreshInterval");
    Objects.requireNonNull(followerLeaseRefreshInterval, "followerLeaseRefreshInterval");
    positive(AdaptiveFlags.TARGET_SAMPLES_PER_SECOND, targetSamplesPerSecond);
    if (!(deltaTolerance >= 0)) {
      throw bad(AdaptiveFlags.DELTA_TOLERANCE, deltaTolerance, ">= 0");
    }
    if (bucketsForCalculation < 1) {
      throw bad(AdaptiveFlags.BUCKETS_FOR_CALCULATION, bucketsForCalculation, ">= 1");
    }
    if (aggregationBuckets < 1) {
      throw bad(AdaptiveFlags.AGGREGATION_BUCKETS, aggregationBuckets, "> 0");
    }
    positive(AdaptiveFlags.CALCULATION_INTERVAL, calculationInterval);
    positive(AdaptiveFlags.LEADER_LEASE_REFRESH_INTERVAL, leaderLeaseRefreshInterval);
    positive(AdaptiveFlags.FOLLOWER_LEASE_REFRESH_INTERVAL, followerLeaseRefreshInterval);
    if (delay.isNegative()) {
      throw bad(AdaptiveFlags.DELAY, delay, ">= 0");
    }
    probability(AdaptiveFlags.INITIAL_SAMPLING_PROBABILITY, initialSamplingProbability);
    probability(AdaptiveFlags.MIN_SAMPLING_PROBABILITY, minSamplingProbability);
    if (!(minSamplesPerSecond >= 0)) {
      throw bad(AdaptiveFlags.MIN_SAMPLES_PER_SECOND, minSamplesPerSecond, ">= 0");
    }
  }

  /** Reads the flags of {@link AdaptiveFlags#all()} from {@code s}. */
  public static AdaptiveOptions from(Settings s) {
    return new AdaptiveOptions(
        s.getDouble(AdaptiveFlags.TARGET_SAMPLES_PER_SECOND),
        s.getDouble(AdaptiveFlags.DELTA_TOLERANCE),
        s.getInt(AdaptiveFlags.BUCKETS_FOR_CALCULATION),
        s.getDuration(AdaptiveFlags.CALCULATION_INTERVAL),
        s.getInt(AdaptiveFlags.AGGREGATION_BUCKETS),
        s.getDuration(AdaptiveFlags.DELAY),
        s.getDouble(AdaptiveFlags.INITIAL_SAMPLING_PROBABILITY),
        s.getDouble(AdaptiveFlags.MIN_SAMPLING_PROBABILITY),
        s.getDouble(AdaptiveFlags.MIN_SAMPLES_PER_SECOND),
        s.getDuration(AdaptiveFlags.LEADER_LEASE_REFRESH_INTERVAL),
        s.getDuration(AdaptiveFlags.FOLLOWER_LEASE_REFRESH_INTERVAL));
  }

  private static void positive(String flag, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw bad(flag, v, "> 0");
    }
  }

  private static void positive(String flag, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw bad(flag, d, "> 0");
    }
  }

  private static void probability(String flag, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw bad(flag, p, "between 0 and 1");
    }
  }

  private static IllegalArgumentException bad(String flag, Object value, String expected) {
    return new IllegalArgumentException(flag + ": " + value + " (expected: " + expected + ")");
  }
}
