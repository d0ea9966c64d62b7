// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.storage.SamplingStore.Throughput;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jaeger's post-aggregator: keeps the last {@code aggregation-buckets} buckets of throughput summed over every
 * collector, turns the newest {@code buckets-for-calculation} of them into a QPS per operation weighted towards the
 * newest (weights ∝ i⁴), and moves each operation's probability towards {@code target / qps}: kept when within the
 * delta tolerance or when the operation does not seem to use adaptive sampling, doubled when nothing was counted,
 * increases capped at +100% per step, clamped to [min-sampling-probability, 1]. Not thread-safe: one scheduler
 * thread drives it.
 */
final class ProbabilityCalculator {
  /** How many past calculations remember whether an operation used adaptive sampling (Jaeger's cache size). */
  static final int SERVICE_CACHE_SIZE = 25;
  /** Jaeger's calculator allows a probability to at most double per calculation. */
  static final double PERCENTAGE_INCREASE_CAP = 1.0;

  /** One bucket: service → operation → summed throughput, and the time span it covers. */
  record Bucket(Map<String, Map<String, Summed>> throughput, Duration interval) {}

  /** Throughput of one operation in one bucket, summed over collectors, with the probabilities they saw. */
  static final class Summed {
    long count;
    final Set<String> probabilities = new HashSet<>();
  }

  /** A calculation's result: probabilities and weighted QPS, service → operation → value. */
  record Result(Map<String, Map<String, Double>> probabilities, Map<String, Map<String, Double>> qps,
      int operations) {}

  private record CacheEntry(double probability, boolean usingAdaptive) {}

  private final AdaptiveOptions options;
  private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();
  private final ArrayDeque<Map<String, CacheEntry>> serviceCache = new ArrayDeque<>();
  private Map<String, Map<String, Double>> probabilities = new LinkedHashMap<>();

  ProbabilityCalculator(AdaptiveOptions options) {
    this.options = options;
  }

  /** Sums the rows of every collector for one time range into a bucket. */
  static Bucket aggregate(List<Throughput> rows, Duration interval) {
    Map<String, Map<String, Summed>> out = new LinkedHashMap<>();
    for (Throughput t : rows) {
      Summed s = out.computeIfAbsent(t.service(), k -> new LinkedHashMap<>())
          .computeIfAbsent(t.operation(), k -> new Summed());
      s.count += t.count();
      for (Double p : t.probabilities()) {
        if (p != null && Double.isFinite(p)) {
          s.probabilities.add(ThroughputAggregator.truncate(p));
        }
      }
    }
    return new Bucket(out, interval);
  }

  /** Adds the newest bucket; the oldest beyond {@code aggregation-buckets} is dropped. */
  void prepend(Bucket bucket) {
    buckets.addFirst(bucket);
    while (buckets.size() > options.aggregationBuckets()) {
      buckets.removeLast();
    }
  }

  /** Adds an older bucket behind the ones held (start-up: history read from the store, newest first). */
  void append(Bucket bucket) {
    if (buckets.size() < options.aggregationBuckets()) {
      buckets.addLast(bucket);
    }
  }

  int bucketCount() {
    return buckets.size();
  }

  /** The probabilities the next calculation starts from (the ones this host or the previous leader computed). */
  void setProbabilities(Map<String, Map<String, Double>> current) {
    probabilities = new LinkedHashMap<>();
    current.forEach((svc, ops) -> probabilities.put(svc, new LinkedHashMap<>(ops)));
  }

  /** Computes new probabilities from the buckets held, and makes them the current ones. */
  Result calculate() {
    serviceCache.addFirst(new HashMap<>());
    while (serviceCache.size() > SERVICE_CACHE_SIZE) {
      serviceCache.removeLast();
    }
    Map<String, Map<String, List<Double>>> qpsBuckets = new LinkedHashMap<>();
    for (Bucket b : buckets) {
      double seconds = b.interval().toNanos() / 1e9;
      for (Map.Entry<String, Map<String, Summed>> svc : b.throughput().entrySet()) {
        Map<String, List<Double>> ops = qpsBuckets.computeIfAbsent(svc.getKey(), k -> new LinkedHashMap<>());
        for (Map.Entry<String, Summed> op : svc.getValue().entrySet()) {
          List<Double> values = ops.computeIfAbsent(op.getKey(), k -> new ArrayList<>());
          if (values.size() < options.bucketsForCalculation()) {
            values.add(seconds > 0 ? op.getValue().count / seconds : 0);
          }
        }
      }
    }
    Map<String, Map<String, Summed>> latest = buckets.isEmpty() ? Map.of() : buckets.peekFirst().throughput();
    Map<String, Map<String, Double>> newProbabilities = new LinkedHashMap<>();
    Map<String, Map<String, Double>> newQps = new LinkedHashMap<>();
    int operations = 0;
    for (Map.Entry<String, Map<String, List<Double>>> svc : qpsBuckets.entrySet()) {
      Map<String, Double> p = newProbabilities.computeIfAbsent(svc.getKey(), k -> new LinkedHashMap<>());
      Map<String, Double> q = newQps.computeIfAbsent(svc.getKey(), k -> new LinkedHashMap<>());
      for (Map.Entry<String, List<Double>> op : svc.getValue().entrySet()) {
        operations++;
        double qps = weighted(op.getValue());
        q.put(op.getKey(), qps);
        p.put(op.getKey(), probability(svc.getKey(), op.getKey(), qps, latest));
      }
    }
    probabilities = newProbabilities;
    return new Result(newProbabilities, newQps, operations);
  }

  private double probability(String service, String operation, double qps,
      Map<String, Map<String, Summed>> latest) {
    double old = options.initialSamplingProbability();
    Map<String, Double> ops = probabilities.get(service);
    if (ops != null && ops.containsKey(operation)) {
      old = ops.get(operation);
    }
    boolean adaptive = usingAdaptiveSampling(old, service, operation, latest);
    serviceCache.peekFirst().put(key(service, operation), new CacheEntry(old, adaptive));
    if (withinTolerance(qps) || !adaptive) {
      return old;
    }
    double next;
    if (equal(qps, 0)) {
      next = old * 2; // nothing sampled probabilistically: double so that something is
    } else {
      double factor = options.targetSamplesPerSecond() / qps;
      next = old * factor;
      if (factor > 1 && (next - old) / old > PERCENTAGE_INCREASE_CAP) {
        next = old + old * PERCENTAGE_INCREASE_CAP;
      }
    }
    return Math.min(1.0, Math.max(options.minSamplingProbability(), next));
  }

  private boolean usingAdaptiveSampling(double probability, String service, String operation,
      Map<String, Map<String, Summed>> latest) {
    if (equal(probability, options.initialSamplingProbability())) {
      return true; // first seen: assume so; the next round tells
    }
    Map<String, Summed> ops = latest.get(service);
    Summed s = ops == null ? null : ops.get(operation);
    if (s != null) {
      return s.probabilities.contains(ThroughputAggregator.truncate(probability));
    }
    if (serviceCache.size() > 1) {
      Iterator<Map<String, CacheEntry>> it = serviceCache.iterator();
      it.next();
      CacheEntry e = it.next().get(key(service, operation));
      if (e != null) {
        return e.usingAdaptive() && !equal(e.probability(), options.initialSamplingProbability());
      }
    }
    return false;
  }

  private boolean withinTolerance(double qps) {
    double target = options.targetSamplesPerSecond();
    return Math.abs(qps - target) / target < options.deltaTolerance();
  }

  /** The QPS values (newest first) weighted by i⁴, newest heaviest, normalized. */
  static double weighted(List<Double> values) {
    int n = values.size();
    if (n == 0) {
      return 0;
    }
    double sum = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double w = Math.pow(n - i, 4);
      sum += w;
      total += values.get(i) * w;
    }
    return total / sum;
  }

  private static boolean equal(double a, double b) {
    return Math.abs(a - b) < 1e-10;
  }

  private static String key(String service, String operation) {
    return service + '\u0000' + operation;
  }
}
