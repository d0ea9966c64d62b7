// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Assigns dense int IDs to values (service and operation names, tag keys, processes) so that encoded spans can refer
 * to them in one or two bytes. Entries are never removed, so the table is capped: beyond {@code capacity} values
 * {@link #intern} answers -1 and the caller stores the value inline instead. Lookups are lock-free; additions
 * synchronize on the table. Thread-safe.
 */
final class InternTable<T> {
  private final int capacity;
  private final ConcurrentHashMap<T, Integer> ids = new ConcurrentHashMap<>();
  private volatile Object[] values = new Object[64];
  private int size; // guarded by this

  InternTable(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.capacity = capacity;
  }

  /** The ID of {@code value}, adding it when there is room; -1 when the table is full. */
  int intern(T value) {
    Integer id = ids.get(value);
    if (id != null) {
      return id;
    }
    synchronized (this) {
      id = ids.get(value);
      if (id != null) {
        return id;
      }
      if (size >= capacity) {
        return -1;
      }
      int next = size;
      Object[] a = values;
      if (next == a.length) {
        a = Arrays.copyOf(a, Math.min(capacity, a.length * 2));
      }
      a[next] = value;
      values = a; // publish the element before its ID becomes visible
      size = next + 1;
      ids.put(value, next);
      return next;
    }
  }

  /** The ID of {@code value} if it was interned, else -1. */
  int find(T value) {
    Integer id = ids.get(value);
    return id == null ? -1 : id;
  }

  /** The value of an ID this table returned. */
  @SuppressWarnings("unchecked")
  T get(int id) {
    return (T) values[id];
  }

  synchronized int size() {
    return size;
  }
}
