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
  static final String OTLP_WARNING = "Invalid span link removed";

  private final boolean otlp;

  /** Jaeger's v1 variant: the warning names the removed reference. */
  public SpanReferencesAdjuster() {
    this(false);
  }

  private SpanReferencesAdjuster(boolean otlp) {
    this.otlp = otlp;
  }

  /** Jaeger's api_v3 variant ("remove empty span links"): the warning is {@code Invalid span link removed}. */
  public static SpanReferencesAdjuster forOtlp() {
    return new SpanReferencesAdjuster(true);
  }

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
          b.addWarning(otlp ? OTLP_WARNING : WARNING_PREFIX + describe(r));
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
