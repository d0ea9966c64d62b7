// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Purgeable;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import java.io.IOException;
import java.util.Optional;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opened {@code badger} backend: one RocksDB database ({@link BadgerDb}), the services cache filled from it, the
 * maintenance thread, and the writer, readers and sampling store on top. An ephemeral store also removes its
 * directory at JVM exit if nobody closed it. {@link #close()} is idempotent and leaves no threads behind.
 */
final class BadgerStorageFactory implements StorageFactory, Purgeable {
  private static final Logger LOG = LoggerFactory.getLogger(BadgerStorageFactory.class);

  private final BadgerDb db;
  private final BadgerSpanWriter writer;
  private final BadgerSpanReader reader;
  private final BadgerDependencyReader dependencies;
  private final BadgerSamplingStore sampling;
  private final BadgerMaintenance maintenance;
  private final StorageContext context;
  private final Thread exitHook;
  private final boolean durable;

  private BadgerStorageFactory(BadgerOptions options, StorageContext context, BadgerDb db) {
    this.db = db;
    this.context = context;
    this.durable = !options.ephemeral();
    long now = context.clock().instant().getEpochSecond();
    for (BadgerNamespace ns : db.namespaces()) {
      ns.cache.prefill(db, ns, now);
    }
    this.writer = new BadgerSpanWriter(db, context.clock(), options.spanStoreTtl());
    this.reader = new BadgerSpanReader(db, context.clock());
    this.dependencies = new BadgerDependencyReader(db, context.clock());
    this.sampling = new BadgerSamplingStore(db, context.clock());
    this.maintenance = new BadgerMaintenance(db, context.clock(), context.meters(), options.maintenanceInterval(),
        options.metricsUpdateInterval());
    if (options.ephemeral()) {
      exitHook = new Thread(this::close, "badger-ephemeral-cleanup");
      Runtime.getRuntime().addShutdownHook(exitHook);
    } else {
      exitHook = null;
    }
  }

  /** Persistent directories: a completed write is on disk (ephemeral data dies with the process anyway). */
  @Override
  public boolean localDurable() {
    return durable;
  }

  static BadgerStorageFactory open(BadgerOptions options, StorageContext context) throws IOException, RocksDBException {
    BadgerDb db = BadgerDb.open(options);
    try {
      return new BadgerStorageFactory(options, context, db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  public SpanWriter spanWriter() {
    return writer;
  }

  @Override
  public SpanReader spanReader() {
    return reader;
  }

  @Override
  public DependencyReader dependencyReader() {
    return dependencies;
  }

  @Override
  public Optional<SamplingStore> samplingStore() {
    return Optional.of(sampling);
  }

  @Override
  public void check() {
    if (db.isClosed()) {
      throw new IllegalStateException("badger storage is closed");
    }
  }

  /** Deletes every span, index and sampling entry and forgets the cached services. */
  @Override
  public void purge() {
    db.enter();
    try {
      byte[] from = {0};
      byte[] to = {(byte) 0xff};
      for (var h : db.columnFamilies()) {
        db.db.deleteRange(h, db.writeOptions, from, to);
      }
      for (BadgerNamespace ns : db.namespaces()) {
        ns.cache.clear();
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("badger purge failed: " + e.getMessage(), e);
    } finally {
      db.exit();
    }
  }

  BadgerMaintenance maintenance() {
    return maintenance;
  }

  BadgerDb db() {
    return db;
  }

  @Override
  public void close() {
    if (db.isClosed()) {
      return;
    }
    maintenance.close();
    db.close();
    if (exitHook != null && Thread.currentThread() != exitHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException shuttingDown) {
        LOG.debug("JVM shutting down; the exit hook closes the store");
      }
    }
  }
}
