// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Drops spans identical in every field to an earlier span (a span written twice, e.g. by a retrying client). Unlike
 * Jaeger, which rebuilds the list from a hash map, the first occurrences keep their order.
 */
public final class DedupeSpans implements Adjuster {
  @Override
  public Trace adjust(Trace trace) {
    Set<Span> unique = new LinkedHashSet<>(trace.spans());
    if (unique.size() == trace.spans().size()) {
      return trace;
    }
    return new Trace(unique.stream().toList(), trace.warnings());
  }
}
