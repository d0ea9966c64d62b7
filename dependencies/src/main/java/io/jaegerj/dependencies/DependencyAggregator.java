// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.dependencies;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.Tenants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts parent→child service edges from spans as they are written, the way Jaeger's readers derive them: a span
 * whose parent (first same-trace CHILD_OF reference, else FOLLOWS_FROM) belongs to another service counts one call
 * on (parent service, child service).
 *
 * <p><b>Each edge is counted where its child span is written.</b> The aggregator remembers, for a window, the service
 * of every recent span (per tenant and trace). A child whose parent is already known counts at once; otherwise it
 * waits in the parent's slot and counts when the parent arrives within the window (a late parent). When the window
 * ends with the parent still unknown - it went to another collector, or arrived earlier than the window - the child
 * is handed to {@link ParentLookup} (the stored trace), and counts if the parent is found there. Since every span is
 * written by exactly one instance, every edge is counted by exactly one instance; instances write their own records
 * and the reader sums them. A span offered twice to one instance (a client retry) counts once.
 *
 * <p><b>Memory.</b> At most {@code maxEntries} spans are remembered (about {@link #BYTES_PER_ENTRY} bytes each, see
 * docs/benchmarks.md); when full, the oldest entries leave early (their waiting children go to the lookup). At most
 * {@code maxLookups} children wait for a lookup; beyond that they are dropped and counted as unresolved.
 *
 * <p>Thread-safe: spans are striped by trace ID over independently locked stripes.
 */
public final class DependencyAggregator {
  /** Measured heap bytes per remembered span (see {@code DependencyAggregatorMemoryTest} and docs/benchmarks.md). */
  public static final int BYTES_PER_ENTRY = 150;
  static final int STRIPES = 16;

  /** Finds the services of spans in a stored trace; used for children whose parent never came by this instance. */
  @FunctionalInterface
  public interface ParentLookup {
    /** Span ID → service of the stored trace's spans; empty when the trace is not (yet) stored. */
    Map<Long, String> services(String tenant, TraceId traceId) throws Exception;

    ParentLookup NONE = (tenant, traceId) -> Map.of();
  }

  /** A remembered span, or a placeholder for a parent not seen yet that children wait for. */
  private static final class Node {
    String service; // null for a placeholder
    long insertedMillis;
    Object waiting; // null, one child service (String) or several (ArrayList<String>)

    Node(String service, long insertedMillis) {
      this.service = service;
      this.insertedMillis = insertedMillis;
    }

    void addWaiting(String child) {
      if (waiting == null) {
        waiting = child;
      } else if (waiting instanceof String s) {
        ArrayList<String> l = new ArrayList<>(2);
        l.add(s);
        l.add(child);
        waiting = l;
      } else {
        @SuppressWarnings("unchecked")
        ArrayList<String> l = (ArrayList<String>) waiting;
        l.add(child);
      }
    }

    @SuppressWarnings("unchecked")
    List<String> waitingList() {
      if (waiting == null) {
        return List.of();
      }
      return waiting instanceof String s ? List.of(s) : (List<String>) waiting;
    }
  }

  private record Key(String tenant, long traceHigh, long traceLow, long spanId) {}

  private record Edge(String parent, String child) {}

  /** A child whose parent must be looked up in storage. */
  record Orphan(String tenant, TraceId traceId, long parentSpanId, String childService) {}

  private static final class Stripe {
    final LinkedHashMap<Key, Node> spans = new LinkedHashMap<>();
    final Map<String, Map<Edge, long[]>> counts = new HashMap<>();
    final ArrayList<Orphan> orphans = new ArrayList<>();
  }

  private final long windowMillis;
  private final int maxEntriesPerStripe;
  private final int maxLookups;
  private final Stripe[] stripes = new Stripe[STRIPES];
  /** Service names are shared between entries: one String per distinct name. */
  private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
  static final int MAX_NAMES = 100_000;

  final AtomicLong spansSeen = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong edgesCounted = new AtomicLong();
  final AtomicLong lateParents = new AtomicLong();
  final AtomicLong lookedUp = new AtomicLong();
  final AtomicLong unresolved = new AtomicLong();
  final AtomicLong evictedEarly = new AtomicLong();

  /**
   * @param windowMillis how long a span's service is remembered and a child waits for its parent
   * @param maxEntries cap on remembered spans and placeholders
   * @param maxLookups cap on children waiting for a storage lookup
   */
  public DependencyAggregator(long windowMillis, int maxEntries, int maxLookups) {
    if (windowMillis <= 0 || maxEntries < STRIPES || maxLookups < 0) {
      throw new IllegalArgumentException("window " + windowMillis + " ms, maxEntries " + maxEntries
          + ", maxLookups " + maxLookups + " (expected: window > 0, maxEntries >= " + STRIPES + ", maxLookups >= 0)");
    }
    this.windowMillis = windowMillis;
    this.maxEntriesPerStripe = maxEntries / STRIPES;
    this.maxLookups = maxLookups;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** Counts the edges of a written batch; {@code nowMillis} is the arrival time (any monotonic clock). */
  public void offer(String tenant, List<Span> spans, long nowMillis) {
    Tenants.require(tenant);
    for (Span s : spans) {
      offer(tenant, s, nowMillis);
    }
  }

  private void offer(String tenant, Span span, long now) {
    spansSeen.incrementAndGet();
    TraceId t = span.traceId();
    String service = name(span.process().serviceName());
    Stripe st = stripes[stripe(t)];
    synchronized (st) {
      Key key = new Key(tenant, t.high(), t.low(), span.spanId());
      Node node = st.spans.get(key);
      if (node != null && service.equals(node.service)) {
        duplicates.incrementAndGet();
        return;
      }
      if (node == null) {
        st.spans.put(key, new Node(service, now));
      } else if (node.service == null) {
        // a late parent: count the children that waited for it
        node.service = service;
        for (String child : node.waitingList()) {
          lateParents.incrementAndGet();
          count(st, tenant, service, child);
        }
        node.waiting = null;
      } // else: a second span with this ID in another service (Zipkin shared span): keep the first, count below
      long parentId = span.parentSpanId();
      if (parentId != 0) {
        Key pk = new Key(tenant, t.high(), t.low(), parentId);
        Node parent = st.spans.get(pk);
        if (parent == null) {
          parent = new Node(null, now);
          st.spans.put(pk, parent);
        }
        if (parent.service != null) {
          count(st, tenant, parent.service, service);
        } else {
          parent.addWaiting(service);
        }
      }
      expire(st, now);
    }
  }

  private void count(Stripe st, String tenant, String parent, String child) {
    if (parent.equals(child)) {
      return;
    }
    st.counts.computeIfAbsent(tenant, k -> new HashMap<>()).computeIfAbsent(new Edge(parent, child),
        k -> new long[1])[0]++;
    edgesCounted.incrementAndGet();
  }

  /** Drops entries older than the window (and the oldest beyond the cap); their waiting children become orphans. */
  private void expire(Stripe st, long now) {
    Iterator<Map.Entry<Key, Node>> it = st.spans.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Node> e = it.next();
      Node n = e.getValue();
      boolean old = now - n.insertedMillis >= windowMillis;
      boolean over = st.spans.size() > maxEntriesPerStripe;
      if (!old && !over) {
        return;
      }
      if (!old) {
        evictedEarly.incrementAndGet();
      }
      it.remove();
      if (n.service == null) {
        Key k = e.getKey();
        for (String child : n.waitingList()) {
          if (st.orphans.size() < maxLookups / STRIPES) {
            st.orphans.add(new Orphan(k.tenant(), new TraceId(k.traceHigh(), k.traceLow()), k.spanId(), child));
          } else {
            unresolved.incrementAndGet();
          }
        }
      }
    }
  }

  /**
   * Expires old entries and resolves the children whose parent never came through {@code lookup} (one lookup per
   * trace). Call periodically from one thread; the lookups run outside the stripe locks.
   */
  public void tick(long nowMillis, ParentLookup lookup) {
    for (Stripe st : stripes) {
      List<Orphan> orphans;
      synchronized (st) {
        expire(st, nowMillis);
        if (st.orphans.isEmpty()) {
          continue;
        }
        orphans = new ArrayList<>(st.orphans);
        st.orphans.clear();
      }
      resolve(st, orphans, lookup);
    }
  }

  /** Ends every window now: every remembered entry expires and waiting children are looked up. */
  public void expireAll(ParentLookup lookup) {
    tick(Long.MAX_VALUE / 2, lookup);
  }

  private void resolve(Stripe st, List<Orphan> orphans, ParentLookup lookup) {
    Map<String, Map<TraceId, List<Orphan>>> byTrace = new HashMap<>();
    for (Orphan o : orphans) {
      byTrace.computeIfAbsent(o.tenant(), k -> new HashMap<>()).computeIfAbsent(o.traceId(),
          k -> new ArrayList<>()).add(o);
    }
    for (Map.Entry<String, Map<TraceId, List<Orphan>>> tenant : byTrace.entrySet()) {
      for (Map.Entry<TraceId, List<Orphan>> trace : tenant.getValue().entrySet()) {
        Map<Long, String> services;
        try {
          services = lookup.services(tenant.getKey(), trace.getKey());
        } catch (Exception e) {
          services = Map.of();
        }
        synchronized (st) {
          for (Orphan o : trace.getValue()) {
            String parent = services.get(o.parentSpanId());
            if (parent == null) {
              unresolved.incrementAndGet();
            } else {
              lookedUp.incrementAndGet();
              count(st, o.tenant(), name(parent), o.childService());
            }
          }
        }
      }
    }
  }

  /** Takes the counts accumulated since the last call: tenant → links sorted by parent then child. */
  public Map<String, List<DependencyLink>> drain() {
    Map<String, TreeMap<Edge, long[]>> merged = new TreeMap<>();
    for (Stripe st : stripes) {
      Map<String, Map<Edge, long[]>> taken;
      synchronized (st) {
        if (st.counts.isEmpty()) {
          continue;
        }
        taken = new HashMap<>(st.counts);
        st.counts.clear();
      }
      for (Map.Entry<String, Map<Edge, long[]>> t : taken.entrySet()) {
        TreeMap<Edge, long[]> m = merged.computeIfAbsent(t.getKey(), k -> new TreeMap<>(
            (a, b) -> a.parent().equals(b.parent()) ? a.child().compareTo(b.child()) : a.parent().compareTo(b.parent())));
        for (Map.Entry<Edge, long[]> e : t.getValue().entrySet()) {
          m.computeIfAbsent(e.getKey(), k -> new long[1])[0] += e.getValue()[0];
        }
      }
    }
    Map<String, List<DependencyLink>> out = new LinkedHashMap<>();
    for (Map.Entry<String, TreeMap<Edge, long[]>> t : merged.entrySet()) {
      List<DependencyLink> links = new ArrayList<>(t.getValue().size());
      for (Map.Entry<Edge, long[]> e : t.getValue().entrySet()) {
        links.add(new DependencyLink(e.getKey().parent(), e.getKey().child(), e.getValue()[0]));
      }
      out.put(t.getKey(), links);
    }
    return out;
  }

  /** Puts counts back (a failed flush), so that the next flush writes them. */
  public void restore(String tenant, List<DependencyLink> links) {
    Stripe st = stripes[0];
    synchronized (st) {
      Map<Edge, long[]> m = st.counts.computeIfAbsent(tenant, k -> new HashMap<>());
      for (DependencyLink l : links) {
        m.computeIfAbsent(new Edge(l.parent(), l.child()), k -> new long[1])[0] += l.callCount();
      }
    }
  }

  /** Remembered spans and placeholders. */
  public int entries() {
    int n = 0;
    for (Stripe st : stripes) {
      synchronized (st) {
        n += st.spans.size();
      }
    }
    return n;
  }

  /** Estimated heap held by the remembered entries. */
  public long estimatedBytes() {
    return (long) entries() * BYTES_PER_ENTRY;
  }

  private String name(String service) {
    String n = names.get(service);
    if (n != null) {
      return n;
    }
    if (names.size() >= MAX_NAMES) {
      return service;
    }
    n = names.putIfAbsent(service, service);
    return n == null ? service : n;
  }

  private static int stripe(TraceId t) {
    long h = t.low() ^ t.high();
    h ^= h >>> 32;
    h ^= h >>> 16;
    return (int) (h & (STRIPES - 1));
  }
}
