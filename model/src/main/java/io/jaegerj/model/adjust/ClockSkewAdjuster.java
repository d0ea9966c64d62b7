// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.adjust;

import io.jaegerj.model.GoDuration;
import io.jaegerj.model.Hex;
import io.jaegerj.model.IpText;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.RefType;
import io.jaegerj.model.Span;
import io.jaegerj.model.SpanRef;
import io.jaegerj.model.Trace;
import io.jaegerj.model.ValueType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corrects clock skew between hosts: a child span on another host than its parent is shifted so that it fits inside
 * the parent (centred when it is shorter, aligned to the parent's start when it is longer), and descendants on the
 * same host inherit the shift. Shifts larger than {@code maxDelta} are not applied but reported as span warnings;
 * with {@code maxDelta == 0} no span is shifted at all.
 *
 * <p>Arithmetic runs in nanoseconds, like Jaeger, so warnings print the same durations; start times and log
 * timestamps are truncated back to microseconds.
 */
public final class ClockSkewAdjuster implements Adjuster {
  static final String DUPLICATE_SPAN_ID = "duplicate span IDs; skipping clock skew adjustment";

  private final long maxDeltaNanos;
  private final String maxDeltaText;
  private final boolean otlp;

  /** Jaeger's v1 (Jaeger model) variant, used by /api and api_v2. */
  public ClockSkewAdjuster(Duration maxDelta) {
    this(maxDelta, false);
  }

  private ClockSkewAdjuster(Duration maxDelta, boolean otlp) {
    this.maxDeltaNanos = maxDelta.toNanos();
    this.maxDeltaText = GoDuration.format(maxDelta);
    this.otlp = otlp;
  }

  /**
   * Jaeger's api_v3 variant: the host key is the resource's {@code host.id}, else {@code host.ip}, else
   * {@code host.name} (process tags here; {@code hostname} counts as {@code host.name} since it becomes that in
   * OTLP); only CHILD_OF references are parents (FOLLOWS_FROM become links in OTLP); the missing-parent warning
   * uses the v2 wording.
   */
  public static ClockSkewAdjuster forOtlp(Duration maxDelta) {
    return new ClockSkewAdjuster(maxDelta, true);
  }

  private static final class Node {
    final int index;
    final Span span;
    final String hostKey;
    final List<Node> children = new ArrayList<>(2);
    long startNanos;
    long deltaNanos;
    final List<String> warnings = new ArrayList<>(1);

    Node(int index, Span span, boolean otlp) {
      this.index = index;
      this.span = span;
      this.hostKey = otlp ? otlpHostKey(span) : hostKey(span);
      this.startNanos = span.startTimeMicros() * 1000;
    }

    long durationNanos() {
      return span.durationMicros() * 1000;
    }

    long endNanos() {
      return startNanos + durationNanos();
    }
  }

  @Override
  public Trace adjust(Trace trace) {
    List<Span> spans = trace.spans();
    Map<Long, Node> nodes = new HashMap<>(spans.size() * 2);
    List<Node> ordered = new ArrayList<>(spans.size());
    Map<Integer, String> duplicates = new HashMap<>();
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      if (nodes.containsKey(s.spanId())) {
        duplicates.put(i, DUPLICATE_SPAN_ID);
        continue;
      }
      Node n = new Node(i, s, otlp);
      nodes.put(s.spanId(), n);
      ordered.add(n);
    }
    List<Node> roots = new ArrayList<>();
    for (Node n : ordered) {
      long parentId = otlp ? childOfParent(n.span) : n.span.parentSpanId();
      if (parentId == 0) {
        roots.add(n);
        continue;
      }
      Node p = nodes.get(parentId);
      if (p != null) {
        p.children.add(n);
      } else {
        n.warnings.add(otlp
            ? "parent span ID=" + Hex.of64(parentId) + " is not in the trace; skipping clock skew adjustment"
            : "invalid parent span IDs=" + Hex.of64(parentId) + "; skipping clock skew adjustment");
        roots.add(n);
      }
    }
    for (Node root : roots) {
      walk(root);
    }

    boolean changed = !duplicates.isEmpty();
    List<Span> out = new ArrayList<>(spans);
    for (Map.Entry<Integer, String> d : duplicates.entrySet()) {
      Span s = spans.get(d.getKey());
      out.set(d.getKey(), s.toBuilder().addWarning(d.getValue()).build());
    }
    for (Node n : ordered) {
      if (n.warnings.isEmpty() && n.deltaNanos == 0) {
        continue;
      }
      changed = true;
      Span.Builder b = n.span.toBuilder();
      for (String w : n.warnings) {
        b.addWarning(w);
      }
      if (n.deltaNanos != 0) {
        b.startTimeMicros(n.startNanos / 1000);
        List<Log> logs = new ArrayList<>(n.span.logs().size());
        for (Log l : n.span.logs()) {
          logs.add(new Log((l.timestampMicros() * 1000 + n.deltaNanos) / 1000, l.fields()));
        }
        b.logs(logs);
      }
      out.set(n.index, b.build());
    }
    return changed ? new Trace(out, trace.warnings()) : trace;
  }

  /** Depth-first walk without recursion, so that a deep trace cannot overflow the stack. */
  private void walk(Node root) {
    record Frame(Node node, Node parent, String hostKey, long delta) {}
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(root, null, root.hostKey, 0));
    while (!stack.isEmpty()) {
      Frame f = stack.pop();
      Node n = f.node();
      String hostKey = f.hostKey();
      long delta = f.delta();
      if (f.parent() != null && (!n.hostKey.equals(hostKey) || n.hostKey.isEmpty())) {
        hostKey = n.hostKey;
        delta = skew(n, f.parent());
      }
      apply(n, delta);
      for (int i = n.children.size() - 1; i >= 0; i--) {
        stack.push(new Frame(n.children.get(i), n, hostKey, delta));
      }
    }
  }

  private static long skew(Node child, Node parent) {
    long pDur = parent.durationNanos();
    long cDur = child.durationNanos();
    long pStart = parent.startNanos;
    long cStart = child.startNanos;
    if (cDur > pDur) {
      return cStart < pStart ? pStart - cStart : 0;
    }
    if (cStart >= pStart && child.endNanos() <= parent.endNanos()) {
      return 0;
    }
    long latency = (pDur - cDur) / 2;
    return pStart + latency - cStart;
  }

  private void apply(Node n, long delta) {
    if (delta == 0) {
      return;
    }
    String d = GoDuration.format(Duration.ofNanos(delta));
    if (Math.abs(delta) > maxDeltaNanos) {
      if (maxDeltaNanos == 0) {
        n.warnings.add("clock skew adjustment disabled; not applying calculated delta of " + d);
      } else {
        n.warnings.add("max clock skew adjustment delta of " + maxDeltaText
            + " exceeded; not applying calculated delta of " + d);
      }
      return;
    }
    n.startNanos += delta;
    n.deltaNanos = delta;
    n.warnings.add("This span's timestamps were adjusted by " + d);
  }

  private static long childOfParent(Span s) {
    for (SpanRef r : s.references()) {
      if (r.type() == RefType.CHILD_OF && r.traceId().equals(s.traceId())) {
        return r.spanId();
      }
    }
    return 0;
  }

  static String otlpHostKey(Span span) {
    for (String key : new String[] {"host.id", "host.ip", "host.name", "hostname"}) {
      for (KeyValue kv : span.process().tags()) {
        if (kv.key().equals(key) && kv.type() == ValueType.STRING) {
          return kv.stringValue();
        }
      }
    }
    return "";
  }

  /** The first process tag {@code ip} as text: string as is, int64 as dotted IPv4, 4- or 16-byte binary as an IP. */
  static String hostKey(Span span) {
    for (KeyValue kv : span.process().tags()) {
      if (!kv.key().equals("ip")) {
        continue;
      }
      switch (kv.type()) {
        case STRING:
          return kv.stringValue();
        case INT64:
          return IpText.ipv4((int) kv.int64Value());
        case BINARY:
          return IpText.of(kv.binaryValue());
        default:
          return "";
      }
    }
    return "";
  }
}
