// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Assigns dense int IDs to values (service and operation names, tag keys, processes) so that encoded spans can refer
 * to them in one or two bytes. Entries are never removed, so the table is capped: beyond {@code capacity} values
 * {@link #intern} answers -1 and the caller stores the value inline instead. Thread-safe.
 *
 * <p>Lookups are lock-free and run on every tag of every stored span, so the index is an open-addressing table of
 * its own rather than a {@code ConcurrentHashMap}: each slot's hash and ID sit in one {@code long}, next to the
 * slot's key reference, which saves the dependent load of a map node per lookup. Additions synchronize on the table:
 * a slot's {@code long} is written before its key is published with release semantics, and a resized index is
 * published whole through a volatile field; a reader that raced with an addition falls back to the locked path.
 */
final class InternTable<T> {
  private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(Object[].class);

  private final int capacity;
  private volatile Index index = new Index(128);
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
    int h = value.hashCode();
    int id = index.find(value, h);
    if (id >= 0) {
      return id;
    }
    synchronized (this) {
      Index ix = index;
      id = ix.find(value, h);
      if (id >= 0) {
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
      if ((next + 1) * 2 > ix.keys.length) {
        Index grown = new Index(ix.keys.length * 2);
        for (int i = 0; i < next; i++) {
          grown.add(a[i], a[i].hashCode(), i);
        }
        grown.add(value, h, next);
        index = grown;
      } else {
        ix.add(value, h, next);
      }
      return next;
    }
  }

  /** The ID of {@code value} if it was interned, else -1. */
  int find(T value) {
    int h = value.hashCode();
    int id = index.find(value, h);
    if (id >= 0) {
      return id;
    }
    synchronized (this) {
      return index.find(value, h);
    }
  }

  /** The value of an ID this table returned. */
  @SuppressWarnings("unchecked")
  T get(int id) {
    return (T) values[id];
  }

  synchronized int size() {
    return size;
  }

  /** Linear probing over a power-of-two number of slots, at most half full. */
  private static final class Index {
    final Object[] keys;
    final long[] entries; // hash << 32 | id
    final int mask;

    Index(int slots) {
      keys = new Object[slots];
      entries = new long[slots];
      mask = slots - 1;
    }

    private static int slot(int h) {
      h *= 0x9E3779B1;
      return h ^ (h >>> 16);
    }

    int find(Object value, int h) {
      Object[] ks = keys;
      int m = mask;
      for (int i = slot(h) & m; ; i = (i + 1) & m) {
        Object k = KEYS.getAcquire(ks, i);
        if (k == null) {
          return -1;
        }
        long e = entries[i];
        if ((int) (e >>> 32) == h && (k == value || k.equals(value))) {
          return (int) e;
        }
      }
    }

    /** Called with the table's lock held. */
    void add(Object value, int h, int id) {
      Object[] ks = keys;
      int m = mask;
      int i = slot(h) & m;
      while (ks[i] != null) {
        i = (i + 1) & m;
      }
      entries[i] = ((long) h << 32) | (id & 0xffffffffL);
      KEYS.setRelease(ks, i, value);
    }
  }
}
