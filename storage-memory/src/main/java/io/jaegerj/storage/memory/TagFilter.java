// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Span;
import java.util.List;

/**
 * A per-trace set of 16-bit hashes of every {@code key=asString(value)} pair found in the trace's span tags, process
 * tags and log fields. A tag search skips a trace unless all its query pairs are in the set, so selective tags cost
 * a few probes per trace instead of decoding spans. A collision (about one in 65,535 per stored pair) only causes an
 * extra exact span check, never a wrong result. Open addressing in a {@code short[]} with 0 marking an empty slot:
 * about 3.5 bytes per distinct pair. Not thread-safe; the store guards it with its lock.
 */
final class TagFilter {
  private short[] slots;
  private int size;

  private TagFilter(int expected) {
    int capacity = 8;
    while (capacity * 3 < expected * 4) {
      capacity <<= 1;
    }
    slots = new short[capacity];
  }

  static short hash(String key, String value) {
    int h = key.hashCode() * 0x9E3779B1 + value.hashCode();
    h ^= h >>> 15;
    h *= 0x85EBCA6B;
    h ^= h >>> 16;
    short s = (short) h;
    return s == 0 ? 1 : s;
  }

  /** The pair hashes of one span, duplicates included. */
  static short[] hashes(Span s) {
    List<KeyValue> tags = s.tags();
    List<KeyValue> ptags = s.process().tags();
    int n = tags.size() + ptags.size();
    for (Log l : s.logs()) {
      n += l.fields().size();
    }
    short[] out = new short[n];
    int i = 0;
    for (int t = 0; t < tags.size(); t++) {
      out[i++] = hash(tags.get(t));
    }
    for (int t = 0; t < ptags.size(); t++) {
      out[i++] = hash(ptags.get(t));
    }
    for (Log l : s.logs()) {
      List<KeyValue> fields = l.fields();
      for (int t = 0; t < fields.size(); t++) {
        out[i++] = hash(fields.get(t));
      }
    }
    return out;
  }

  private static short hash(KeyValue kv) {
    return hash(kv.key(), kv.asString());
  }

  /** Adds the hashes to {@code filter} (created when null); returns the filter. */
  static TagFilter addAll(TagFilter filter, short[] hashes) {
    if (hashes.length == 0) {
      return filter;
    }
    TagFilter f = filter != null ? filter : new TagFilter(hashes.length);
    for (short h : hashes) {
      if ((f.size + 1) * 4 > f.slots.length * 3) {
        f.grow();
      }
      f.insert(h);
    }
    return f;
  }

  private void insert(short h) {
    int mask = slots.length - 1;
    int i = h & mask;
    while (true) {
      short v = slots[i];
      if (v == h) {
        return;
      }
      if (v == 0) {
        slots[i] = h;
        size++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    short[] old = slots;
    slots = new short[old.length * 2];
    size = 0;
    for (short v : old) {
      if (v != 0) {
        insert(v);
      }
    }
  }

  private boolean contains(short h) {
    int mask = slots.length - 1;
    int i = h & mask;
    while (true) {
      short v = slots[i];
      if (v == h) {
        return true;
      }
      if (v == 0) {
        return false;
      }
      i = (i + 1) & mask;
    }
  }

  /** True when every wanted hash may be in {@code filter}; trivially true when nothing is wanted. */
  static boolean containsAll(TagFilter filter, short[] wanted) {
    if (wanted.length == 0) {
      return true;
    }
    if (filter == null) {
      return false;
    }
    for (short h : wanted) {
      if (!filter.contains(h)) {
        return false;
      }
    }
    return true;
  }
}
