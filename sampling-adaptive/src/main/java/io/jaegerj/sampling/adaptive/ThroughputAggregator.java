// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.sampling.adaptive;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.storage.SamplingStore.Throughput;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts root spans per service and operation between two flushes, as Jaeger's aggregator does: only root spans that
 * carry a Jaeger SDK's {@code sampler.type} (probabilistic, lowerbound, ratelimiting or const) and a numeric
 * {@code sampler.param} are seen; every seen span records its probability (6-decimal text, at most 10 per
 * operation), and only {@code probabilistic} ones add to the count. Thread-safe; {@link #observe} is called by the
 * collector's workers for every span of the Jaeger path.
 */
final class ThroughputAggregator {
  /** Jaeger keeps at most this many distinct probabilities per operation and bucket. */
  static final int MAX_PROBABILITIES = 10;

  enum SamplerType {
    PROBABILISTIC,
    LOWERBOUND,
    RATELIMITING,
    CONST
  }

  private static final class Counter {
    long count;
    final Set<String> probabilities = new LinkedHashSet<>();
  }

  /** Beyond this many (service, operation) pairs in one bucket, new pairs are dropped and counted. */
  private final int maxPairs;
  private Map<String, Map<String, Counter>> current = new HashMap<>();
  private int pairs;
  private long droppedPairs;

  ThroughputAggregator(int maxPairs) {
    if (maxPairs <= 0) {
      throw new IllegalArgumentException("maxPairs: " + maxPairs + " (expected: > 0)");
    }
    this.maxPairs = maxPairs;
  }

  /** Records {@code span} if it is a root span with sampler tags; ignores any other span. */
  void observe(Span span) {
    if (span.parentSpanId() != 0) {
      return;
    }
    String service = span.process().serviceName();
    String operation = span.operationName();
    if (service == null || service.isEmpty() || operation.isEmpty()) {
      return;
    }
    SamplerType type = samplerType(span.tag("sampler.type"));
    if (type == null) {
      return;
    }
    KeyValue param = span.tag("sampler.param");
    if (param == null) {
      return;
    }
    double probability;
    switch (param.type()) {
      case FLOAT64:
        probability = param.float64Value();
        break;
      case INT64:
        probability = param.int64Value();
        break;
      default:
        try {
          probability = Double.parseDouble(param.asString().trim());
        } catch (NumberFormatException e) {
          return; // Jaeger logs a warning and skips the span
        }
    }
    if (!Double.isFinite(probability)) {
      return;
    }
    record(service, operation, type, probability);
  }

  synchronized void record(String service, String operation, SamplerType type, double probability) {
    Map<String, Counter> ops = current.get(service);
    Counter c = ops == null ? null : ops.get(operation);
    if (c == null) {
      if (pairs >= maxPairs) {
        droppedPairs++;
        return;
      }
      if (ops == null) {
        ops = new HashMap<>();
        current.put(service, ops);
      }
      c = new Counter();
      ops.put(operation, c);
      pairs++;
    }
    if (c.probabilities.size() < MAX_PROBABILITIES) {
      c.probabilities.add(truncate(probability));
    }
    if (type == SamplerType.PROBABILISTIC) {
      c.count++;
    }
  }

  /** A flushed bucket: the rows and how many services they cover. */
  record Bucket(List<Throughput> rows, int services) {}

  /** The counts since the last call, as store rows; the aggregator starts an empty bucket. */
  synchronized Bucket drain() {
    Map<String, Map<String, Counter>> done = current;
    current = new HashMap<>();
    pairs = 0;
    List<Throughput> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Counter>> svc : done.entrySet()) {
      for (Map.Entry<String, Counter> op : svc.getValue().entrySet()) {
        List<Double> probabilities = new ArrayList<>(op.getValue().probabilities.size());
        for (String p : op.getValue().probabilities) {
          probabilities.add(Double.parseDouble(p));
        }
        rows.add(new Throughput(svc.getKey(), op.getKey(), op.getValue().count, probabilities));
      }
    }
    return new Bucket(rows, done.size());
  }

  synchronized long droppedPairs() {
    return droppedPairs;
  }

  static SamplerType samplerType(KeyValue tag) {
    if (tag == null) {
      return null;
    }
    switch (tag.asString()) {
      case "probabilistic":
        return SamplerType.PROBABILISTIC;
      case "lowerbound":
        return SamplerType.LOWERBOUND;
      case "ratelimiting":
        return SamplerType.RATELIMITING;
      case "const":
        return SamplerType.CONST;
      default:
        return null;
    }
  }

  /** The probability with exactly 6 decimals, as Jaeger keys probabilities ({@code 0.001000}). */
  static String truncate(double p) {
    return new BigDecimal(p).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }
}
