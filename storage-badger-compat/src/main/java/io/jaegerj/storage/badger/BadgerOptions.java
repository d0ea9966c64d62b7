// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Validated {@code badger.*} settings.
 *
 * @param ephemeral data lives in a fresh temporary directory removed on close; directories, consistency and
 *     read-only are then ignored, as in Jaeger
 * @param keyDirectory where RocksDB keeps its WAL, MANIFEST and the index column families
 * @param valueDirectory where the span column family's table files live
 * @param spanStoreTtl how long every written entry lives
 * @param consistency sync the WAL on every write
 * @param maintenanceInterval period of the expiry purge and disk gauges
 * @param metricsUpdateInterval period of the RocksDB property gauges
 * @param readOnly open without writing (several processes may share the directories)
 */
record BadgerOptions(
    boolean ephemeral,
    Path keyDirectory,
    Path valueDirectory,
    Duration spanStoreTtl,
    boolean consistency,
    Duration maintenanceInterval,
    Duration metricsUpdateInterval,
    boolean readOnly) {

  static final String EPHEMERAL = "badger.ephemeral";
  static final String DIRECTORY_KEY = "badger.directory-key";
  static final String DIRECTORY_VALUE = "badger.directory-value";
  static final String SPAN_STORE_TTL = "badger.span-store-ttl";
  static final String CONSISTENCY = "badger.consistency";
  static final String MAINTENANCE_INTERVAL = "badger.maintenance-interval";
  static final String METRICS_UPDATE_INTERVAL = "badger.metrics-update-interval";
  static final String READ_ONLY = "badger.read-only";

  BadgerOptions {
    Objects.requireNonNull(keyDirectory, "keyDirectory");
    Objects.requireNonNull(valueDirectory, "valueDirectory");
    requirePositive(SPAN_STORE_TTL, spanStoreTtl);
    requirePositive(MAINTENANCE_INTERVAL, maintenanceInterval);
    requirePositive(METRICS_UPDATE_INTERVAL, metricsUpdateInterval);
  }

  /** Jaeger's flags, names, defaults and help texts as {@code jaeger-all-in-one} 1.74 prints them. */
  static List<Flag> flags() {
    Path base = executableDirectory().resolve("data");
    return List.of(
        Flag.bool(CONSISTENCY, false,
            "If all writes should be synced immediately to physical disk. This will impact write performance."),
        Flag.string(DIRECTORY_KEY, base.resolve("keys").toString(),
            "Path to store the keys (indexes), this directory should reside in SSD disk. Set ephemeral to false if"
                + " you want to define this setting."),
        Flag.string(DIRECTORY_VALUE, base.resolve("values").toString(),
            "Path to store the values (spans). Set ephemeral to false if you want to define this setting."),
        Flag.bool(EPHEMERAL, true, "Mark this storage ephemeral, data is stored in tmpfs."),
        Flag.duration(MAINTENANCE_INTERVAL, "5m0s",
            "How often the maintenance thread for values is ran. Format is time.Duration"
                + " (https://golang.org/pkg/time/#Duration)"),
        Flag.duration(METRICS_UPDATE_INTERVAL, "10s",
            "How often the badger metrics are collected by Jaeger. Format is time.Duration"
                + " (https://golang.org/pkg/time/#Duration)"),
        Flag.bool(READ_ONLY, false,
            "Allows to open badger database in read only mode. Multiple instances can open same database in read-only"
                + " mode. Values still in the write-ahead-log must be replayed before opening."),
        Flag.duration(SPAN_STORE_TTL, "72h0m0s",
            "How long to store the data. Format is time.Duration (https://golang.org/pkg/time/#Duration)"));
  }

  static BadgerOptions from(Settings s) {
    String key = s.getString(DIRECTORY_KEY);
    String value = s.getString(DIRECTORY_VALUE);
    if (key.isEmpty()) {
      throw new IllegalArgumentException(DIRECTORY_KEY + ": \"\" (expected: a directory)");
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException(DIRECTORY_VALUE + ": \"\" (expected: a directory)");
    }
    return new BadgerOptions(
        s.getBool(EPHEMERAL),
        Paths.get(key),
        Paths.get(value),
        s.getDuration(SPAN_STORE_TTL),
        s.getBool(CONSISTENCY),
        s.getDuration(MAINTENANCE_INTERVAL),
        s.getDuration(METRICS_UPDATE_INTERVAL),
        s.getBool(READ_ONLY));
  }

  /**
   * Jaeger's default directories are relative to the executable; for us that is the directory of the jar (or class
   * folder) holding this class, falling back to the working directory.
   */
  static Path executableDirectory() {
    try {
      Path p = Paths.get(BadgerOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path parent = p.toAbsolutePath().getParent();
      if (parent != null) {
        return parent;
      }
    } catch (Exception e) {
      // No code source (custom class loaders, jlink images): use the working directory.
    }
    return Paths.get("").toAbsolutePath();
  }

  private static void requirePositive(String flag, Duration d) {
    Objects.requireNonNull(d, flag);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(flag + ": " + d + " (expected: > 0)");
    }
  }
}
