// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Jaeger's index and alias names: {@code <prefix>jaeger-span-2025-03-07} (or {@code ...-13} hourly) by span start time
 * in UTC, {@code ...-read}/{@code ...-write} aliases, and the single {@code jaeger-span-archive} family.
 */
final class IndexNames {
  static final String SPAN = "jaeger-span-";
  static final String SERVICE = "jaeger-service-";
  static final String DEPENDENCIES = "jaeger-dependencies-";

  private final EsConfig config;

  IndexNames(EsConfig config) {
    this.config = config;
  }

  String spanWriteIndex(long startMicros) {
    return writeIndex(SPAN, startMicros, config.hourlySpans());
  }

  String serviceWriteIndex(long startMicros) {
    return writeIndex(SERVICE, startMicros, config.hourlyServices());
  }

  private String writeIndex(String family, long micros, boolean hourly) {
    String p = config.indexPrefix() + family;
    if (config.archive()) {
      return p + (config.useAliases() ? "archive-write" : "archive");
    }
    if (config.useAliases()) {
      return p + "write";
    }
    return p + date(micros / 1000, hourly);
  }

  List<String> spanReadIndices(long startMicros, long endMicros) {
    return withRemotes(readIndices(SPAN, startMicros, endMicros, config.hourlySpans()));
  }

  List<String> serviceReadIndices(long startMicros, long endMicros) {
    return withRemotes(readIndices(SERVICE, startMicros, endMicros, config.hourlyServices()));
  }

  List<String> dependencyReadIndices(long startMicros, long endMicros) {
    if (config.useAliases()) {
      return List.of(config.indexPrefix() + DEPENDENCIES + "read");
    }
    return enumerate(config.indexPrefix() + DEPENDENCIES, startMicros, endMicros, false);
  }

  private List<String> readIndices(String family, long startMicros, long endMicros, boolean hourly) {
    String p = config.indexPrefix() + family;
    if (config.archive()) {
      return List.of(p + (config.useAliases() ? "archive-read" : "archive"));
    }
    if (config.useAliases()) {
      return List.of(p + "read");
    }
    return enumerate(p, startMicros, endMicros, hourly);
  }

  /** Newest first: from the index of {@code end} backwards by the rollover step, then the index of {@code start}. */
  private List<String> enumerate(String p, long startMicros, long endMicros, boolean hourly) {
    List<String> out = new ArrayList<>();
    long startMillis = startMicros / 1000;
    String first = p + date(startMillis, hourly);
    long step = hourly ? 3_600_000L : 86_400_000L;
    for (long t = endMicros / 1000; t > startMillis; t -= step) {
      String name = p + date(t, hourly);
      if (name.equals(first)) {
        break;
      }
      if (out.isEmpty() || !out.get(out.size() - 1).equals(name)) {
        out.add(name);
      }
    }
    out.add(first);
    return out;
  }

  private List<String> withRemotes(List<String> indices) {
    if (config.remoteReadClusters().isEmpty()) {
      return indices;
    }
    List<String> out = new ArrayList<>(indices);
    for (String index : indices) {
      for (String cluster : config.remoteReadClusters()) {
        out.add(cluster + ":" + index);
      }
    }
    return out;
  }

  String date(long millis, boolean hourly) {
    ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    String sep = config.dateSeparator();
    StringBuilder b = new StringBuilder(16);
    b.append(String.format("%04d", t.getYear())).append(sep).append(two(t.getMonthValue())).append(sep)
        .append(two(t.getDayOfMonth()));
    if (hourly) {
      b.append(sep).append(two(t.getHour()));
    }
    return b.toString();
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  /** Every index this family may own, for purging in tests. */
  String allPattern() {
    return config.indexPrefix() + "jaeger-*";
  }

  static long truncateToDay(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.DAYS).toEpochMilli();
  }
}
