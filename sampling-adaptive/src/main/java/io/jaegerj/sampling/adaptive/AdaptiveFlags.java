// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.config.Flag;
import java.util.List;

/**
 * The {@code sampling.*} flags of Jaeger 1.74's adaptive strategy provider ({@code SAMPLING_CONFIG_TYPE=adaptive}),
 * with Jaeger's defaults and help texts. They replace the file provider's flags in that mode.
 */
public final class AdaptiveFlags {
  static final String TARGET_SAMPLES_PER_SECOND = "sampling.target-samples-per-second";
  static final String DELTA_TOLERANCE = "sampling.delta-tolerance";
  static final String BUCKETS_FOR_CALCULATION = "sampling.buckets-for-calculation";
  static final String CALCULATION_INTERVAL = "sampling.calculation-interval";
  static final String AGGREGATION_BUCKETS = "sampling.aggregation-buckets";
  static final String DELAY = "sampling.delay";
  static final String INITIAL_SAMPLING_PROBABILITY = "sampling.initial-sampling-probability";
  static final String MIN_SAMPLING_PROBABILITY = "sampling.min-sampling-probability";
  static final String MIN_SAMPLES_PER_SECOND = "sampling.min-samples-per-second";
  static final String LEADER_LEASE_REFRESH_INTERVAL = "sampling.leader-lease-refresh-interval";
  static final String FOLLOWER_LEASE_REFRESH_INTERVAL = "sampling.follower-lease-refresh-interval";

  private AdaptiveFlags() {}

  /** Every adaptive flag, in Jaeger's (alphabetical) order. */
  public static List<Flag> all() {
    return List.of(
        Flag.integer(AGGREGATION_BUCKETS, 10, "Amount of historical data to keep in memory."),
        Flag.integer(BUCKETS_FOR_CALCULATION, 1, "This determines how much of the previous data is used in"
            + " calculating the weighted QPS, ie. if BucketsForCalculation is 1, only the most recent data will be"
            + " used in calculating the weighted QPS."),
        Flag.duration(CALCULATION_INTERVAL, "1m0s", "How often new sampling probabilities are calculated."
            + " Recommended to be greater than the polling interval of your clients."),
        Flag.duration(DELAY, "2m0s", "Determines how far back the most recent state is. Use this if you want to add"
            + " some buffer time for the aggregation to finish."),
        Flag.floating(DELTA_TOLERANCE, "0.3", "The acceptable amount of deviation between the observed"
            + " samples-per-second and the desired (target) samples-per-second, expressed as a ratio."),
        Flag.duration(FOLLOWER_LEASE_REFRESH_INTERVAL, "1m0s",
            "The duration to sleep if this processor is a follower."),
        Flag.floating(INITIAL_SAMPLING_PROBABILITY, "0.001",
            "The initial sampling probability for all new operations."),
        Flag.duration(LEADER_LEASE_REFRESH_INTERVAL, "5s", "The duration to sleep if this processor is elected"
            + " leader before attempting to renew the lease on the leader lock. This should be less than"
            + " follower-lease-refresh-interval to reduce lock thrashing."),
        Flag.floating(MIN_SAMPLES_PER_SECOND, "0.016666666666666666",
            "The minimum number of traces that are sampled per second."),
        Flag.floating(MIN_SAMPLING_PROBABILITY, "1e-05", "The minimum sampling probability for all operations."),
        Flag.floating(TARGET_SAMPLES_PER_SECOND, "1", "The global target rate of samples per operation."));
  }
}
