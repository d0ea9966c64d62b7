// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.spm;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Answers the metrics API from this process' {@link SpanMetrics} without Prometheus ({@code
 * METRICS_STORAGE_TYPE=in-process}, all-in-one only). Every {@code resolution} it keeps a snapshot of each series'
 * cumulative counts, for {@code retention}; a query evaluates, like PromQL's {@code rate()} and
 * {@code histogram_quantile()}, the increase over the rate window at each step from these snapshots plus the live
 * counts. Single process only: a restart starts from zero and other collectors' spans are not seen.
 *
 * <p>Thread-safe; snapshots and queries take one lock (queries are rare, snapshots cheap).
 */
public final class InProcessReader implements MetricsReader {
  private final SpanMetrics metrics;
  private final Clock clock;
  private final long resolutionMillis;
  private final long startMillis;
  private final long[] times;
  private final List<Map<SpanMetrics.Series, long[]>> ring;
  private long ticks;
  private final ScheduledExecutorService ticker;

  /**
   * @param resolution snapshot interval in milliseconds (> 0)
   * @param retention how long snapshots are kept, in milliseconds (≥ resolution)
   * @param background take snapshots on a daemon thread; tests pass false and call {@link #tick()}
   */
  public InProcessReader(SpanMetrics metrics, Clock clock, long resolution, long retention, boolean background) {
    if (resolution <= 0 || retention < resolution) {
      throw new IllegalArgumentException("resolution " + resolution + ", retention " + retention
          + " (expected: 0 < resolution <= retention)");
    }
    this.metrics = metrics;
    this.clock = clock;
    this.resolutionMillis = resolution;
    this.startMillis = clock.millis();
    int slots = (int) Math.max(1, retention / resolution);
    this.times = new long[slots];
    this.ring = new ArrayList<>(slots);
    for (int i = 0; i < slots; i++) {
      ring.add(null);
    }
    if (background) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "span-metrics-snapshots");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleAtFixedRate(this::tick, resolution, resolution, TimeUnit.MILLISECONDS);
    } else {
      ticker = null;
    }
  }

  /** Takes a snapshot of every series now. */
  public void tick() {
    Map<SpanMetrics.Series, long[]> snap = new IdentityHashMap<>();
    metrics.forEach(s -> snap.put(s, s.snapshot()));
    long now = clock.millis();
    synchronized (this) {
      int slot = (int) (ticks % times.length);
      times[slot] = now;
      ring.set(slot, snap);
      ticks++;
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }

  @Override
  public long minStepMillis() {
    return resolutionMillis;
  }

  @Override
  public MetricFamily latencies(MetricsQuery q) {
    return MetricFamily.Kind.LATENCIES.family(q, evaluate(q, (inc) -> quantile(q.quantile(), inc)));
  }

  @Override
  public MetricFamily callRates(MetricsQuery q) {
    double window = q.ratePerMillis() / 1000.0;
    return MetricFamily.Kind.CALLS.family(q, evaluate(q, inc -> inc.calls / window));
  }

  @Override
  public MetricFamily errorRates(MetricsQuery q) {
    return MetricFamily.Kind.ERRORS.family(q, evaluate(q, inc -> inc.calls == 0 ? Double.NaN
        : (double) inc.errors / inc.calls));
  }

  /** Increases over one rate window of one group. */
  static final class Increase {
    long calls;
    long errors;
    final long[] cumulativeBuckets = new long[SpanMetrics.BOUNDS_MS.length + 1];
  }

  private interface Value {
    double of(Increase inc);
  }

  /** A snapshot view: time and the cumulative counts of each series then. */
  private record View(long time, Map<SpanMetrics.Series, long[]> counts) {}

  private List<MetricFamily.Series> evaluate(MetricsQuery q, Value value) {
    List<View> views = views();
    Set<String> services = new HashSet<>(q.services());
    Set<Integer> kinds = new HashSet<>();
    for (String k : q.spanKinds()) {
      for (int i = 0; i < SpanMetrics.KINDS.length; i++) {
        if (SpanMetrics.KINDS[i].equals(k)) {
          kinds.add(i);
        }
      }
    }
    Map<String, List<SpanMetrics.Series>> groups = new TreeMap<>();
    Map<String, List<MetricFamily.Label>> labels = new HashMap<>();
    metrics.forEach(s -> {
      if (!s.tenant.equals(q.tenant()) || !services.contains(s.service) || !kinds.contains(s.kind)) {
        return;
      }
      String key = q.groupByOperation() ? s.service + '\u0000' + s.operation : s.service;
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      labels.computeIfAbsent(key, k -> q.groupByOperation()
          ? List.of(new MetricFamily.Label("operation", s.operation), new MetricFamily.Label("service_name",
              s.service))
          : List.of(new MetricFamily.Label("service_name", s.service)));
    });
    long start = q.endTsMillis() - q.lookbackMillis();
    List<MetricFamily.Series> out = new ArrayList<>(groups.size());
    for (Map.Entry<String, List<SpanMetrics.Series>> g : groups.entrySet()) {
      List<MetricFamily.Point> points = new ArrayList<>();
      for (long t = start; t <= q.endTsMillis(); t += q.stepMillis()) {
        Increase inc = increase(views, g.getValue(), t, q.ratePerMillis());
        if (inc != null) {
          points.add(new MetricFamily.Point(t, value.of(inc)));
        }
      }
      if (!points.isEmpty()) {
        out.add(new MetricFamily.Series(labels.get(g.getKey()), points));
      }
    }
    return out;
  }

  /** Retained snapshots oldest first, then the live counts. */
  private List<View> views() {
    List<View> out = new ArrayList<>(times.length + 1);
    synchronized (this) {
      long first = Math.max(0, ticks - times.length);
      for (long i = first; i < ticks; i++) {
        int slot = (int) (i % times.length);
        out.add(new View(times[slot], ring.get(slot)));
      }
    }
    Map<SpanMetrics.Series, long[]> live = new IdentityHashMap<>();
    metrics.forEach(s -> live.put(s, s.snapshot()));
    // The live counts stand for every time after the last snapshot (a point at "now" must not be a snapshot old).
    long after = out.isEmpty() ? startMillis : out.get(out.size() - 1).time() + 1;
    out.add(new View(Math.min(after, clock.millis()), live));
    return out;
  }

  /** The group's increase over (t − window, t], or null when t is before this process started. */
  private Increase increase(List<View> views, List<SpanMetrics.Series> series, long t, long window) {
    if (t < startMillis) {
      return null;
    }
    View end = at(views, t);
    if (end == null) {
      return null;
    }
    View begin = t - window < startMillis ? null : at(views, t - window);
    if (begin == null && t - window >= startMillis) {
      begin = views.get(0); // older than the retention: the oldest snapshot kept
    }
    Increase inc = new Increase();
    for (SpanMetrics.Series s : series) {
      long[] a = end.counts().get(s);
      if (a == null) {
        continue;
      }
      long[] b = begin == null ? null : begin.counts().get(s);
      long calls = a[0] - (b == null ? 0 : b[0]);
      inc.calls += calls;
      if (s.status == SpanMetrics.STATUS_ERROR) {
        inc.errors += calls;
      }
      for (int i = 0; i < inc.cumulativeBuckets.length; i++) {
        inc.cumulativeBuckets[i] += a[i + 1] - (b == null ? 0 : b[i + 1]);
      }
    }
    return inc;
  }

  /** The latest view at or before t, or null. */
  private static View at(List<View> views, long t) {
    int lo = 0;
    int hi = views.size() - 1;
    View found = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (views.get(mid).time() <= t) {
        found = views.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** PromQL's histogram_quantile over cumulative bucket counts (linear within a bucket, first bucket from 0). */
  static double quantile(double q, Increase inc) {
    long[] c = inc.cumulativeBuckets;
    long total = c[c.length - 1];
    if (total == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    double rank = q * total;
    double[] bounds = SpanMetrics.BOUNDS_MS;
    int i = 0;
    while (i < c.length - 1 && c[i] < rank) {
      i++;
    }
    if (i == c.length - 1) {
      return bounds[bounds.length - 1];
    }
    double lower = i == 0 ? 0 : bounds[i - 1];
    long below = i == 0 ? 0 : c[i - 1];
    long inBucket = c[i] - below;
    if (inBucket == 0) {
      return bounds[i];
    }
    return lower + (bounds[i] - lower) * ((rank - below) / inBucket);
  }
}
