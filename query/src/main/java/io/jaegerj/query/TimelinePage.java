// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One page of a trace's spans in the timeline's order (roots by start time, then each span's children by start time,
 * depth first; spans of a reference cycle, reached from no root, last) with the whole trace's summary. Only the spans
 * up to the end of the page are put in order: the tree is indexed once in int arrays (linear, no sorting), and the
 * depth-first walk sorts a span's children only when it reaches that span and stops at the page's end, so the first
 * page of a 50,000-span trace sorts a few hundred child lists instead of all of them. Ties in start time go by span
 * ID as unsigned numbers, the order of the UI's 16-digit hex IDs.
 */
final class TimelinePage {
  /** The page's spans, in timeline order. */
  final List<Span> spans;
  /** Spans in the trace. */
  final int total;
  /** Levels of the tree (0 for no spans). */
  final int depth;
  final long startTime;
  final long endTime;
  /** Distinct service names. */
  final int services;
  /** Spans the walk put in order to choose the page: at most offset + limit. */
  final int ordered;

  private TimelinePage(List<Span> spans, int total, int depth, long startTime, long endTime, int services, int ordered) {
    this.spans = spans;
    this.total = total;
    this.depth = depth;
    this.startTime = startTime;
    this.endTime = endTime;
    this.services = services;
    this.ordered = ordered;
  }

  static TimelinePage of(List<Span> all, int offset, int limit) {
    int n = all.size();
    Span[] spans = all.toArray(new Span[0]);
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    Set<String> services = new HashSet<>();
    for (Span s : spans) {
      start = Math.min(start, s.startTimeMicros());
      end = Math.max(end, s.startTimeMicros() + s.durationMicros());
      services.add(s.process() == null ? "" : s.process().serviceName());
    }
    // Parent of each span (index, -1 for a root); the first span with an ID is the one its children hang under.
    IdIndex ids = new IdIndex(n);
    for (int i = 0; i < n; i++) {
      ids.putIfAbsent(spans[i].spanId(), i);
    }
    int[] parent = new int[n];
    int[] childCount = new int[n + 1];
    int rootCount = 0;
    for (int i = 0; i < n; i++) {
      long p = spans[i].parentSpanId();
      parent[i] = p != 0 && p != spans[i].spanId() ? ids.get(p) : -1;
      if (parent[i] < 0) {
        rootCount++;
      } else {
        childCount[parent[i]]++;
      }
    }
    // Children of span i are kids[first[i] .. first[i + 1]), in input order until the walk sorts them.
    int[] first = new int[n + 1];
    for (int i = 0; i < n; i++) {
      first[i + 1] = first[i] + childCount[i];
    }
    int[] fill = Arrays.copyOf(first, n);
    int[] kids = new int[n - rootCount];
    int[] roots = new int[rootCount];
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (parent[i] < 0) {
        roots[r++] = i;
      } else {
        kids[fill[parent[i]]++] = i;
      }
    }
    int depth = depth(roots, first, kids, n);

    int want = (int) Math.min((long) offset + limit, n);
    List<Span> page = new ArrayList<>(Math.max(0, Math.min(limit, n - Math.min(offset, n))));
    boolean[] done = new boolean[n];
    int ordered = 0;
    sort(roots, 0, roots.length, spans);
    int[] stack = new int[n + 1];
    int top = 0;
    for (int i = roots.length - 1; i >= 0; i--) {
      stack[top++] = roots[i];
    }
    while (top > 0 && ordered < want) {
      int s = stack[--top];
      if (done[s]) {
        continue;
      }
      done[s] = true;
      if (ordered++ >= offset) {
        page.add(spans[s]);
      }
      if (ordered == want) {
        break;
      }
      sort(kids, first[s], first[s + 1], spans);
      for (int k = first[s + 1] - 1; k >= first[s]; k--) {
        stack[top++] = kids[k];
      }
    }
    // Spans in a reference cycle are reached from no root: they go last, in input order.
    for (int i = 0; i < n && ordered < want; i++) {
      if (!done[i]) {
        done[i] = true;
        if (ordered++ >= offset) {
          page.add(spans[i]);
        }
      }
    }
    return new TimelinePage(page, n, depth, n == 0 ? 0 : start, n == 0 ? 0 : end, services.size(), ordered);
  }

  /** Levels below and including the roots, by a breadth-first walk over the child lists (no sorting). */
  private static int depth(int[] roots, int[] first, int[] kids, int n) {
    if (roots.length == 0) {
      return 0;
    }
    int[] level = new int[n];
    int[] queue = Arrays.copyOf(roots, n);
    int tail = roots.length;
    int max = 0;
    for (int head = 0; head < tail; head++) {
      int s = queue[head];
      max = Math.max(max, level[s]);
      for (int k = first[s]; k < first[s + 1]; k++) {
        level[kids[k]] = level[s] + 1;
        queue[tail++] = kids[k];
      }
    }
    return max + 1;
  }

  /** Sorts a[from..to) by start time, then span ID as an unsigned number. */
  private static void sort(int[] a, int from, int to, Span[] spans) {
    if (to - from < 2) {
      return;
    }
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= from && before(spans[x], spans[a[j]])) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    Integer[] boxed = new Integer[to - from];
    for (int i = from; i < to; i++) {
      boxed[i - from] = a[i];
    }
    Arrays.sort(boxed, (x, y) -> before(spans[x], spans[y]) ? -1 : before(spans[y], spans[x]) ? 1 : 0);
    for (int i = from; i < to; i++) {
      a[i] = boxed[i - from];
    }
  }

  private static boolean before(Span a, Span b) {
    if (a.startTimeMicros() != b.startTimeMicros()) {
      return a.startTimeMicros() < b.startTimeMicros();
    }
    return Long.compareUnsigned(a.spanId(), b.spanId()) < 0;
  }

  /** Span ID to the index of the first span with it: open addressing over two arrays, no boxing. */
  private static final class IdIndex {
    private final long[] keys;
    private final int[] values;
    private final boolean[] used;
    private final int mask;

    IdIndex(int n) {
      int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
      keys = new long[cap];
      values = new int[cap];
      used = new boolean[cap];
      mask = cap - 1;
    }

    private int slot(long key) {
      int i = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
      while (used[i] && keys[i] != key) {
        i = (i + 1) & mask;
      }
      return i;
    }

    void putIfAbsent(long key, int value) {
      int i = slot(key);
      if (!used[i]) {
        used[i] = true;
        keys[i] = key;
        values[i] = value;
      }
    }

    int get(long key) {
      int i = slot(key);
      return used[i] ? values[i] : -1;
    }
  }
}
