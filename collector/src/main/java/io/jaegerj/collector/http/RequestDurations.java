// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code jaeger_collector_http_request_duration{method,path,status}} in seconds with Prometheus' default buckets, as
 * Jaeger records it on 14268; after {@value #MAX_LABEL_SETS} label sets new ones are recorded as {@code other}.
 */
public final class RequestDurations {
  static final int MAX_LABEL_SETS = 1000;
  private static final double[] BUCKETS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, DistributionSummary> summaries = new ConcurrentHashMap<>();

  public RequestDurations(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String method, String path, int status, long nanos) {
    String key = method + ' ' + status + ' ' + path;
    DistributionSummary s = summaries.get(key);
    if (s == null) {
      boolean full = summaries.size() >= MAX_LABEL_SETS;
      String k = full ? "other" : key;
      s = summaries.computeIfAbsent(k, x -> DistributionSummary.builder("jaeger_collector_http_request_duration")
          .tags("method", full ? "other" : method, "path", full ? "other" : path,
              "status", full ? "other" : Integer.toString(status))
          .serviceLevelObjectives(BUCKETS).register(registry));
    }
    s.record(nanos / 1e9);
  }
}
