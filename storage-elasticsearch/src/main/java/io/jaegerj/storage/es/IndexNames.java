// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.es;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Jaeger's index and alias names: {@code <prefix>jaeger-span-2025-03-07} (or {@code ...-13} hourly) by span start time
 * in UTC, {@code ...-read}/{@code ...-write} aliases, and the single {@code jaeger-span-archive} family.
 *
 * <p>The default tenant uses exactly these names. Every other tenant's names start with its own prefix
 * ({@link #tenantPrefix}) in front of {@code es.index-prefix}: {@code tenant-acme-<prefix>jaeger-span-2025-03-07}.
 */
final class IndexNames {
  static final String SPAN = "jaeger-span-";
  static final String SERVICE = "jaeger-service-";
  static final String DEPENDENCIES = "jaeger-dependencies-";

  /** Tenant names up to this length (once escaped) are readable in index names; longer ones are hashed. */
  static final int MAX_ESCAPED_TENANT = 64;

  private final EsConfig config;
  /** {@code es.index-prefix} (with its dash), preceded by the tenant's prefix for a non-default tenant. */
  private final String prefix;

  IndexNames(EsConfig config) {
    this(config, config.indexPrefix());
  }

  private IndexNames(EsConfig config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  /** The names of one tenant: these names for the default tenant {@code ""}. */
  IndexNames forTenant(String tenant) {
    return tenant.isEmpty() ? this : new IndexNames(config, tenantPrefix(tenant) + config.indexPrefix());
  }

  /**
   * A valid, lowercase index name prefix for a non-default tenant, injective over tenant names: {@code tenant-} +
   * the UTF-8 bytes of the name with {@code a-z} and {@code 0-9} kept and every other byte written as {@code _} and
   * two lowercase hex digits, + {@code -} (so {@code Acme} → {@code tenant-_41cme-}); when that is longer than
   * {@value #MAX_ESCAPED_TENANT} characters, {@code tenanth-} + the SHA-256 of the name in hex + {@code -}. The
   * escaped form has no dash and the two forms start differently, so no tenant's prefix is a prefix of another's,
   * and none can equal the default tenant's names (which start with {@code es.index-prefix} then {@code jaeger-}).
   */
  static String tenantPrefix(String tenant) {
    byte[] utf8 = tenant.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(utf8.length + 8);
    for (byte x : utf8) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        b.append((char) c);
      } else {
        b.append('_').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
      }
    }
    if (b.length() <= MAX_ESCAPED_TENANT) {
      return "tenant-" + b + "-";
    }
    try {
      return "tenanth-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8)) + "-";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }

  String spanWriteIndex(long startMicros) {
    return writeIndex(SPAN, startMicros, config.hourlySpans());
  }

  String serviceWriteIndex(long startMicros) {
    return writeIndex(SERVICE, startMicros, config.hourlyServices());
  }

  /**
   * A number that is equal for two start times exactly when {@link #spanWriteIndex} names the same index for both,
   * so a writer can format each index name once per batch instead of once per span.
   */
  long spanWriteBucket(long startMicros) {
    return writeBucket(startMicros, config.hourlySpans());
  }

  /** As {@link #spanWriteBucket}, for {@link #serviceWriteIndex}. */
  long serviceWriteBucket(long startMicros) {
    return writeBucket(startMicros, config.hourlyServices());
  }

  private long writeBucket(long micros, boolean hourly) {
    if (config.archive() || config.useAliases()) {
      return 0;
    }
    // date() formats Instant.ofEpochMilli(micros / 1000) in UTC: the day (or hour) is the floor of those millis
    return Math.floorDiv(micros / 1000, hourly ? 3_600_000L : 86_400_000L);
  }

  private String writeIndex(String family, long micros, boolean hourly) {
    String p = prefix + family;
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
      return List.of(prefix + DEPENDENCIES + "read");
    }
    return enumerate(prefix + DEPENDENCIES, startMicros, endMicros, false);
  }

  private List<String> readIndices(String family, long startMicros, long endMicros, boolean hourly) {
    String p = prefix + family;
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

  /** Every index this store may own, the tenants' included, for purging in tests. */
  String allPattern() {
    return prefix + "jaeger-*,tenant-*-" + prefix + "jaeger-*,tenanth-*-" + prefix + "jaeger-*";
  }

  static long truncateToDay(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.DAYS).toEpochMilli();
  }
}
