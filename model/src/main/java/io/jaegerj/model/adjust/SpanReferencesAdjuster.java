// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.SpanId;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import java.util.ArrayList;
import java.util.List;

/** Removes references with an all-zero trace ID and records each removal as a span warning. */
public final class SpanReferencesAdjuster implements Adjuster {
  static final String WARNING_PREFIX = "Invalid span reference removed ";

  @Override
  public Trace adjust(Trace trace) {
    List<Span> out = null;
    List<Span> spans = trace.spans();
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      boolean invalid = false;
      for (SpanRef r : s.references()) {
        if (r.traceId().isZero()) {
          invalid = true;
          break;
        }
      }
      if (!invalid) {
        continue;
      }
      Span.Builder b = s.toBuilder();
      List<SpanRef> kept = new ArrayList<>(s.references().size());
      for (SpanRef r : s.references()) {
        if (r.traceId().isZero()) {
          b.addWarning(WARNING_PREFIX + describe(r));
        } else {
          kept.add(r);
        }
      }
      if (out == null) {
        out = new ArrayList<>(spans);
      }
      out.set(i, b.references(kept).build());
    }
    return out == null ? trace : new Trace(out, trace.warnings());
  }

  /** Jaeger prints the Go struct of the reference; we keep its field names and order. */
  private static String describe(SpanRef r) {
    return "{TraceID:" + r.traceId() + " SpanID:" + SpanId.toString(r.spanId()) + " RefType:" + r.type() + "}";
  }
}
