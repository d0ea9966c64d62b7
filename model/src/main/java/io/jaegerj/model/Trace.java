// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.util.List;

/** The spans of one trace, in storage order unless an adjuster sorted them, plus trace-level warnings. */
public record Trace(List<Span> spans, List<String> warnings) {
  public Trace {
    spans = List.copyOf(spans);
    warnings = List.copyOf(warnings);
  }

  public static Trace of(List<Span> spans) {
    return new Trace(spans, List.of());
  }

  /** The trace ID of the first span, or null for an empty trace. */
  public TraceId traceId() {
    return spans.isEmpty() ? null : spans.get(0).traceId();
  }
}
