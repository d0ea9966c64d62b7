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

  private final boolean otlp;

  /** Jaeger's v1 variant: every library tag moves, even if the process already has that key. */
  public OtelLibraryTagAdjuster() {
    this(false);
  }

  private OtelLibraryTagAdjuster(boolean otlp) {
    this.otlp = otlp;
  }

  /**
   * Jaeger's api_v3 variant: a tag whose key the process already has with a different value stays on the span with
   * warning {@code conflicting values between Span and Resource for attribute <key>}; with an equal value it is
   * just dropped from the span.
   */
  public static OtelLibraryTagAdjuster forOtlp() {
    return new OtelLibraryTagAdjuster(true);
  }

  @Override
  public Trace adjust(Trace trace) {
    List<Span> out = null;
    List<Span> spans = trace.spans();
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      List<KeyValue> kept = null;
      List<KeyValue> moved = null;
      List<String> warnings = null;
      for (int j = 0; j < s.tags().size(); j++) {
        KeyValue kv = s.tags().get(j);
        if (LIBRARY_KEYS.contains(kv.key())) {
          if (kept == null) {
            kept = new ArrayList<>(s.tags().subList(0, j));
            moved = new ArrayList<>(2);
          }
          KeyValue existing = otlp ? processTag(s, kv.key()) : null;
          if (existing != null) {
            if (!existing.equals(kv)) {
              kept.add(kv);
              if (warnings == null) {
                warnings = new ArrayList<>(1);
              }
              warnings.add("conflicting values between Span and Resource for attribute " + kv.key());
            }
            continue;
          }
          moved.add(kv);
        } else if (kept != null) {
          kept.add(kv);
        }
      }
      if (kept == null) {
        continue;
      }
      if (warnings != null) {
        s = s.toBuilder().warnings(concat(s.warnings(), warnings)).build();
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

  private static KeyValue processTag(Span s, String key) {
    for (KeyValue kv : s.process().tags()) {
      if (kv.key().equals(key)) {
        return kv;
      }
    }
    return null;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
