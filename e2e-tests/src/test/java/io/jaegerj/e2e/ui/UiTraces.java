// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.e2e.ui;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test traces for the UI: two small traces of one shape with differences (for compare) and a 10,000-span trace. */
final class UiTraces {
  static final Process FRONTEND = Process.of("frontend", KeyValue.string("hostname", "web-1"), KeyValue.string("ip", "10.0.0.7"));
  static final Process API = Process.of("api", KeyValue.string("hostname", "api-1"));
  static final Process DB = Process.of("mysql", KeyValue.string("hostname", "db-1"));
  static final Process CACHE = Process.of("redis", KeyValue.string("hostname", "cache-1"));

  final TraceId traceA;
  final TraceId traceB;
  final TraceId big;
  final long dbSpanOfA;
  final long rootOfA;
  final long customerOfA;
  final List<Span> spansA;
  final List<Span> spansB;
  final List<Span> bigSpans;

  UiTraces(long seed, long nowMicros) {
    Random random = new Random(seed);
    traceA = new TraceId(random.nextLong() | 1L << 60, random.nextLong());
    traceB = new TraceId(random.nextLong() | 1L << 60, random.nextLong());
    big = new TraceId(random.nextLong() | 1L << 60, random.nextLong());
    long base = random.nextLong() & 0x0000_ffff_ffff_0000L;
    spansA = new ArrayList<>();
    spansB = new ArrayList<>();
    dbSpanOfA = shape(spansA, traceA, base, nowMicros - 120_000_000L, true);
    rootOfA = dbSpanOfA - 2;
    customerOfA = dbSpanOfA - 1;
    shape(spansB, traceB, base + 0x1000, nowMicros - 60_000_000L, false);
    bigSpans = bigTrace(big, base + 0x2000, nowMicros - 30_000_000L, 10_000, 5);
  }

  /**
   * frontend → api → mysql (+ redis in A only, two route calls in B): returns the mysql span ID. A lasts 90 ms, B
   * 120 ms. The mysql span names its peer by db.system, the redis span by net.peer.name.
   */
  private static long shape(List<Span> out, TraceId t, long id, long start, boolean withCache) {
    long root = id + 1;
    out.add(span(t, root, 0, "HTTP GET /dispatch", start, withCache ? 90_000 : 120_000, FRONTEND,
        List.of(KeyValue.string("span.kind", "server"), KeyValue.string("http.url", "/dispatch?customer=123"),
            KeyValue.int64("http.status_code", 200)), List.of()));
    long customer = id + 2;
    out.add(span(t, customer, root, "HTTP GET /customer", start + 1_000, 40_000, API,
        List.of(KeyValue.string("span.kind", "server")), List.of()));
    long db = id + 3;
    out.add(span(t, db, customer, "SQL SELECT", start + 2_000, 30_000, DB,
        List.of(KeyValue.string("span.kind", "client"), KeyValue.string("db.statement", "SELECT * FROM customer WHERE id=123"),
            KeyValue.string("db.system", "mysql")),
        List.of(new Log(start + 3_000, List.of(KeyValue.string("event", "cache-miss"), KeyValue.string("key", "customer:123"))))));
    if (withCache) {
      out.add(span(t, id + 4, root, "GetDriver", start + 45_000, 10_000, CACHE,
          List.of(KeyValue.string("span.kind", "client"), KeyValue.bool("error", true), KeyValue.string("net.peer.name", "cache-1")),
          List.of(new Log(start + 50_000, List.of(KeyValue.string("event", "error"), KeyValue.string("message", "redis timeout"))))));
    } else {
      for (int i = 0; i < 2; i++) {
        out.add(span(t, id + 5 + i, root, "HTTP GET /route", start + 45_000 + i * 20_000, 15_000, API,
            List.of(KeyValue.string("span.kind", "server")), List.of()));
      }
    }
    return db;
  }

  /**
   * A wide and deep tree: 10 services, each span has up to 8 children, at most {@code maxDepth} levels below the
   * root (5 holds 37,449 spans, 6 holds 299,593).
   */
  static List<Span> bigTrace(TraceId t, long id, long start, int count, int maxDepth) {
    List<Span> out = new ArrayList<>(count);
    Process[] processes = new Process[10];
    for (int i = 0; i < processes.length; i++) {
      processes[i] = Process.of("svc-" + i, KeyValue.string("hostname", "host-" + i));
    }
    long[] starts = new long[count];
    long[] durations = new long[count];
    int[] depth = new int[count];
    starts[0] = start;
    durations[0] = 5_000_000L;
    out.add(span(t, id + 1, 0, "big-root", start, durations[0], processes[0], List.of(KeyValue.string("span.kind", "server")), List.of()));
    int parent = 0;
    int children = 0;
    for (int i = 1; i < count; i++) {
      if (children == 8 || depth[parent] >= maxDepth) {
        parent++;
        children = 0;
        while (depth[parent] >= maxDepth) {
          parent++;
        }
      }
      depth[i] = depth[parent] + 1;
      starts[i] = starts[parent] + (durations[parent] / 10) * children / 2 + 1;
      durations[i] = Math.max(1, durations[parent] / 3);
      out.add(span(t, id + 1 + i, id + 1 + parent, "op-" + (i % 25), starts[i], durations[i], processes[i % processes.length],
          List.of(KeyValue.int64("index", i)), List.of()));
      children++;
    }
    return out;
  }

  private static Span span(TraceId t, long id, long parent, String op, long start, long duration, Process p,
      List<KeyValue> tags, List<Log> logs) {
    return Span.builder()
        .traceId(t)
        .spanId(id)
        .operationName(op)
        .references(parent == 0 ? List.of() : List.of(SpanRef.childOf(t, parent)))
        .flags(Span.FLAG_SAMPLED)
        .startTimeMicros(start)
        .durationMicros(duration)
        .tags(tags)
        .logs(logs)
        .process(p)
        .warnings(List.of())
        .build();
  }
}
