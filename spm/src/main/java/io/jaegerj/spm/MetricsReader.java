// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import java.io.IOException;

/**
 * Answers the metrics API from a metrics store. Implementations are thread-safe; a failure of the store is an
 * {@link IOException} whose message names the store and the problem (the API answers 500 with it).
 */
public interface MetricsReader extends AutoCloseable {
  /** The {@code quantile} latency in milliseconds per series, from the duration histogram. */
  MetricFamily latencies(MetricsQuery q) throws IOException;

  /** Calls per second per series. */
  MetricFamily callRates(MetricsQuery q) throws IOException;

  /** Error calls per second over calls per second per series (0 when there are calls but no errors). */
  MetricFamily errorRates(MetricsQuery q) throws IOException;

  /** The smallest step the store supports, in milliseconds. */
  long minStepMillis();

  @Override
  default void close() {}
}
