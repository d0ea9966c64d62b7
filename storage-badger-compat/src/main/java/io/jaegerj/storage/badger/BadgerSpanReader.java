// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.badger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegerj.model.Hex;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.TraceQuery;
import io.jaegerj.storage.badger.dbmodel.Keys;
import io.jaegerj.storage.badger.dbmodel.ProtoSpanCodec;
import io.jaegerj.storage.badger.dbmodel.Values;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * Reads spans through the index layout described in the README.
 *
 * <p>{@link #findTraceIds}: one reverse scan per index seek (each tag, then the operation or else the service)
 * over {@code [startTimeMin, startTimeMax]}; all seeks but the ordering one, and the duration range scan, are
 * intersected as trace ID sets; the ordering seek is then walked newest first. When more than one condition came from
 * different index entries, each candidate trace is loaded and kept only if one single span satisfies the whole query
 * (Jaeger's Badger store accepts traces whose conditions are met by different spans). A duration bound is first
 * checked on the loaded candidates alone; only when that needs more than {@link #DURATION_VERIFY_BUDGET} loads does
 * the search scan the duration index (whose size grows with every span of every service in the range). Both ways
 * give the same result. Results are newest first and
 * at most {@code numTraces} (100 when it is not positive).
 *
 * <p>Services and operations come from the in-memory {@link ServiceCache}, sorted. Expired entries are invisible even
 * before the maintenance purge deletes them. Every read looks only at the column families of the query's tenant
 * ({@link BadgerNamespace}); a tenant that never wrote here reads nothing. Thread-safe.
 */
final class BadgerSpanReader implements SpanReader {
  static final int DEFAULT_NUM_TRACES = 100;
  /** Trace loads tried before a duration-bounded search falls back to scanning the duration index. */
  static final int DURATION_VERIFY_BUDGET = 1_000;

  private final BadgerDb store;
  private final Clock clock;
  private final int verifyBudget;

  BadgerSpanReader(BadgerDb store, Clock clock) {
    this(store, clock, DURATION_VERIFY_BUDGET);
  }

  BadgerSpanReader(BadgerDb store, Clock clock, int verifyBudget) {
    this.store = store;
    this.clock = clock;
    this.verifyBudget = verifyBudget;
  }

  @Override
  public Optional<Trace> getTrace(GetTraceQuery query) {
    Objects.requireNonNull(query, "query");
    BadgerNamespace ns = store.namespace(Tenants.require(query.tenant()));
    if (ns == null) {
      return Optional.empty();
    }
    long now = clock.instant().getEpochSecond();
    store.enter();
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = store.db.newIterator(ns.spans, ro)) {
      List<Span> spans = readTrace(it, query.traceId(), now);
      return spans.isEmpty() ? Optional.empty() : Optional.of(Trace.of(spans));
    } finally {
      store.exit();
    }
  }

  @Override
  public List<String> getServices(String tenant) {
    BadgerNamespace ns = store.namespace(Tenants.require(tenant));
    return ns == null ? List.of() : ns.cache.services(clock.instant().getEpochSecond());
  }

  @Override
  public List<Operation> getOperations(OperationQuery query) {
    Objects.requireNonNull(query, "query");
    BadgerNamespace ns = store.namespace(Tenants.require(query.tenant()));
    return ns == null ? List.of()
        : ns.cache.operations(query.serviceName(), query.spanKind(), clock.instant().getEpochSecond());
  }

  @Override
  public List<Trace> findTraces(TraceQuery query) {
    Map<TraceId, List<Span>> found = search(query, true);
    List<Trace> out = new ArrayList<>(found.size());
    for (List<Span> spans : found.values()) {
      out.add(Trace.of(spans));
    }
    return out;
  }

  @Override
  public List<TraceId> findTraceIds(TraceQuery query) {
    return new ArrayList<>(search(query, false).keySet());
  }

  /** Trace IDs in result order, mapped to their spans when {@code load} (or verification) read them. */
  private Map<TraceId, List<Span>> search(TraceQuery q, boolean load) {
    Objects.requireNonNull(q, "query");
    q.validate();
    BadgerNamespace ns = store.namespace(Tenants.require(q.tenant()));
    if (ns == null) {
      return new LinkedHashMap<>();
    }
    int limit = q.numTraces() > 0 ? q.numTraces() : DEFAULT_NUM_TRACES;
    long now = clock.instant().getEpochSecond();
    String service = q.serviceName();

    List<byte[]> filters = new ArrayList<>(q.tags().size());
    for (Map.Entry<String, String> tag : q.tags().entrySet()) {
      filters.add(Keys.tagSeek(service, tag.getKey(), tag.getValue()));
    }
    byte[] ordering;
    if (!q.operationName().isEmpty()) {
      ordering = Keys.operationSeek(service, q.operationName());
    } else if (filters.isEmpty()) {
      ordering = Keys.serviceSeek(service);
    } else {
      ordering = filters.remove(0);
    }
    boolean durationBound = q.durationMinMicros() != 0 || q.durationMaxMicros() != 0;
    boolean verify = !filters.isEmpty() || durationBound;

    store.enter();
    try (ReadOptions ro = new ReadOptions();
        RocksIterator index = store.db.newIterator(ns.index, ro);
        RocksIterator spans = store.db.newIterator(ns.spans, ro)) {
      Set<TraceId> allowed = null;
      for (byte[] seek : filters) {
        Set<TraceId> ids = scanIds(index, seek, q.startTimeMinMicros(), q.startTimeMaxMicros(), now);
        if (allowed == null) {
          allowed = ids;
        } else {
          allowed.retainAll(ids);
        }
        if (allowed.isEmpty()) {
          return new LinkedHashMap<>();
        }
      }
      if (durationBound) {
        // Cheap first: check durations on the candidates themselves, within a budget of trace loads.
        Map<TraceId, List<Span>> out = walk(index, spans, ordering, allowed, q, limit, now, true, verifyBudget);
        if (out != null) {
          return out;
        }
        Set<TraceId> ids = scanDurations(index, q, now);
        if (allowed == null) {
          allowed = ids;
        } else {
          allowed.retainAll(ids);
        }
        if (allowed.isEmpty()) {
          return new LinkedHashMap<>();
        }
      }
      return walk(index, spans, ordering, allowed, q, limit, now, verify || load, Integer.MAX_VALUE);
    } finally {
      store.exit();
    }
  }

  /**
   * Walks the ordering seek newest first and collects up to {@code limit} traces that are in {@code allowed} (when
   * set) and, when {@code check}, have one span matching the whole query (the trace is loaded to check it). Returns
   * null when more than {@code budget} traces had to be loaded.
   */
  private static Map<TraceId, List<Span>> walk(RocksIterator index, RocksIterator spans, byte[] ordering,
      Set<TraceId> allowed, TraceQuery q, int limit, long now, boolean check, int budget) {
    Map<TraceId, List<Span>> out = new LinkedHashMap<>();
    Set<TraceId> rejected = new HashSet<>();
    int loads = 0;
    index.seekForPrev(Keys.indexUpperBound(ordering, q.startTimeMaxMicros()));
    for (; index.isValid() && out.size() < limit; index.prev()) {
      byte[] key = index.key();
      if (!Keys.startsWith(key, ordering)) {
        break;
      }
      if (key.length != ordering.length + Keys.INDEX_SUFFIX_LENGTH) {
        continue;
      }
      if (Keys.indexStartMicros(key) < q.startTimeMinMicros()) {
        break;
      }
      TraceId tid = Keys.indexTraceId(key);
      if (out.containsKey(tid) || rejected.contains(tid) || (allowed != null && !allowed.contains(tid))) {
        continue;
      }
      if (Values.expired(Values.indexExpiry(index.value()), now)) {
        continue;
      }
      if (!check) {
        out.put(tid, null);
        continue;
      }
      if (++loads > budget) {
        return null;
      }
      List<Span> trace = readTrace(spans, tid, now);
      if (trace.isEmpty() || !anySpanMatches(trace, q)) {
        rejected.add(tid);
        continue;
      }
      out.put(tid, trace);
    }
    return out;
  }

  /** Trace IDs of every live index entry {@code seek ‖ ts ‖ id} with {@code min <= ts <= max}. */
  private static Set<TraceId> scanIds(RocksIterator it, byte[] seek, long min, long max, long now) {
    Set<TraceId> ids = new HashSet<>();
    it.seekForPrev(Keys.indexUpperBound(seek, max));
    for (; it.isValid(); it.prev()) {
      byte[] key = it.key();
      if (!Keys.startsWith(key, seek)) {
        break;
      }
      if (key.length != seek.length + Keys.INDEX_SUFFIX_LENGTH) {
        continue;
      }
      if (Keys.indexStartMicros(key) < min) {
        break;
      }
      if (!Values.expired(Values.indexExpiry(it.value()), now)) {
        ids.add(Keys.indexTraceId(key));
      }
    }
    return ids;
  }

  /**
   * Trace IDs of spans whose duration is within the query's bounds and whose start is within its window: a forward
   * scan of the duration index that jumps over start times outside the window instead of reading them.
   */
  private static Set<TraceId> scanDurations(RocksIterator it, TraceQuery q, long now) {
    long dMin = q.durationMinMicros();
    long dMax = q.durationMaxMicros() != 0 ? q.durationMaxMicros() : -1L;
    long min = q.startTimeMinMicros();
    long max = q.startTimeMaxMicros();
    Set<TraceId> ids = new HashSet<>();
    it.seek(Keys.indexKey(Keys.durationSeek(dMin), min, TraceId.ZERO));
    while (it.isValid()) {
      byte[] key = it.key();
      if (key[0] != Keys.DURATION || key.length != 9 + Keys.INDEX_SUFFIX_LENGTH) {
        break;
      }
      long d = Keys.durationOf(key);
      if (Long.compareUnsigned(d, dMax) > 0) {
        break;
      }
      long ts = Keys.indexStartMicros(key);
      if (ts > max) {
        if (d == -1L) {
          break;
        }
        it.seek(Keys.indexKey(Keys.durationSeek(d + 1), min, TraceId.ZERO));
        continue;
      }
      if (ts < min) {
        it.seek(Keys.indexKey(Keys.durationSeek(d), min, TraceId.ZERO));
        continue;
      }
      if (!Values.expired(Values.indexExpiry(it.value()), now)) {
        ids.add(Keys.indexTraceId(key));
      }
      it.next();
    }
    return ids;
  }

  /** Live spans of a trace in key order (start time, then span ID). */
  static List<Span> readTrace(RocksIterator it, TraceId traceId, long now) {
    byte[] prefix = Keys.tracePrefix(traceId);
    List<Span> spans = new ArrayList<>();
    for (it.seek(prefix); it.isValid(); it.next()) {
      byte[] key = it.key();
      if (!Keys.startsWith(key, prefix)) {
        break;
      }
      byte[] value = it.value();
      if (!Values.expired(Values.spanExpiry(value), now)) {
        spans.add(decode(key, value));
      }
    }
    return spans;
  }

  static Span decode(byte[] key, byte[] value) {
    if (value.length < Values.SPAN_HEADER_LENGTH || value[0] != Values.ENCODING_PROTOBUF) {
      throw new IllegalStateException("unknown span encoding in entry " + Hex.of(key));
    }
    try {
      return ProtoSpanCodec.decode(value, Values.SPAN_HEADER_LENGTH, value.length - Values.SPAN_HEADER_LENGTH);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt span entry " + Hex.of(key), e);
    }
  }

  static boolean anySpanMatches(List<Span> trace, TraceQuery q) {
    for (int i = 0; i < trace.size(); i++) {
      if (matches(trace.get(i), q)) {
        return true;
      }
    }
    return false;
  }

  /** The single-span condition of {@link TraceQuery}. */
  static boolean matches(Span s, TraceQuery q) {
    if (!s.process().serviceName().equals(q.serviceName())) {
      return false;
    }
    if (!q.operationName().isEmpty() && !q.operationName().equals(s.operationName())) {
      return false;
    }
    long start = s.startTimeMicros();
    if (q.startTimeMinMicros() != 0 && start < q.startTimeMinMicros()) {
      return false;
    }
    if (q.startTimeMaxMicros() != 0 && start > q.startTimeMaxMicros()) {
      return false;
    }
    if (q.durationMinMicros() != 0 && s.durationMicros() < q.durationMinMicros()) {
      return false;
    }
    if (q.durationMaxMicros() != 0 && s.durationMicros() > q.durationMaxMicros()) {
      return false;
    }
    for (Map.Entry<String, String> tag : q.tags().entrySet()) {
      if (!hasTag(s, tag.getKey(), tag.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasTag(Span s, String key, String value) {
    if (contains(s.tags(), key, value) || contains(s.process().tags(), key, value)) {
      return true;
    }
    for (Log l : s.logs()) {
      if (contains(l.fields(), key, value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(List<KeyValue> kvs, String key, String value) {
    for (int i = 0; i < kvs.size(); i++) {
      KeyValue kv = kvs.get(i);
      if (kv.key().equals(key) && kv.asString().equals(value)) {
        return true;
      }
    }
    return false;
  }
}
