// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Field-by-field comparison of spans that ignores the orders a backend may legitimately change: the order of spans
 * in a trace, of tags (span, process, log field) and of logs with distinct timestamps. References, flags, times,
 * operation, service and warnings must match exactly.
 */
public final class SpanComparison {
  private static final Comparator<Log> LOG_ORDER = Comparator.comparingLong(Log::timestampMicros)
      .thenComparing(l -> l.fields().toString());
  private static final Comparator<Span> SPAN_ORDER = Comparator.comparing(Span::traceId)
      .thenComparing(Span::spanId, Long::compareUnsigned)
      .thenComparingLong(Span::startTimeMicros)
      .thenComparing(Span::operationName)
      .thenComparing(s -> s.process().serviceName());

  private SpanComparison() {}

  /** Asserts both collections hold the same spans, compared field by field, in any order. */
  public static void assertSameSpans(Collection<Span> actual, Collection<Span> expected) {
    assertThat(actual).as("span count").hasSameSizeAs(expected);
    // List equality is linear; AssertJ's containsExactly would diff quadratically on 10,000-span traces.
    assertThat(normalize(actual)).isEqualTo(normalize(expected));
  }

  /** The spans in a canonical order, each with its unordered lists sorted. */
  public static List<Span> normalize(Collection<Span> spans) {
    List<Span> out = new ArrayList<>(spans.size());
    for (Span s : spans) {
      out.add(normalize(s));
    }
    out.sort(SPAN_ORDER);
    return out;
  }

  static Span normalize(Span s) {
    List<Log> logs = new ArrayList<>(s.logs().size());
    for (Log l : s.logs()) {
      logs.add(new Log(l.timestampMicros(), sorted(l.fields())));
    }
    logs.sort(LOG_ORDER);
    return s.toBuilder()
        .tags(sorted(s.tags()))
        .logs(logs)
        .process(new Process(s.process().serviceName(), sorted(s.process().tags())))
        .build();
  }

  private static List<KeyValue> sorted(List<KeyValue> kvs) {
    if (kvs.size() < 2) {
      return kvs;
    }
    // Render each value once rather than on every comparison.
    List<Map.Entry<String, KeyValue>> keyed = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      keyed.add(Map.entry(kv.key() + '\u0000' + kv.type().ordinal() + '\u0000' + kv.asString(), kv));
    }
    keyed.sort(Map.Entry.comparingByKey());
    List<KeyValue> out = new ArrayList<>(kvs.size());
    for (Map.Entry<String, KeyValue> e : keyed) {
      out.add(e.getValue());
    }
    return out;
  }
}
