// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sorts span tags and process tags by key, then type, then value. In each log the first string field named
 * {@code event} moves to the front (swapped with the first field) and the remaining fields are sorted.
 */
public final class SortTagsAndLogFields implements Adjuster {
  /** Key, then value type (STRING, BOOL, INT64, FLOAT64, BINARY), then value. */
  public static final Comparator<KeyValue> ORDER = SortTagsAndLogFields::compare;

  @Override
  public Trace adjust(Trace trace) {
    List<Span> out = new ArrayList<>(trace.spans().size());
    Map<Process, Process> sortedProcesses = new IdentityHashMap<>();
    boolean changed = false;
    for (Span s : trace.spans()) {
      List<KeyValue> tags = sorted(s.tags());
      Process p = sortedProcesses.computeIfAbsent(s.process(), SortTagsAndLogFields::sortProcess);
      List<Log> logs = s.logs();
      List<Log> newLogs = null;
      for (int i = 0; i < logs.size(); i++) {
        Log l = logs.get(i);
        Log nl = sortLog(l);
        if (nl != l && newLogs == null) {
          newLogs = new ArrayList<>(logs.subList(0, i));
        }
        if (newLogs != null) {
          newLogs.add(nl);
        }
      }
      if (tags == s.tags() && p == s.process() && newLogs == null) {
        out.add(s);
        continue;
      }
      changed = true;
      // The record's constructor copies only the lists that changed (the others are immutable already); a builder
      // would copy every list of the span twice, which was most of a trace read's allocation.
      out.add(new Span(s.traceId(), s.spanId(), s.operationName(), s.references(), s.flags(), s.startTimeMicros(),
          s.durationMicros(), tags, newLogs == null ? logs : newLogs, p, s.warnings()));
    }
    return changed ? new Trace(out, trace.warnings()) : trace;
  }

  static Process sortProcess(Process p) {
    List<KeyValue> tags = sorted(p.tags());
    return tags == p.tags() ? p : new Process(p.serviceName(), tags);
  }

  private static Log sortLog(Log l) {
    List<KeyValue> f = l.fields();
    int eventAt = -1;
    for (int i = 0; i < f.size(); i++) {
      KeyValue kv = f.get(i);
      if (kv.key().equals("event") && kv.type() == ValueType.STRING) {
        eventAt = i;
        break;
      }
    }
    KeyValue[] a = f.toArray(new KeyValue[0]);
    int offset = 0;
    if (eventAt >= 0) {
      KeyValue tmp = a[0];
      a[0] = a[eventAt];
      a[eventAt] = tmp;
      offset = 1;
    }
    Arrays.sort(a, offset, a.length, ORDER);
    if (Arrays.asList(a).equals(f)) {
      return l;
    }
    return new Log(l.timestampMicros(), Arrays.asList(a));
  }

  /** The list itself when already sorted, else a sorted copy. */
  static List<KeyValue> sorted(List<KeyValue> tags) {
    for (int i = 1; i < tags.size(); i++) {
      if (compare(tags.get(i - 1), tags.get(i)) > 0) {
        KeyValue[] copy = tags.toArray(new KeyValue[0]);
        Arrays.sort(copy, ORDER);
        return List.of(copy);
      }
    }
    return tags;
  }

  static int compare(KeyValue a, KeyValue b) {
    int c = a.key().compareTo(b.key());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.type().ordinal(), b.type().ordinal());
    if (c != 0) {
      return c;
    }
    switch (a.type()) {
      case STRING:
        return a.stringValue().compareTo(b.stringValue());
      case BOOL:
        return Boolean.compare(a.boolValue(), b.boolValue());
      case INT64:
        return Long.compare(a.int64Value(), b.int64Value());
      case FLOAT64:
        return Double.compare(a.float64Value(), b.float64Value());
      case BINARY:
        return Arrays.compareUnsigned(a.binaryValue(), b.binaryValue());
      default:
        throw new AssertionError(a.type());
    }
  }
}
