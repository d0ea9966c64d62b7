// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.model.otlp.OtlpJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code POST /api/transform}: OTLP/JSON → Jaeger model, one trace per trace ID in order of first appearance. */
final class OtlpTransforms {
  private OtlpTransforms() {}

  static ApiHandler.OtlpTransform find() {
    return OtlpTransforms::toTraces;
  }

  static List<Trace> toTraces(byte[] json) {
    List<Span> spans = OtlpJson.decode(json);
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : spans) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    List<Trace> out = new ArrayList<>(byTrace.size());
    for (List<Span> t : byTrace.values()) {
      out.add(Trace.of(t));
    }
    return out;
  }
}
