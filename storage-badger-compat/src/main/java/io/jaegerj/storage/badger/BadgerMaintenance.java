// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.model.Span;
import io.jaegerj.storage.badger.dbmodel.Keys;
import io.jaegerj.storage.badger.dbmodel.Values;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work on one thread: every {@code badger.maintenance-interval} the expiry purge (delete every span whose
 * TTL passed, with its index and expiry entries) and the disk gauges; every {@code badger.metrics-update-interval}
 * the RocksDB property gauges.
 *
 * <p>Deleting only writes tombstones; when a purge removed at least a tenth of the stored spans, the column families
 * are compacted so the space returns to the file system (this plays the part of Badger's value-log GC and sets its
 * {@code valueloggc_last_run} gauge). Gauge names follow Jaeger's Badger metrics under {@code jaeger_storage_} with
 * tags {@code kind=badger, role=primary}. The purge walks the default tenant and every other tenant's column families;
 * the gauges sum over all of them.
 */
final class BadgerMaintenance implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BadgerMaintenance.class);
  private static final int BATCH_LIMIT = 10_000;

  private final BadgerDb store;
  private final Clock clock;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final ScheduledExecutorService executor;

  private final AtomicLong keyBytesAvailable = new AtomicLong();
  private final AtomicLong valueBytesAvailable = new AtomicLong();
  private final AtomicLong maintenanceLastRun = new AtomicLong();
  private final AtomicLong valueLogGcLastRun = new AtomicLong();
  private final AtomicLong indexSstBytes = new AtomicLong();
  private final AtomicLong spanSstBytes = new AtomicLong();
  private final AtomicLong memtableBytes = new AtomicLong();
  private final AtomicLong estimatedKeys = new AtomicLong();
  private final AtomicLong estimatedSpans = new AtomicLong();
  private final Counter expiredSpans;

  BadgerMaintenance(BadgerDb store, Clock clock, MeterRegistry registry, Duration maintenanceInterval,
      Duration metricsInterval) {
    this.store = store;
    this.clock = clock;
    this.registry = registry;
    Tags tags = Tags.of("kind", "badger", "role", "primary");
    gauge("jaeger_storage_badger_key_log_bytes_available", keyBytesAvailable, tags,
        "Bytes available on the file system of the key directory");
    gauge("jaeger_storage_badger_value_log_bytes_available", valueBytesAvailable, tags,
        "Bytes available on the file system of the value directory");
    gauge("jaeger_storage_badger_storage_maintenance_last_run", maintenanceLastRun, tags,
        "Unix nanoseconds of the last maintenance run");
    gauge("jaeger_storage_badger_storage_valueloggc_last_run", valueLogGcLastRun, tags,
        "Unix nanoseconds of the last space reclamation (compaction after a purge)");
    gauge("jaeger_storage_badger_lsm_size_bytes", indexSstBytes, tags,
        "Table file bytes of the index and expiry column families (key directory)");
    gauge("jaeger_storage_badger_vlog_size_bytes", spanSstBytes, tags,
        "Table file bytes of the span column family (value directory)");
    gauge("jaeger_storage_badger_memtable_bytes", memtableBytes, tags, "Bytes held in memtables");
    gauge("jaeger_storage_badger_keys", estimatedKeys, tags, "Estimated number of keys, all column families");
    gauge("jaeger_storage_badger_spans", estimatedSpans, tags, "Estimated number of stored spans");
    expiredSpans = Counter.builder("jaeger_storage_badger_expired_spans_deleted")
        .description("Spans deleted by the expiry purge").tags(tags).register(registry);
    meters.add(expiredSpans);

    updateDiskGauges();
    updateMetrics();
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "badger-maintenance");
      t.setDaemon(true);
      return t;
    });
    long m = maintenanceInterval.toMillis();
    long u = metricsInterval.toMillis();
    executor.scheduleWithFixedDelay(this::maintenanceTask, m, m, TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(this::metricsTask, u, u, TimeUnit.MILLISECONDS);
  }

  private void gauge(String name, AtomicLong value, Tags tags, String description) {
    meters.add(Gauge.builder(name, value, AtomicLong::doubleValue).description(description).tags(tags)
        .strongReference(true).register(registry));
  }

  private void maintenanceTask() {
    try {
      runMaintenance();
    } catch (RuntimeException | RocksDBException e) {
      if (!store.isClosed()) {
        LOG.warn("badger maintenance failed", e);
      }
    }
  }

  private void metricsTask() {
    try {
      updateMetrics();
    } catch (RuntimeException e) {
      if (!store.isClosed()) {
        LOG.warn("badger metrics update failed", e);
      }
    }
  }

  /** One maintenance pass: purge (unless read-only), reclaim space when worthwhile, refresh gauges. */
  synchronized long runMaintenance() throws RocksDBException {
    long purged = 0;
    if (!store.readOnly) {
      long spansBefore = estimatedSpanCount();
      purged = purgeExpired(clock.instant().getEpochSecond());
      if (purged > 0 && purged * 10 >= spansBefore) {
        compact();
        valueLogGcLastRun.set(epochNanos());
      }
    }
    updateDiskGauges();
    updateMetrics();
    maintenanceLastRun.set(epochNanos());
    return purged;
  }

  /** Deletes every span whose expiry is at or before {@code nowSeconds}, with its entries; returns the count. */
  long purgeExpired(long nowSeconds) throws RocksDBException {
    long deleted = 0;
    for (BadgerNamespace ns : store.namespaces()) {
      deleted += purgeExpired(ns, nowSeconds);
      purgeExpiredNames(ns, nowSeconds);
    }
    if (deleted > 0) {
      expiredSpans.increment(deleted);
      LOG.debug("badger maintenance: deleted {} expired spans", deleted);
    }
    return deleted;
  }

  private long purgeExpired(BadgerNamespace ns, long nowSeconds) throws RocksDBException {
    long deleted = 0;
    store.enter();
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = store.db.newIterator(ns.expiry, ro);
        WriteBatch batch = new WriteBatch()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] expiryKey = it.key();
        if (!Values.expired(Keys.expiryKeySeconds(expiryKey), nowSeconds)) {
          break;
        }
        byte[] spanKey = Keys.expiryKeySpanKey(expiryKey);
        byte[] value = store.db.get(ns.spans, spanKey);
        if (value != null && Values.expired(Values.spanExpiry(value), nowSeconds)) {
          deleteIndexEntries(ns, spanKey, value, nowSeconds, batch);
          batch.delete(ns.spans, spanKey);
          deleted++;
        }
        batch.delete(ns.expiry, expiryKey);
        if (batch.count() >= BATCH_LIMIT) {
          store.db.write(store.writeOptions, batch);
          batch.clear();
        }
      }
      if (batch.count() > 0) {
        store.db.write(store.writeOptions, batch);
      }
    } finally {
      store.exit();
    }
    return deleted;
  }

  /** Deletes the expired service and operation name entries ({@code 0x85}/{@code 0x86}; one per name). */
  private void purgeExpiredNames(BadgerNamespace ns, long nowSeconds) throws RocksDBException {
    store.enter();
    try (ReadOptions ro = new ReadOptions();
        RocksIterator it = store.db.newIterator(ns.index, ro);
        WriteBatch batch = new WriteBatch()) {
      for (it.seek(new byte[] {Keys.SERVICE_NAME}); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key[0] != Keys.SERVICE_NAME && key[0] != Keys.OPERATION_NAME) {
          break;
        }
        if (Values.expired(Values.indexExpiry(it.value()), nowSeconds)) {
          batch.delete(ns.index, key);
        }
      }
      if (batch.count() > 0) {
        store.db.write(store.writeOptions, batch);
      }
    } finally {
      store.exit();
    }
  }

  /**
   * Index entries are shared by spans of one trace with the same start time and values, so an entry is deleted only
   * when its own expiry (that of its latest write) has passed.
   */
  private void deleteIndexEntries(BadgerNamespace ns, byte[] spanKey, byte[] value, long nowSeconds,
      WriteBatch batch)
      throws RocksDBException {
    Span span;
    try {
      span = BadgerSpanReader.decode(spanKey, value);
    } catch (IllegalStateException e) {
      LOG.warn("badger maintenance: cannot decode expired span, its index entries stay until they are rewritten", e);
      return;
    }
    List<byte[]> keys = Keys.indexKeys(span);
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      byte[] indexValue = store.db.get(ns.index, key);
      if (indexValue != null && Values.expired(Values.indexExpiry(indexValue), nowSeconds)) {
        batch.delete(ns.index, key);
      }
    }
  }

  /** Full compaction of every column family, dropping tombstones and the data they cover. */
  void compact() throws RocksDBException {
    store.enter();
    try {
      for (ColumnFamilyHandle h : store.columnFamilies()) {
        store.db.compactRange(h);
      }
    } finally {
      store.exit();
    }
  }

  private long estimatedSpanCount() throws RocksDBException {
    store.enter();
    try {
      long n = 0;
      for (BadgerNamespace ns : store.namespaces()) {
        n += store.db.getLongProperty(ns.spans, "rocksdb.estimate-num-keys");
      }
      return n;
    } finally {
      store.exit();
    }
  }

  private void updateDiskGauges() {
    keyBytesAvailable.set(usableSpace(store.keyDirectory));
    valueBytesAvailable.set(usableSpace(store.valueDirectory));
  }

  void updateMetrics() {
    try {
      store.enter();
    } catch (IllegalStateException closed) {
      return;
    }
    try {
      long indexBytes = 0;
      long spanBytes = 0;
      long spanCount = 0;
      for (BadgerNamespace ns : store.namespaces()) {
        indexBytes += property(ns.index, "rocksdb.total-sst-files-size")
            + property(ns.expiry, "rocksdb.total-sst-files-size");
        spanBytes += property(ns.spans, "rocksdb.total-sst-files-size");
        spanCount += property(ns.spans, "rocksdb.estimate-num-keys");
      }
      indexSstBytes.set(indexBytes);
      spanSstBytes.set(spanBytes);
      long mem = 0;
      long keys = 0;
      for (ColumnFamilyHandle h : store.columnFamilies()) {
        mem += property(h, "rocksdb.cur-size-all-mem-tables");
        keys += property(h, "rocksdb.estimate-num-keys");
      }
      memtableBytes.set(mem);
      estimatedKeys.set(keys);
      estimatedSpans.set(spanCount);
    } finally {
      store.exit();
    }
  }

  private long property(ColumnFamilyHandle h, String name) {
    try {
      return store.db.getLongProperty(h, name);
    } catch (RocksDBException e) {
      return 0;
    }
  }

  private static long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private long epochNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Stops the thread (waiting for a running pass) and unregisters the meters. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("badger maintenance did not stop within 30s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Meter m : meters) {
      registry.remove(m);
    }
  }
}
