// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.bench;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic traces shaped like a small microservice system: 20 services with 15 operations each,
 * 10 spans per trace (a root and children over several services), HTTP-style tags with low cardinality, one
 * high-cardinality tag per trace ({@code request.id}), process tags, a log on every fifth span, 128-bit trace IDs,
 * start times spread over one hour before {@code endMicros}.
 */
final class SyntheticTraces {
  static final int SERVICES = 20;
  static final int OPERATIONS = 15;
  static final int SPANS_PER_TRACE = 10;
  static final long WINDOW_MICROS = 3_600_000_000L;

  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};
  private static final long[] STATUS = {200, 200, 200, 201, 404, 500};

  private final long endMicros;
  private final long seed;

  SyntheticTraces(long endMicros, long seed) {
    this.endMicros = endMicros;
    this.seed = seed;
  }

  static String service(int i) {
    return "service-" + (i < 10 ? "0" : "") + i;
  }

  static String operation(int service, int op) {
    return "op-" + service + "-" + op;
  }

  TraceId traceId(long index) {
    SplittableRandom r = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    return new TraceId(r.nextLong(), r.nextLong());
  }

  /** The spans of trace number {@code index}. */
  List<Span> trace(long index) {
    SplittableRandom r = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
    TraceId tid = new TraceId(r.nextLong(), r.nextLong());
    long start = endMicros - WINDOW_MICROS + r.nextLong(WINDOW_MICROS - 10_000_000L);
    String requestId = Long.toHexString(r.nextLong());
    List<Span> spans = new ArrayList<>(SPANS_PER_TRACE);
    long rootId = r.nextLong();
    int rootService = r.nextInt(SERVICES);
    for (int j = 0; j < SPANS_PER_TRACE; j++) {
      int svc = j == 0 ? rootService : r.nextInt(SERVICES);
      long spanId = j == 0 ? rootId : r.nextLong();
      long duration = 50 + (long) Math.abs(r.nextDouble() * r.nextDouble() * 2_000_000);
      Span.Builder b = Span.builder()
          .traceId(tid)
          .spanId(spanId)
          .operationName(operation(svc, r.nextInt(OPERATIONS)))
          .flags(Span.FLAG_SAMPLED)
          .startTimeMicros(start + j * 1_000L)
          .durationMicros(duration)
          .addTag(KeyValue.string("span.kind", j == 0 ? "server" : (j % 2 == 0 ? "client" : "server")))
          .addTag(KeyValue.string("http.method", METHODS[r.nextInt(METHODS.length)]))
          .addTag(KeyValue.int64("http.status_code", STATUS[r.nextInt(STATUS.length)]))
          .addTag(KeyValue.string("request.id", requestId))
          .process(Process.of(service(svc), KeyValue.string("hostname", "host-" + svc + "-" + r.nextInt(3)),
              KeyValue.string("jaeger.version", "Java-1.8.1")));
      if (r.nextInt(50) == 0) {
        b.addTag(KeyValue.bool("error", true));
      }
      if (j > 0) {
        b.addReference(SpanRef.childOf(tid, rootId));
      }
      if (j % 5 == 4) {
        b.addLog(new Log(start + j * 1_000L + 10, List.of(KeyValue.string("event", "cache miss"),
            KeyValue.int64("attempt", r.nextInt(3)))));
      }
      spans.add(b.build());
    }
    return spans;
  }
}
