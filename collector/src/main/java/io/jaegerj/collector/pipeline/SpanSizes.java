// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.pipeline;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Span;
import java.util.List;

/** Cheap in-memory size estimates for the byte bound of the queue; no allocation. */
final class SpanSizes {
  private SpanSizes() {}

  static long estimate(List<Span> spans) {
    long total = 0;
    for (int i = 0, n = spans.size(); i < n; i++) {
      total += estimate(spans.get(i));
    }
    return total;
  }

  static long estimate(Span s) {
    long size = 96 + s.operationName().length() + 40L * s.references().size();
    size += tags(s.tags());
    List<Log> logs = s.logs();
    for (int i = 0, n = logs.size(); i < n; i++) {
      size += 24 + tags(logs.get(i).fields());
    }
    // The process is usually shared by the spans of a batch; count its name only.
    size += s.process().serviceName().length();
    for (int i = 0, n = s.warnings().size(); i < n; i++) {
      size += 16 + s.warnings().get(i).length();
    }
    return size;
  }

  private static long tags(List<KeyValue> tags) {
    long size = 0;
    for (int i = 0, n = tags.size(); i < n; i++) {
      size += tags.get(i).sizeEstimate();
    }
    return size;
  }
}
