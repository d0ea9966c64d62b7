// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.badger.dbmodel.Keys;
import io.jaegerj.storage.badger.dbmodel.ProtoSpanCodec;
import io.jaegerj.storage.badger.dbmodel.Values;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Writes each batch of spans, with all their index and expiry entries, as one RocksDB write batch on the calling
 * thread (the collector's workers), so a batch is atomic. The returned stage is already complete when this method
 * returns. The service and operation list entries ({@code 0x85}/{@code 0x86}) are written only when the cache says
 * their expiry moves forward, i.e. at most once per name per second; the cache is updated before the write, so after
 * a failed write it may list a name that has no stored span (it expires with the TTL).
 *
 * <p>Acknowledgement point: the stage completes normally once RocksDB has appended the batch to its write-ahead log
 * (and, with {@code --badger.consistency=true}, synced it to disk). An acknowledged batch therefore survives a crash
 * of this process (kill -9); surviving a crash of the machine needs consistency=true. Rewriting a span replaces its
 * entry (same key), so writes are idempotent.
 *
 * <p>Each tenant writes to its own column families ({@link BadgerNamespace}), created on its first batch.
 */
final class BadgerSpanWriter implements SpanWriter {
  private static final byte[] EMPTY = new byte[0];

  private final BadgerDb store;
  private final Clock clock;
  private final long ttlSeconds;

  BadgerSpanWriter(BadgerDb store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttlSeconds = Math.max(1, ttl.getSeconds());
  }

  @Override
  public CompletionStage<Void> write(String tenant, List<Span> spans) {
    Tenants.require(tenant);
    Objects.requireNonNull(spans, "spans");
    if (store.readOnly) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("badger storage was opened with --badger.read-only=true"));
    }
    if (spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    long expiresAt = clock.instant().getEpochSecond() + ttlSeconds;
    byte[] indexValue = Values.indexValue(expiresAt);
    try {
      store.enter();
    } catch (IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
    try (WriteBatch batch = new WriteBatch()) {
      BadgerNamespace ns = store.namespaceForWrite(tenant);
      ServiceCache cache = ns.cache;
      for (int i = 0; i < spans.size(); i++) {
        Span span = spans.get(i);
        byte[] spanKey = Keys.spanKey(span);
        batch.put(ns.spans, spanKey, Values.spanValue(expiresAt, ProtoSpanCodec.encode(span)));
        List<byte[]> indexKeys = Keys.indexKeys(span);
        for (int k = 0; k < indexKeys.size(); k++) {
          batch.put(ns.index, indexKeys.get(k), indexValue);
        }
        String service = span.process().serviceName();
        if (cache.putService(service, expiresAt)) {
          batch.put(ns.index, Keys.serviceNameKey(service), indexValue);
        }
        String kind = knownKind(span.spanKind());
        if (cache.putOperation(service, span.operationName(), kind, expiresAt)) {
          batch.put(ns.index, Keys.operationNameKey(service, span.operationName(), kind), indexValue);
        }
        batch.put(ns.expiry, Keys.expiryKey(expiresAt, spanKey), EMPTY);
      }
      store.db.write(store.writeOptions, batch);
    } catch (RocksDBException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      store.exit();
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The span kinds Jaeger's model knows; any other {@code span.kind} value is reported as "" (unspecified). */
  static String knownKind(String kind) {
    switch (kind) {
      case "client":
      case "server":
      case "producer":
      case "consumer":
      case "internal":
        return kind;
      default:
        return "";
    }
  }
}
