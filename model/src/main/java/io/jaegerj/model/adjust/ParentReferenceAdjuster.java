// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The UI takes {@code references[0]} as the parent: the first same-trace CHILD_OF reference (else the first other
 * same-trace reference) is swapped with the reference at index 0.
 */
public final class ParentReferenceAdjuster implements Adjuster {
  @Override
  public Trace adjust(Trace trace) {
    List<Span> out = null;
    List<Span> spans = trace.spans();
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      List<SpanRef> refs = s.references();
      int childOf = -1;
      int other = -1;
      for (int j = 0; j < refs.size(); j++) {
        SpanRef r = refs.get(j);
        if (!r.traceId().equals(s.traceId())) {
          continue;
        }
        if (r.type() == RefType.CHILD_OF) {
          childOf = j;
          break;
        }
        if (other == -1) {
          other = j;
        }
      }
      int swap = childOf != -1 ? childOf : other;
      if (swap <= 0) {
        continue;
      }
      List<SpanRef> moved = new ArrayList<>(refs);
      moved.set(swap, refs.get(0));
      moved.set(0, refs.get(swap));
      if (out == null) {
        out = new ArrayList<>(spans);
      }
      out.set(i, s.toBuilder().references(moved).build());
    }
    return out == null ? trace : new Trace(out, trace.warnings());
  }
}
