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

/**
 * Field-by-field comparison of spans that ignores the orders a backend may legitimately change: the order of spans
 * in a trace, of tags (span, process, log field) and of logs with distinct timestamps. References, flags, times,
 * operation, service and warnings must match exactly.
 */
public final class SpanComparison {
  private static final Comparator<KeyValue> KV_ORDER = Comparator.comparing(KeyValue::key)
      .thenComparing(KeyValue::type)
      .thenComparing(KeyValue::asString);
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
    assertThat(normalize(actual)).containsExactlyElementsOf(normalize(expected));
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
    List<KeyValue> out = new ArrayList<>(kvs);
    out.sort(KV_ORDER);
    return out;
  }
}
