// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the memory store from filling the heap. Jaeger's memory store is unbounded by default, and so is ours, but
 * an unbounded store in a bounded heap ends in an {@link OutOfMemoryError}. After every garbage collection this
 * guard reads how much of the heap is still in use; above {@value #HIGH_WATERMARK} of the maximum it evicts the
 * oldest traces of the registered stores (a quarter of what they hold, half above {@value #CRITICAL}), logs a
 * warning (at most one line per 10 s) and counts {@code jaeger_memory_heap_guard_evictions_total} and
 * {@code jaeger_memory_heap_guard_evicted_traces_total}. The process keeps serving: reads see fewer old traces,
 * writes are accepted. Runs on the JVM's notification thread; the stores take their own locks.
 */
final class HeapGuard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeapGuard.class);
  /** Share of the maximum heap in use after a collection above which traces are evicted. */
  static final double HIGH_WATERMARK = 0.70;
  /** Above this share, evictions take half the store and do not wait for the cooldown. */
  static final double CRITICAL = 0.90;
  /** After an eviction, the freed memory shows only after the next old collection; until then wait. */
  private static final long COOLDOWN_NANOS = 500_000_000L;
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  /** A store the guard can shrink. */
  interface Evictable {
    /** Bytes of encoded spans held (an underestimate of the heap they take). */
    long storedBytes();

    /** Evicts the oldest traces until about {@code bytes} encoded bytes are freed; returns the traces evicted. */
    int evictOldest(long bytes);
  }

  private final List<Evictable> stores = new CopyOnWriteArrayList<>();
  private final Set<String> heapPools = new HashSet<>();
  private final long maxHeap;
  private final Counter evictions;
  private final Counter evictedTraces;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;
  private long lastEviction = System.nanoTime() - COOLDOWN_NANOS;
  private long lastLog = System.nanoTime() - LOG_INTERVAL_NANOS;
  private long evictedSinceLog;

  HeapGuard(MeterRegistry meters) {
    Objects.requireNonNull(meters, "meters");
    maxHeap = Runtime.getRuntime().maxMemory();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    evictions = Counter.builder("jaeger_memory_heap_guard_evictions")
        .description("times the memory store evicted its oldest traces because the heap was nearly full")
        .register(meters);
    evictedTraces = Counter.builder("jaeger_memory_heap_guard_evicted_traces")
        .description("traces the memory store evicted because the heap was nearly full").register(meters);
  }

  /** Starts watching collections. */
  HeapGuard start() {
    if (maxHeap == Long.MAX_VALUE) {
      return this; // no heap limit: nothing to guard
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    return this;
  }

  void register(Evictable store) {
    stores.add(Objects.requireNonNull(store, "store"));
  }

  void unregister(Evictable store) {
    stores.remove(store);
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    afterCollection(used, System.nanoTime());
  }

  /** Evicts when {@code used} bytes are over the high watermark; synchronized: notifications may overlap. */
  synchronized void afterCollection(long used, long now) {
    if (used <= HIGH_WATERMARK * maxHeap) {
      return;
    }
    if (now - lastEviction < COOLDOWN_NANOS && used < CRITICAL * maxHeap) {
      return;
    }
    long held = 0;
    for (Evictable s : stores) {
      held += s.storedBytes();
    }
    if (held == 0) {
      return;
    }
    // Encoded bytes understate what a trace takes on the heap, so the share is fixed rather than computed.
    double share = used >= CRITICAL * maxHeap ? 0.5 : 0.25;
    int evicted = 0;
    for (Evictable s : stores) {
      evicted += s.evictOldest((long) (s.storedBytes() * share));
    }
    lastEviction = now;
    evictions.increment();
    evictedTraces.increment(evicted);
    evictedSinceLog += evicted;
    if (now - lastLog >= LOG_INTERVAL_NANOS) {
      LOG.warn("Heap {}% full after garbage collection (limit {} MiB): the memory store evicted its {} oldest traces "
          + "since the last warning; set --memory.max-traces or a larger -Xmx to keep more", used * 100 / maxHeap,
          maxHeap >> 20, evictedSinceLog);
      lastLog = now;
      evictedSinceLog = 0;
    }
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // already removed
      }
    }
    emitters.clear();
    stores.clear();
  }
}
