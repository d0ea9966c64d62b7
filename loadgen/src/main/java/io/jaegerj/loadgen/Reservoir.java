// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.loadgen;

import java.util.ArrayList;
import java.util.List;

/** The most recent accepted trace IDs (a ring), for the query phase. Thread-safe. */
final class Reservoir {
  private final long[] high;
  private final long[] low;
  private long added;

  Reservoir(int capacity) {
    high = new long[Math.max(1, capacity)];
    low = new long[Math.max(1, capacity)];
  }

  synchronized void add(long[] traceHigh, long[] traceLow) {
    for (int i = 0; i < traceHigh.length; i++) {
      int slot = (int) (added++ % high.length);
      high[slot] = traceHigh[i];
      low[slot] = traceLow[i];
    }
  }

  /** Up to {@code n} of the most recent IDs, as 32-digit lower-case hex, newest last. */
  synchronized List<String> latest(int n) {
    int have = (int) Math.min(added, high.length);
    int take = Math.min(n, have);
    List<String> out = new ArrayList<>(take);
    for (long i = added - take; i < added; i++) {
      int slot = (int) (i % high.length);
      out.add(hex(high[slot]) + hex(low[slot]));
    }
    return out;
  }

  synchronized long added() {
    return added;
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }
}
