// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;

/** Test traces with fixed IDs and times, so that responses can be compared with checked-in golden files. */
final class Fixtures {
  static final long T0 = 1_700_000_000_000_000L;
  static final TraceId TRACE_A = new TraceId(0, 0x5af7183fb1d4cf5fL);
  static final TraceId TRACE_B = new TraceId(0x0af7651916cd43ddL, 0x8448eb211c80319cL);
  static final TraceId TRACE_BIG = new TraceId(0, 0xb16L);

  private Fixtures() {}

  static final Process FRONTEND = Process.of("frontend", KeyValue.string("ip", "10.0.0.1"),
      KeyValue.string("hostname", "web-1"));
  static final Process MYSQL = Process.of("mysql", KeyValue.string("ip", "10.0.0.2"));

  /**
   * frontend GET /api (server) with two children: mysql SELECT (client, reported 200µs before its parent by a
   * skewed clock) and frontend render (logs, every tag type).
   */
  static List<Span> traceA() {
    Span root = Span.builder().traceId(TRACE_A).spanId(1).operationName("GET /api").flags(1)
        .startTimeMicros(T0).durationMicros(10_000)
        .tags(List.of(KeyValue.string("span.kind", "server"), KeyValue.int64("http.status_code", 200)))
        .process(FRONTEND).build();
    Span db = Span.builder().traceId(TRACE_A).spanId(2).operationName("SELECT").flags(1)
        .addReference(SpanRef.childOf(TRACE_A, 1))
        .startTimeMicros(T0 - 200).durationMicros(3000)
        .tags(List.of(KeyValue.string("span.kind", "client"), KeyValue.bool("error", true)))
        .process(MYSQL).build();
    Span render = Span.builder().traceId(TRACE_A).spanId(3).operationName("render").flags(1)
        .addReference(SpanRef.childOf(TRACE_A, 1))
        .startTimeMicros(T0 + 4000).durationMicros(5000)
        .tags(List.of(KeyValue.float64("ratio", 0.25), KeyValue.int64("big", 9_007_199_254_740_993L),
            KeyValue.binary("blob", new byte[] {1, 2, 3}), KeyValue.string("span.kind", "internal"),
            KeyValue.string("note", "<b>&</b>")))
        .addLog(new Log(T0 + 4500, List.of(KeyValue.string("level", "info"), KeyValue.string("event", "cache miss"))))
        .process(FRONTEND).build();
    return List.of(root, db, render);
  }

  /** One internal span of service backend with a 128-bit trace ID. */
  static List<Span> traceB() {
    return List.of(Span.builder().traceId(TRACE_B).spanId(0x11).operationName("work")
        .startTimeMicros(T0 + 60_000_000L).durationMicros(1500)
        .tags(List.of(KeyValue.string("span.kind", "internal")))
        .process(Process.of("backend")).build());
  }

  /** 25 spans of service bulk, for gRPC chunking. */
  static List<Span> traceBig() {
    List<Span> out = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      Span.Builder b = Span.builder().traceId(TRACE_BIG).spanId(i).operationName("op" + i)
          .startTimeMicros(T0 + i).durationMicros(10).process(Process.of("bulk"));
      if (i > 1) {
        b.addReference(SpanRef.childOf(TRACE_BIG, 1));
      }
      out.add(b.build());
    }
    return out;
  }

  /** A search window (µs) around every fixture. */
  static String window() {
    return "start=" + (T0 - 3_600_000_000L) + "&end=" + (T0 + 3_600_000_000L);
  }
}
