// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The dependency aggregator's configuration: one flag of ours, {@code --dependencies.aggregator.enabled} (env
 * {@code DEPENDENCIES_AGGREGATOR_ENABLED}, default false); the rest are fixed values documented in the README.
 *
 * @param window how long a span's service is remembered and a child waits for its parent
 * @param flushInterval how often counted links are written as one record per instance and tenant
 * @param maxEntries remembered spans, at most (memory cap: about {@link DependencyAggregator#BYTES_PER_ENTRY} each)
 * @param maxLookups children waiting for a storage lookup of their parent, at most
 */
public record AggregatorOptions(boolean enabled, Duration window, Duration flushInterval, int maxEntries,
    int maxLookups) {
  public static final String ENABLED = "dependencies.aggregator.enabled";

  /** 64 MiB of remembered spans by default. */
  public static final int DEFAULT_MAX_ENTRIES = (64 << 20) / DependencyAggregator.BYTES_PER_ENTRY;
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMinutes(15);
  public static final int DEFAULT_MAX_LOOKUPS = 100_000;

  public AggregatorOptions {
    if (window.isNegative() || window.isZero() || flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("window " + window + ", flush interval " + flushInterval
          + " (expected: both > 0)");
    }
  }

  public static List<Flag> flags() {
    return List.of(Flag.bool(ENABLED, false,
        "(jaegerj) Count service dependencies from the spans as they are written and store them periodically in "
            + "the dependency storage (Elasticsearch/OpenSearch, Cassandra), so that no spark-dependencies job is "
            + "needed"));
  }

  public static AggregatorOptions from(Settings s) {
    boolean on = s.has(ENABLED) && s.getBool(ENABLED);
    return new AggregatorOptions(on, DEFAULT_WINDOW, DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_ENTRIES,
        DEFAULT_MAX_LOOKUPS);
  }

  public AggregatorOptions withFlushInterval(Duration d) {
    return new AggregatorOptions(enabled, window, d, maxEntries, maxLookups);
  }

  public AggregatorOptions withWindow(Duration d) {
    return new AggregatorOptions(enabled, d, flushInterval, maxEntries, maxLookups);
  }
}
