// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.storage.SamplingStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adaptive-sampling data for a single process: throughput buckets stamped with their insertion time, newest first
 * and capped at {@code sampling.aggregation-buckets}; only the latest probabilities; a leader lease by owner and
 * expiry time. A store lives in one process, so with one collector its lease is always granted (as Jaeger's memory
 * lock is); collectors sharing one store in one JVM elect one leader. Thread-safe (every method synchronizes on the
 * store).
 */
final class MemorySamplingStore implements SamplingStore {
  private record Bucket(long timeMicros, List<Throughput> items) {}

  private final Clock clock;
  private int maxBuckets;
  private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();
  private Map<String, Map<String, Double>> latestProbabilities = Map.of();
  private String leaseOwner;
  private long leaseUntilMillis;

  MemorySamplingStore(Clock clock, int maxBuckets) {
    this.clock = Objects.requireNonNull(clock, "clock");
    keepBuckets(maxBuckets);
  }

  /** Keeps the newest {@code maxBuckets} throughput buckets from now on (the adaptive sampler's aggregation). */
  synchronized void keepBuckets(int maxBuckets) {
    if (maxBuckets <= 0) {
      throw new IllegalArgumentException("sampling.aggregation-buckets: " + maxBuckets + " (expected: > 0)");
    }
    this.maxBuckets = maxBuckets;
    trim();
  }

  @Override
  public synchronized void insertThroughput(List<Throughput> throughput) {
    List<Throughput> copy = new ArrayList<>(throughput.size());
    for (Throughput t : throughput) {
      copy.add(new Throughput(t.service(), t.operation(), t.count(), List.copyOf(t.probabilities())));
    }
    buckets.addFirst(new Bucket(nowMicros(), List.copyOf(copy)));
    trim();
  }

  private void trim() {
    while (buckets.size() > maxBuckets) {
      buckets.removeLast();
    }
  }

  @Override
  public synchronized List<Throughput> getThroughput(long startMicros, long endMicros) {
    List<Throughput> out = new ArrayList<>();
    for (Iterator<Bucket> it = buckets.descendingIterator(); it.hasNext(); ) {
      Bucket b = it.next();
      if (b.timeMicros() >= startMicros && b.timeMicros() < endMicros) {
        out.addAll(b.items());
      }
    }
    return out;
  }

  @Override
  public synchronized void insertProbabilitiesAndQps(
      String hostname, Map<String, Map<String, Double>> probabilities, Map<String, Map<String, Double>> qps) {
    Objects.requireNonNull(hostname, "hostname");
    Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Double>> e : probabilities.entrySet()) {
      copy.put(e.getKey(), Map.copyOf(e.getValue()));
    }
    latestProbabilities = Map.copyOf(copy);
  }

  @Override
  public synchronized Map<String, Map<String, Double>> getLatestProbabilities() {
    return latestProbabilities;
  }

  @Override
  public synchronized boolean acquireLeaderLock(String owner, long ttlMillis) {
    Objects.requireNonNull(owner, "owner");
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("ttlMillis: " + ttlMillis + " (expected: > 0)");
    }
    long now = clock.millis();
    if (leaseOwner != null && !leaseOwner.equals(owner) && now < leaseUntilMillis) {
      return false;
    }
    leaseOwner = owner;
    leaseUntilMillis = now + ttlMillis;
    return true;
  }

  @Override
  public synchronized boolean forfeitLeaderLock(String owner) {
    Objects.requireNonNull(owner, "owner");
    if (!owner.equals(leaseOwner)) {
      return false;
    }
    leaseOwner = null;
    leaseUntilMillis = 0;
    return true;
  }

  /** Number of throughput buckets held; for tests. */
  synchronized int bucketCount() {
    return buckets.size();
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
  }
}
