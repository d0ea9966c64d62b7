// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jaegerj.storage.SamplingStore.Throughput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbabilityCalculatorTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** Defaults (target 1/s, tolerance 0.3, initial 0.001, min 1e-5) unless overridden. */
  private static ProbabilityCalculator calculator(Map<String, String> overrides) {
    return new ProbabilityCalculator(TestOptions.adaptive(overrides));
  }

  private static ProbabilityCalculator.Bucket bucket(long count, double probability) {
    return ProbabilityCalculator.aggregate(List.of(new Throughput("svc", "op", count, List.of(probability))), MINUTE);
  }

  private static double next(ProbabilityCalculator c) {
    return c.calculate().probabilities().get("svc").get("op");
  }

  @Test
  void calculate_aboveTarget_jumpsToTargetOverQps() {
    ProbabilityCalculator c = calculator(Map.of());
    c.prepend(bucket(600, 0.001)); // 10/s at 0.001 → 0.001 × 1/10
    ProbabilityCalculator.Result r = c.calculate();
    assertThat(r.probabilities().get("svc").get("op")).isCloseTo(0.0001, within(1e-12));
    assertThat(r.qps().get("svc").get("op")).isCloseTo(10.0, within(1e-9));
    assertThat(r.operations()).isEqualTo(1);
  }

  @Test
  void calculate_belowTarget_increaseIsCappedAtDoubling() {
    ProbabilityCalculator c = calculator(Map.of());
    c.prepend(bucket(6, 0.001)); // 0.1/s: factor 10, capped at ×2
    assertThat(next(c)).isCloseTo(0.002, within(1e-12));
  }

  @Test
  void calculate_withinTolerance_keepsProbability() {
    ProbabilityCalculator c = calculator(Map.of());
    c.prepend(bucket(75, 0.001)); // 1.25/s, |1.25-1|/1 < 0.3
    assertThat(next(c)).isEqualTo(0.001);
  }

  @Test
  void calculate_nothingCounted_doubles_andClampsToOne() {
    ProbabilityCalculator c = calculator(Map.of());
    c.setProbabilities(Map.of("svc", Map.of("op", 0.75)));
    c.prepend(bucket(0, 0.75));
    assertThat(next(c)).isEqualTo(1.0);
  }

  @Test
  void calculate_neverBelowMinimumProbability() {
    ProbabilityCalculator c = calculator(Map.of("sampling.min-sampling-probability", "0.0005"));
    c.prepend(bucket(60_000, 0.001)); // 1000/s → 1e-6, floored
    assertThat(next(c)).isEqualTo(0.0005);
  }

  @Test
  void calculate_operationNotUsingTheServedProbability_isLeftAlone() {
    ProbabilityCalculator c = calculator(Map.of());
    c.setProbabilities(Map.of("svc", Map.of("op", 0.2)));
    c.prepend(bucket(6000, 1.0)); // the SDK samples with its own 1.0, not our 0.2
    assertThat(next(c)).isEqualTo(0.2);
  }

  @Test
  void calculate_repeatedly_convergesOnTarget() {
    ProbabilityCalculator c = calculator(Map.of());
    double p = 0.001;
    double trafficPerSecond = 500;
    for (int i = 0; i < 20; i++) {
      c.prepend(bucket(Math.round(trafficPerSecond * p * 60), p));
      p = next(c);
    }
    assertThat(trafficPerSecond * p).isCloseTo(1.0, within(0.3));
  }

  @Test
  void weighted_favoursNewestBucket() {
    assertThat(ProbabilityCalculator.weighted(List.of())).isZero();
    assertThat(ProbabilityCalculator.weighted(List.of(5.0))).isEqualTo(5.0);
    // weights 2⁴ and 1⁴, normalized: (16×17 + 1×0) / 17
    assertThat(ProbabilityCalculator.weighted(List.of(17.0, 0.0))).isCloseTo(16.0, within(1e-9));
  }

  @Test
  void calculate_usesOnlyBucketsForCalculation_andKeepsAggregationBuckets() {
    ProbabilityCalculator c = calculator(Map.of("sampling.buckets-for-calculation", "2",
        "sampling.aggregation-buckets", "3"));
    for (int i = 0; i < 5; i++) {
      c.prepend(bucket(600, 0.001));
    }
    assertThat(c.bucketCount()).isEqualTo(3);
    c.prepend(bucket(0, 0.001));
    // newest 0/s (weight 16/17), previous 10/s (1/17)
    assertThat(c.calculate().qps().get("svc").get("op")).isCloseTo(10.0 / 17, within(1e-9));
  }

  @Test
  void aggregate_sumsCollectorsRows() {
    ProbabilityCalculator.Bucket b = ProbabilityCalculator.aggregate(List.of(
        new Throughput("svc", "op", 3, List.of(0.1)), new Throughput("svc", "op", 4, List.of(0.2))), MINUTE);
    assertThat(b.throughput().get("svc").get("op").count).isEqualTo(7);
    assertThat(b.throughput().get("svc").get("op").probabilities).containsExactlyInAnyOrder("0.100000", "0.200000");
  }
}
