// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import java.util.List;
import java.util.Map;

/**
 * Storage for adaptive sampling: per-service/operation throughput buckets and computed probabilities, plus a lock
 * so that one collector at a time is the leader. Thread-safe.
 *
 * <p>Not partitioned by tenant, as in Jaeger: adaptive sampling computes one probability per (service, operation)
 * from the throughput of every tenant, and SDKs fetch strategies without a tenant header (Jaeger's sampling
 * endpoints apply no tenancy check). What is stored here are counts of root spans and the resulting probabilities,
 * never span contents, tags, trace IDs or anything a query API returns, so no tenant can read another tenant's traces,
 * services or operations through it; the strategy answer for a service name is the same whichever tenant asks.
 */
public interface SamplingStore {
  /** Throughput observed in one bucket: service → operation → count of root spans, and the probabilities seen. */
  record Throughput(String service, String operation, long count, List<Double> probabilities) {}

  void insertThroughput(List<Throughput> throughput);

  /** Buckets written with timestamps in {@code [startMicros, endMicros)}. */
  List<Throughput> getThroughput(long startMicros, long endMicros);

  /** Stores the latest computed probabilities and QPS per service and operation. */
  void insertProbabilitiesAndQps(
      String hostname, Map<String, Map<String, Double>> probabilities, Map<String, Map<String, Double>> qps);

  /** The most recent probabilities; empty when none were stored. */
  Map<String, Map<String, Double>> getLatestProbabilities();

  /**
   * Tries to become (or stay) leader for {@code ttlMillis}: true when the lease was free, expired or already held by
   * {@code owner} (it then runs {@code ttlMillis} from now), false when another owner holds an unexpired lease.
   * Stores that cannot be shared between processes grant every call.
   */
  boolean acquireLeaderLock(String owner, long ttlMillis);

  /**
   * Gives the lease up if {@code owner} holds it, so that another collector can take over at its next attempt
   * instead of waiting for the lease to run out; true when it was released. The default releases nothing.
   */
  default boolean forfeitLeaderLock(String owner) {
    return false;
  }
}
