// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code jaeger_collector_http_request_duration{method,path,status}}, a timer that the binaries' registry exports in
 * seconds with Prometheus' default buckets, as Jaeger records it on 14268; after {@value #MAX_LABEL_SETS} label sets
 * new ones are recorded as {@code other}.
 */
public final class RequestDurations {
  static final int MAX_LABEL_SETS = 1000;

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  public RequestDurations(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String method, String path, int status, long nanos) {
    String key = method + ' ' + status + ' ' + path;
    Timer t = timers.get(key);
    if (t == null) {
      boolean full = timers.size() >= MAX_LABEL_SETS;
      String k = full ? "other" : key;
      t = timers.computeIfAbsent(k, x -> Timer.builder("jaeger_collector_http_request_duration")
          .tags("method", full ? "other" : method, "path", full ? "other" : path,
              "status", full ? "other" : Integer.toString(status))
          .register(registry));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }
}
