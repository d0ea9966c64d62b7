// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Zipkin-style instrumentation gives the client and the server side of an RPC the same span ID. The server span gets
 * a fresh ID (the smallest unused one above the last allocated, starting at 1) and becomes a child of the shared ID;
 * spans that pointed at the shared ID are re-pointed to the server span.
 */
public final class ZipkinSpanIdUniquifier implements Adjuster {
  static final String TOO_MANY_SPANS = "cannot assign unique span ID, too many spans in the trace";

  @Override
  public Trace adjust(Trace trace) {
    List<Span> spans = trace.spans();
    Set<Long> used = new HashSet<>(spans.size() * 2);
    Set<Long> sharedWithClient = new HashSet<>();
    for (Span s : spans) {
      used.add(s.spanId());
      if (isKind(s, "client")) {
        sharedWithClient.add(s.spanId());
      }
    }
    if (sharedWithClient.isEmpty()) {
      return trace;
    }
    List<Span> out = new ArrayList<>(spans);
    Map<Long, Long> oldToNew = new HashMap<>();
    List<String> traceWarnings = new ArrayList<>(trace.warnings());
    long maxUsed = 0;
    boolean changed = false;
    for (int i = 0; i < out.size(); i++) {
      Span s = out.get(i);
      if (!isKind(s, "server") || !sharedWithClient.contains(s.spanId())) {
        continue;
      }
      long newId = 0;
      for (long id = maxUsed + 1; id != 0 && id != -1L; id++) {
        if (!used.contains(id)) {
          newId = id;
          break;
        }
      }
      if (newId == 0) {
        traceWarnings.add(TOO_MANY_SPANS);
        break;
      }
      maxUsed = newId;
      oldToNew.put(s.spanId(), newId);
      Span withParent = replaceParent(s, s.spanId());
      out.set(i, withParent.toBuilder().spanId(newId).build());
      changed = true;
    }
    if (!changed) {
      return traceWarnings.size() == trace.warnings().size() ? trace : new Trace(spans, traceWarnings);
    }
    for (int i = 0; i < out.size(); i++) {
      Span s = out.get(i);
      Long newParent = oldToNew.get(s.parentSpanId());
      if (newParent != null && s.spanId() != newParent) {
        out.set(i, replaceParent(s, newParent));
      }
    }
    return new Trace(out, traceWarnings);
  }

  private static boolean isKind(Span s, String kind) {
    KeyValue kv = s.tag("span.kind");
    return kv != null && kv.asString().equals(kind);
  }

  /** Points the span's parent reference at {@code newParent}, or adds a CHILD_OF reference first if it has none. */
  static Span replaceParent(Span s, long newParent) {
    long oldParent = s.parentSpanId();
    List<SpanRef> refs = new ArrayList<>(s.references());
    if (oldParent != 0) {
      for (int i = 0; i < refs.size(); i++) {
        SpanRef r = refs.get(i);
        if (r.spanId() == oldParent && r.traceId().equals(s.traceId())) {
          refs.set(i, new SpanRef(r.type(), r.traceId(), newParent));
          return s.toBuilder().references(refs).build();
        }
      }
    }
    if (newParent == 0) {
      return s;
    }
    for (SpanRef r : refs) {
      if (r.spanId() == newParent && r.traceId().equals(s.traceId())) {
        return s;
      }
    }
    refs.add(0, new SpanRef(RefType.CHILD_OF, s.traceId(), newParent));
    return s.toBuilder().references(refs).build();
  }
}
