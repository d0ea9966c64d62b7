// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.IpText;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.ValueType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Some clients send {@code ip} / {@code peer.ipv4} as a number; they become dotted-quad strings (span and process
 * tags). Process tags are re-sorted afterwards, span tags keep their positions.
 */
public final class IpTagAdjuster implements Adjuster {
  @Override
  public Trace adjust(Trace trace) {
    List<Span> out = new ArrayList<>(trace.spans().size());
    Map<Process, Process> processes = new IdentityHashMap<>();
    boolean changed = false;
    for (Span s : trace.spans()) {
      List<KeyValue> tags = fix(s.tags());
      Process p = processes.computeIfAbsent(s.process(), IpTagAdjuster::fixProcess);
      if (tags == s.tags() && p == s.process()) {
        out.add(s);
        continue;
      }
      changed = true;
      out.add(s.toBuilder().tags(tags).process(p).build());
    }
    return changed ? new Trace(out, trace.warnings()) : trace;
  }

  private static Process fixProcess(Process p) {
    List<KeyValue> tags = fix(p.tags());
    List<KeyValue> sorted = SortTagsAndLogFields.sorted(tags);
    return sorted == p.tags() ? p : new Process(p.serviceName(), sorted);
  }

  private static List<KeyValue> fix(List<KeyValue> tags) {
    List<KeyValue> out = null;
    for (int i = 0; i < tags.size(); i++) {
      KeyValue kv = tags.get(i);
      if (!kv.key().equals("ip") && !kv.key().equals("peer.ipv4")) {
        continue;
      }
      long v;
      if (kv.type() == ValueType.INT64) {
        v = kv.int64Value();
      } else if (kv.type() == ValueType.FLOAT64) {
        v = (long) kv.float64Value();
      } else {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(tags);
      }
      out.set(i, KeyValue.string(kv.key(), IpText.ipv4((int) v)));
    }
    return out == null ? tags : out;
  }
}
