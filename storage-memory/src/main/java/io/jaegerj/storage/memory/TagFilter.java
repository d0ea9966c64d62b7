// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import io.jaegerj.model.KeyValue;
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
    return hash(key, value.hashCode());
  }

  /** The hash of {@code key=value} given {@code value}'s {@link String#hashCode()}. */
  static short hash(String key, int valueHash) {
    int h = key.hashCode() * 0x9E3779B1 + valueHash;
    h ^= h >>> 15;
    h *= 0x85EBCA6B;
    h ^= h >>> 16;
    short s = (short) h;
    return s == 0 ? 1 : s;
  }

  /** The pair hashes of a kv list, duplicates included. */
  static short[] hashes(List<KeyValue> kvs) {
    short[] out = new short[kvs.size()];
    for (int i = 0; i < out.length; i++) {
      KeyValue kv = kvs.get(i);
      out[i] = hash(kv.key(), valueHash(kv));
    }
    return out;
  }

  private static final int TRUE_HASH = "true".hashCode();
  private static final int FALSE_HASH = "false".hashCode();
  private static final int ZERO_HASH = "0".hashCode();
  private static final int NEGATIVE_ZERO_HASH = "-0".hashCode();
  private static final double[] POW10 = new double[14];
  private static final long[] POW10L = new long[14];

  static {
    double d = 1;
    long l = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = d;
      POW10L[i] = l;
      d *= 10;
      l *= 10;
    }
  }

  /**
   * {@code kv.asString().hashCode()}, computed without building the string for booleans, integers and the doubles
   * whose Go rendering is a plain decimal of at most ten significant digits (the usual ratios and counts).
   */
  static int valueHash(KeyValue kv) {
    return switch (kv.type()) {
      case STRING -> kv.stringValue().hashCode();
      case BOOL -> kv.boolValue() ? TRUE_HASH : FALSE_HASH;
      case INT64 -> longHash(kv.int64Value());
      case FLOAT64 -> doubleHash(kv);
      default -> kv.asString().hashCode();
    };
  }

  /** {@code Long.toString(v).hashCode()}. */
  static int longHash(long v) {
    if (v == Long.MIN_VALUE) {
      return Long.toString(v).hashCode();
    }
    boolean neg = v < 0;
    long u = neg ? -v : v;
    int h = 0;
    int m = 1; // 31^(digits written so far): String.hashCode is a polynomial, so it can be built from the right
    do {
      h += ('0' + (int) (u % 10)) * m;
      m *= 31;
      u /= 10;
    } while (u != 0);
    return neg ? h + '-' * m : h;
  }

  /**
   * {@code GoFloat.format(d).hashCode()}. Fast path: find the fewest decimals k (at most 13) for which d is the double
   * nearest to m / 10^k with m below 10^10; then the ten-digit rounding Go applies yields exactly m's digits, printed
   * plainly when the value lies in [1e-4, 1e10).
   */
  private static int doubleHash(KeyValue kv) {
    double d = kv.float64Value();
    if (d == 0) {
      return Double.doubleToRawLongBits(d) < 0 ? NEGATIVE_ZERO_HASH : ZERO_HASH;
    }
    double a = Math.abs(d);
    if (a >= 1e-4 && a < 1e10) {
      for (int k = 0; k < POW10.length; k++) {
        double x = a * POW10[k];
        if (x >= 1e10) {
          break;
        }
        long m = Math.round(x);
        if ((double) m / POW10[k] == a) {
          if (k >= 4 && m < POW10L[k - 4]) {
            break; // below 1e-4 after all: exponent form
          }
          while (k > 0 && m % 10 == 0) {
            m /= 10;
            k--;
          }
          return decimalHash(d < 0, m, k);
        }
      }
    }
    return kv.asString().hashCode();
  }

  /** The String hash of {@code [-]m/10^k} printed with k decimals (m not a multiple of 10 when k > 0). */
  private static int decimalHash(boolean neg, long m, int k) {
    int h = 0;
    int mult = 1;
    long u = m;
    for (int i = 0; i < k; i++) {
      h += ('0' + (int) (u % 10)) * mult;
      mult *= 31;
      u /= 10;
    }
    if (k > 0) {
      h += '.' * mult;
      mult *= 31;
    }
    do {
      h += ('0' + (int) (u % 10)) * mult;
      mult *= 31;
      u /= 10;
    } while (u != 0);
    return neg ? h + '-' * mult : h;
  }

  /** Adds {@code hashes[from..to)} to {@code filter} (created when null); returns the filter. */
  static TagFilter addAll(TagFilter filter, short[] hashes, int from, int to) {
    if (from == to) {
      return filter;
    }
    TagFilter f = filter != null ? filter : new TagFilter(to - from);
    int room = f.slots.length * 3 / 4 - f.size; // inserts allowed before the next load check
    for (int i = from; i < to; i++) {
      if (room <= 0) {
        if ((f.size + 1) * 4 > f.slots.length * 3) {
          f.grow();
        }
        room = f.slots.length * 3 / 4 - f.size;
      }
      if (f.insert(hashes[i])) {
        room--;
      }
    }
    return f;
  }

  /** Adds one hash; true when it was not present. */
  private boolean insert(short h) {
    short[] a = slots;
    int mask = a.length - 1;
    int i = h & mask;
    while (true) {
      short v = a[i];
      if (v == h) {
        return false;
      }
      if (v == 0) {
        a[i] = h;
        size++;
        return true;
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
