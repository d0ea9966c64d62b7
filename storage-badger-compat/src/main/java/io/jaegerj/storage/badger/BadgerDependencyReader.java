// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.model.Hex;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.badger.dbmodel.Keys;
import io.jaegerj.storage.badger.dbmodel.ProtoSpanCodec;
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
 * The span keys are visited trace by trace (each trace's keys are ordered by start time, so one seek finds its first
 * span at or after the window start); the spans of a trace are read only when that span starts within the window,
 * and then only their IDs, references and
 * service names are decoded ({@link ProtoSpanCodec#decodeLink}). Expired spans are left out.
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
  public List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
    BadgerNamespace ns = store.namespace(Tenants.require(tenant));
    if (ns == null) {
      return List.of();
    }
    if (lookbackMicros < 0) {
      throw new IllegalArgumentException("lookback: " + lookbackMicros + " (expected: >= 0)");
    }
    long start = Math.max(0, endTsMicros - lookbackMicros);
    long now = clock.instant().getEpochSecond();
    Map<List<String>, long[]> counts = new LinkedHashMap<>();
    store.enter();
    try (ReadOptions ro = new ReadOptions().setFillCache(false);
        RocksIterator keys = store.db.newIterator(ns.spans, ro);
        RocksIterator values = store.db.newIterator(ns.spans, ro)) {
      // Per trace: seek to its first key at or after the window start; if that key is still in the trace and not
      // past the window end, count the trace; then seek to the next trace.
      keys.seek(new byte[] {Keys.SPAN});
      while (keys.isValid()) {
        byte[] key = keys.key();
        if (key[0] != Keys.SPAN) {
          break;
        }
        long ts = Keys.spanKeyStartMicros(key);
        if (ts < start) {
          byte[] from = Arrays.copyOf(key, 25);
          Hex.putLong(from, 17, start);
          keys.seek(from);
          continue;
        }
        if (ts <= endTsMicros) {
          count(readLinks(values, key, now), counts);
        }
        byte[] next = Keys.prefixEnd(Arrays.copyOf(key, 17));
        if (next == null) {
          break;
        }
        keys.seek(next);
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

  /** The dependency view of the live spans of the trace whose key prefix {@code anyKeyOfTrace} starts with. */
  private static List<ProtoSpanCodec.Link> readLinks(RocksIterator it, byte[] anyKeyOfTrace, long now) {
    byte[] prefix = Arrays.copyOf(anyKeyOfTrace, 17);
    List<ProtoSpanCodec.Link> links = new ArrayList<>();
    for (it.seek(prefix); it.isValid(); it.next()) {
      byte[] key = it.key();
      if (!Keys.startsWith(key, prefix)) {
        break;
      }
      byte[] value = it.value();
      if (Values.expired(Values.spanExpiry(value), now)) {
        continue;
      }
      try {
        links.add(ProtoSpanCodec.decodeLink(value, Values.SPAN_HEADER_LENGTH,
            value.length - Values.SPAN_HEADER_LENGTH));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt span entry " + Hex.of(key), e);
      }
    }
    return links;
  }

  private static void count(List<ProtoSpanCodec.Link> spans, Map<List<String>, long[]> counts) {
    Map<Long, String> serviceBySpanId = new HashMap<>();
    for (ProtoSpanCodec.Link s : spans) {
      serviceBySpanId.put(s.spanId(), s.service());
    }
    for (ProtoSpanCodec.Link s : spans) {
      long parent = s.parentSpanId();
      if (parent == 0) {
        continue;
      }
      String parentService = serviceBySpanId.get(parent);
      if (parentService != null && !parentService.equals(s.service())) {
        counts.computeIfAbsent(List.of(parentService, s.service()), k -> new long[1])[0]++;
      }
    }
  }
}
