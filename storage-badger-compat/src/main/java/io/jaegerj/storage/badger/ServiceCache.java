// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.storage.Operation;
import io.jaegerj.storage.badger.dbmodel.Keys;
import io.jaegerj.storage.badger.dbmodel.Values;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Services and operations with the expiry of their newest write (Unix seconds), as Jaeger's Badger cache keeps them.
 * Filled from the index on open and updated by every write, so lookups never touch the database. Unlike Jaeger the
 * operation entries remember their span kind. Thread-safe.
 */
final class ServiceCache {
  private static final Comparator<Operation> BY_NAME_THEN_KIND =
      Comparator.comparing(Operation::name).thenComparing(Operation::spanKind);

  private final ConcurrentHashMap<String, Long> services = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<Operation, Long>> operations = new ConcurrentHashMap<>();

  void put(String service, String operation, String spanKind, long expiresAt) {
    services.merge(service, expiresAt, Math::max);
    ConcurrentHashMap<Operation, Long> ops = operations.get(service);
    if (ops == null) {
      ops = operations.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
    }
    ops.merge(new Operation(operation, spanKind), expiresAt, Math::max);
  }

  /** Non-expired services, sorted. */
  List<String> services(long nowSeconds) {
    List<String> out = new ArrayList<>(services.size());
    for (Map.Entry<String, Long> e : services.entrySet()) {
      if (!Values.expired(e.getValue(), nowSeconds)) {
        out.add(e.getKey());
      }
    }
    Collections.sort(out);
    return out;
  }

  /**
   * Non-expired operations of a non-expired service, sorted by name then kind; an empty {@code spanKind} means every
   * kind. An expired service is forgotten.
   */
  List<Operation> operations(String service, String spanKind, long nowSeconds) {
    Long serviceExpiry = services.get(service);
    if (serviceExpiry == null) {
      return List.of();
    }
    if (Values.expired(serviceExpiry, nowSeconds)) {
      services.remove(service, serviceExpiry);
      operations.remove(service);
      return List.of();
    }
    ConcurrentHashMap<Operation, Long> ops = operations.get(service);
    if (ops == null) {
      return List.of();
    }
    List<Operation> out = new ArrayList<>(ops.size());
    for (Map.Entry<Operation, Long> e : ops.entrySet()) {
      Operation op = e.getKey();
      if (!Values.expired(e.getValue(), nowSeconds) && (spanKind.isEmpty() || spanKind.equals(op.spanKind()))) {
        out.add(op);
      }
    }
    out.sort(BY_NAME_THEN_KIND);
    return out;
  }

  void clear() {
    services.clear();
    operations.clear();
  }

  /** Reads every service and operation index entry, keeping the latest expiry of each. */
  void prefill(BadgerDb store, long nowSeconds) {
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = store.db.newIterator(store.index, ro)) {
      byte[] start = {Keys.SERVICE};
      for (it.seek(start); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key[0] != Keys.SERVICE && key[0] != Keys.OPERATION) {
          break;
        }
        byte[] value = it.value();
        long expiresAt = Values.indexExpiry(value);
        if (Values.expired(expiresAt, nowSeconds)) {
          continue;
        }
        List<String> parts = Keys.indexStrings(key);
        if (key[0] == Keys.SERVICE) {
          services.merge(parts.get(0), expiresAt, Math::max);
        } else {
          put(parts.get(0), parts.get(1), Values.operationKind(value), expiresAt);
        }
      }
    }
  }
}
