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
 * Services and operations with the expiry of their newest write (Unix seconds), as Jaeger's Badger cache keeps them,
 * plus the span kind of each operation. Filled on open from the small {@code 0x85}/{@code 0x86} name entries (one per
 * service and per operation and kind, so opening does not read one entry per span as Jaeger's prefill does) and
 * updated by every write, so lookups never touch the database. Thread-safe.
 */
final class ServiceCache {
  private static final Comparator<Operation> BY_NAME_THEN_KIND =
      Comparator.comparing(Operation::name).thenComparing(Operation::spanKind);

  private final ConcurrentHashMap<String, Long> services = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<Operation, Long>> operations = new ConcurrentHashMap<>();

  /** Records a service write; true when its expiry moved forward (the name entry must be written). */
  boolean putService(String service, long expiresAt) {
    Long old = services.get(service);
    if (old != null && old >= expiresAt) {
      return false;
    }
    services.merge(service, expiresAt, Math::max);
    return true;
  }

  /** Records an operation write; true when its expiry moved forward (the name entry must be written). */
  boolean putOperation(String service, String operation, String spanKind, long expiresAt) {
    ConcurrentHashMap<Operation, Long> ops = operations.get(service);
    if (ops == null) {
      ops = operations.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
    }
    Operation op = new Operation(operation, spanKind);
    Long old = ops.get(op);
    if (old != null && old >= expiresAt) {
      return false;
    }
    ops.merge(op, expiresAt, Math::max);
    return true;
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

  /** Reads every live service and operation name entry. */
  void prefill(BadgerDb store, BadgerNamespace ns, long nowSeconds) {
    try (ReadOptions ro = new ReadOptions();
        RocksIterator it = store.db.newIterator(ns.index, ro)) {
      for (it.seek(new byte[] {Keys.SERVICE_NAME}); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key[0] != Keys.SERVICE_NAME && key[0] != Keys.OPERATION_NAME) {
          break;
        }
        long expiresAt = Values.indexExpiry(it.value());
        if (Values.expired(expiresAt, nowSeconds)) {
          continue;
        }
        List<String> parts = Keys.nameKeyStrings(key);
        if (key[0] == Keys.SERVICE_NAME) {
          putService(parts.get(0), expiresAt);
        } else {
          putOperation(parts.get(0), parts.get(1), parts.get(2), expiresAt);
        }
      }
    }
  }
}
