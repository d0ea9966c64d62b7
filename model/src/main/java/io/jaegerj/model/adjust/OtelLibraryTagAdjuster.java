// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenTelemetry SDK attributes describe the process, not the span: {@code telemetry.sdk.*} and
 * {@code telemetry.distro.*} span tags move to the span's process tags (re-sorted).
 */
public final class OtelLibraryTagAdjuster implements Adjuster {
  static final Set<String> LIBRARY_KEYS = Set.of(
      "telemetry.sdk.language",
      "telemetry.sdk.name",
      "telemetry.sdk.version",
      "telemetry.distro.name",
      "telemetry.distro.version");

  @Override
  public Trace adjust(Trace trace) {
    List<Span> out = null;
    List<Span> spans = trace.spans();
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      List<KeyValue> kept = null;
      List<KeyValue> moved = null;
      for (int j = 0; j < s.tags().size(); j++) {
        KeyValue kv = s.tags().get(j);
        if (LIBRARY_KEYS.contains(kv.key())) {
          if (kept == null) {
            kept = new ArrayList<>(s.tags().subList(0, j));
            moved = new ArrayList<>(2);
          }
          moved.add(kv);
        } else if (kept != null) {
          kept.add(kv);
        }
      }
      if (kept == null) {
        continue;
      }
      List<KeyValue> ptags = new ArrayList<>(s.process().tags());
      ptags.addAll(moved);
      ptags.sort(SortTagsAndLogFields.ORDER);
      if (out == null) {
        out = new ArrayList<>(spans);
      }
      out.set(i, s.toBuilder().tags(kept).process(new Process(s.process().serviceName(), ptags)).build());
    }
    return out == null ? trace : new Trace(out, trace.warnings());
  }
}
