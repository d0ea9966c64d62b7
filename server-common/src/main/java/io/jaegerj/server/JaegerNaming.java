// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;

/**
 * Makes Micrometer meters named {@code jaeger_*} come out with Jaeger's Prometheus names and shapes: timers keep
 * their name (Jaeger's {@code jaeger_collector_save_latency}, not Micrometer's {@code ..._seconds}) and are
 * histograms in seconds with Prometheus' default buckets, as Jaeger's timers are. Other meters (JVM, process) keep
 * Micrometer's conventions.
 */
final class JaegerNaming implements NamingConvention {
  static final String PREFIX = "jaeger";
  /** Prometheus' default histogram buckets, in seconds. */
  static final double[] DEFAULT_BUCKETS_SECONDS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};

  private final PrometheusNamingConvention prometheus = new PrometheusNamingConvention();

  static boolean isJaeger(String name) {
    return name.startsWith(PREFIX + "_") || name.startsWith(PREFIX + ".");
  }

  @Override
  public String name(String name, Meter.Type type, String baseUnit) {
    if (isJaeger(name) && (type == Meter.Type.TIMER || type == Meter.Type.LONG_TASK_TIMER)) {
      return NamingConvention.snakeCase.name(name, type, baseUnit);
    }
    return prometheus.name(name, type, baseUnit);
  }

  @Override
  public String tagKey(String key) {
    return prometheus.tagKey(key);
  }

  /** Histogram buckets for {@code jaeger_*} timers unless their code chose some. */
  static MeterFilter defaultBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER || !isJaeger(id.getName())
            || (config.getServiceLevelObjectiveBoundaries() != null
                && config.getServiceLevelObjectiveBoundaries().length > 0)
            || Boolean.TRUE.equals(config.isPercentileHistogram())) {
          return config;
        }
        double[] nanos = new double[DEFAULT_BUCKETS_SECONDS.length];
        for (int i = 0; i < nanos.length; i++) {
          nanos[i] = Math.rint(DEFAULT_BUCKETS_SECONDS[i] * 1e9);
        }
        return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
      }
    };
  }
}
