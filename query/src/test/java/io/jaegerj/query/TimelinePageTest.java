// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TimelinePage} against the plain whole-trace ordering the page handler used before. */
class TimelinePageTest {
  private static final TraceId ID = new TraceId(7, 8);

  /**
   * The previous way, kept as the reference: index, sort every child list, walk the whole tree. Ties in start time
   * go by the unpadded hex ID, which agrees with the unsigned order when the IDs have equal hex lengths (as here).
   * One change: children of a repeated span ID hang under the first span with that ID (as in the UI's model); before,
   * they went under whichever of them the walk reached first.
   */
  static List<Span> wholeOrder(List<Span> spans, int[] depthOut) {
    Map<Long, Span> byId = new HashMap<>();
    for (Span s : spans) {
      byId.putIfAbsent(s.spanId(), s);
    }
    Comparator<Span> byStart = Comparator.comparingLong(Span::startTimeMicros)
        .thenComparing(s -> Long.toUnsignedString(s.spanId(), 16));
    Map<Span, List<Span>> children = new IdentityHashMap<>();
    List<Span> roots = new ArrayList<>();
    for (Span s : spans) {
      long p = s.parentSpanId();
      if (p != 0 && p != s.spanId() && byId.containsKey(p)) {
        children.computeIfAbsent(byId.get(p), k -> new ArrayList<>()).add(s);
      } else {
        roots.add(s);
      }
    }
    roots.sort(byStart);
    List<Span> out = new ArrayList<>(spans.size());
    Set<Span> done = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(new Object[] {roots.get(i), 0});
    }
    int maxDepth = 0;
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Span s = (Span) top[0];
      int depth = (Integer) top[1];
      if (!done.add(s)) {
        continue;
      }
      maxDepth = Math.max(maxDepth, depth);
      out.add(s);
      List<Span> kids = children.get(s);
      if (kids != null) {
        kids.sort(byStart);
        for (int i = kids.size() - 1; i >= 0; i--) {
          stack.push(new Object[] {kids.get(i), depth + 1});
        }
      }
    }
    for (Span s : spans) {
      if (done.add(s)) {
        out.add(s);
      }
    }
    depthOut[0] = spans.isEmpty() ? 0 : maxDepth + 1;
    return out;
  }

  private static void samePages(List<Span> spans, int offset, int limit) {
    int[] depth = new int[1];
    List<Span> whole = wholeOrder(spans, depth);
    TimelinePage page = TimelinePage.of(spans, offset, limit);
    int from = Math.min(offset, whole.size());
    List<Span> expected = whole.subList(from, Math.min(whole.size(), from + limit));
    assertThat(page.spans).as("page %d+%d of %d spans", offset, limit, spans.size())
        .usingElementComparator((a, b) -> a == b ? 0 : 1).containsExactlyElementsOf(expected);
    assertThat(page.total).isEqualTo(spans.size());
    assertThat(page.depth).isEqualTo(depth[0]);
    assertThat(page.ordered).isLessThanOrEqualTo((int) Math.min((long) offset + limit, spans.size()));
  }

  @Test
  void firstPageOfA50kSpanTrace_ordersOnlyTheSpansUpToItsEnd() {
    List<Span> spans = TracePageCostTest.wideTrace(ID, TracePageCostTest.SPANS);
    TimelinePage first = TimelinePage.of(spans, 0, 2000);
    assertThat(first.ordered).isEqualTo(2000);
    assertThat(first.spans).hasSize(2000);
    assertThat(first.total).isEqualTo(50_000);
    assertThat(first.depth).isEqualTo(7);
    assertThat(first.services).isEqualTo(10);
    assertThat(first.startTime).isEqualTo(spans.get(0).startTimeMicros());
    assertThat(first.endTime).isEqualTo(spans.get(0).startTimeMicros() + spans.get(0).durationMicros());
    samePages(spans, 0, 2000);
    samePages(spans, 48_000, 2000);
    samePages(spans, 49_990, 2000);
    assertThat(TimelinePage.of(spans, 48_000, 2000).ordered).isEqualTo(50_000);
  }

  @Test
  void randomTreesWithOrphansCyclesDuplicateIdsAndEqualStarts_pagesMatchTheWholeOrder() {
    Random random = new Random(18);
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(round < 150 ? 40 : 400);
      List<Span> spans = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        // IDs of equal hex length; a few repeat; parents are earlier spans, later ones (cycles), missing ones or none.
        long id = 0x1000 + (random.nextInt(10) == 0 && i > 0 ? random.nextInt(i) : i);
        int kind = random.nextInt(10);
        long parent = kind == 0 ? 0 : kind == 1 ? 0x1000 + n + 5 : kind == 2 ? 0x1000 + random.nextInt(n)
            : i == 0 ? 0 : 0x1000 + random.nextInt(i);
        spans.add(Span.builder().traceId(ID).spanId(id).operationName("op-" + i)
            .references(parent == 0 ? List.of() : List.of(SpanRef.childOf(ID, parent)))
            .startTimeMicros(1_000 + random.nextInt(8)).durationMicros(1 + random.nextInt(50))
            .process(Process.of("svc-" + random.nextInt(4))).build());
      }
      int limit = 1 + random.nextInt(n + 2);
      samePages(spans, 0, limit);
      samePages(spans, random.nextInt(n + 1), limit);
      samePages(spans, 0, n);
    }
    samePages(List.of(), 0, 10);
  }
}
