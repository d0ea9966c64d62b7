// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Span;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.badger.dbmodel.Keys;
import io.jaegerj.storage.badger.dbmodel.Values;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Computes dependency links from stored spans, with the algorithm memory and Badger share: for every span whose
 * parent (first same-trace CHILD_OF, else FOLLOWS_FROM) is stored and belongs to another service, one call from the
 * parent's service to the span's service.
 *
 * <p>Deliberate difference from Jaeger's Badger store, which only looks at the 100 most recent traces of the window:
 * every trace with a span starting within {@code [endTs - lookback, endTs]} is counted, as the memory store does.
 * The span column family is read in key order (trace by trace); values are decoded only for traces in the window.
 * Thread-safe.
 */
final class BadgerDependencyReader implements DependencyReader {
  private final BadgerDb store;
  private final Clock clock;

  BadgerDependencyReader(BadgerDb store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public List<DependencyLink> getDependencies(long endTsMicros, long lookbackMicros) {
    if (lookbackMicros < 0) {
      throw new IllegalArgumentException("lookback: " + lookbackMicros + " (expected: >= 0)");
    }
    long start = endTsMicros - lookbackMicros;
    long now = clock.instant().getEpochSecond();
    Map<List<String>, long[]> counts = new LinkedHashMap<>();
    store.enter();
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator it = store.db.newIterator(store.spans, ro)) {
      byte[] currentTrace = null;
      List<byte[][]> entries = new ArrayList<>();
      boolean inWindow = false;
      for (it.seek(new byte[] {Keys.SPAN}); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key[0] != Keys.SPAN) {
          break;
        }
        if (currentTrace == null || !Arrays.equals(key, 0, 17, currentTrace, 0, 17)) {
          if (inWindow) {
            count(entries, counts);
          }
          currentTrace = key;
          entries.clear();
          inWindow = false;
        }
        byte[] value = it.value();
        if (Values.expired(Values.spanExpiry(value), now)) {
          continue;
        }
        long ts = Keys.spanKeyStartMicros(key);
        if (ts >= start && ts <= endTsMicros) {
          inWindow = true;
        }
        entries.add(new byte[][] {key, value});
      }
      if (inWindow) {
        count(entries, counts);
      }
    } finally {
      store.exit();
    }
    List<DependencyLink> out = new ArrayList<>(counts.size());
    for (Map.Entry<List<String>, long[]> e : counts.entrySet()) {
      out.add(new DependencyLink(e.getKey().get(0), e.getKey().get(1), e.getValue()[0], ""));
    }
    return out;
  }

  private static void count(List<byte[][]> entries, Map<List<String>, long[]> counts) {
    List<Span> spans = new ArrayList<>(entries.size());
    Map<Long, String> serviceBySpanId = new HashMap<>();
    for (byte[][] e : entries) {
      Span s = BadgerSpanReader.decode(e[0], e[1]);
      spans.add(s);
      serviceBySpanId.put(s.spanId(), s.process().serviceName());
    }
    for (Span s : spans) {
      long parent = s.parentSpanId();
      if (parent == 0) {
        continue;
      }
      String parentService = serviceBySpanId.get(parent);
      String service = s.process().serviceName();
      if (parentService != null && !parentService.equals(service)) {
        counts.computeIfAbsent(List.of(parentService, service), k -> new long[1])[0]++;
      }
    }
  }
}
