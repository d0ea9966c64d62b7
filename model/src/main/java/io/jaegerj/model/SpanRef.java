// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.util.Objects;

/** A reference from one span to another, possibly in another trace. */
public record SpanRef(RefType type, TraceId traceId, long spanId) {
  public SpanRef {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(traceId, "traceId");
  }

  public static SpanRef childOf(TraceId traceId, long spanId) {
    return new SpanRef(RefType.CHILD_OF, traceId, spanId);
  }

  public static SpanRef followsFrom(TraceId traceId, long spanId) {
    return new SpanRef(RefType.FOLLOWS_FROM, traceId, spanId);
  }

  @Override
  public String toString() {
    return type + "(" + traceId + "/" + SpanId.toString(spanId) + ")";
  }
}
