// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
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
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Jaeger's Cassandra layout (spec A.8). Searches use the same indexes in the same order as Jaeger
 * (duration_index, service_operation_index, tag_index, service_name_index), with two differences:
 *
 * <ul>
 *   <li>duration together with tags is answered (Jaeger refuses it with "cannot query for duration and tags
 *       simultaneously");
 *   <li>a trace matches only when one single span satisfies every condition: several tags are intersected per
 *       (trace, span) from {@code tag_index}; when two different indexes are combined (operation or duration with
 *       tags) the candidate traces are loaded and checked span by span. Time bounds are inclusive.
 * </ul>
 *
 * Reads one keyspace; {@link CassandraStore} picks the keyspace of the query's tenant.
 *
 * <p>When more traces match than {@code numTraces} (0 or less: 100, as Jaeger) the ones with the latest indexed start
 * are kept.
 */
final class CassandraSpanReader implements SpanReader {
  private static final Logger log = LoggerFactory.getLogger(CassandraSpanReader.class);
  private static final long HOUR_MICROS = 3_600_000_000L;
  private static final long DEFAULT_MAX_DURATION = 24 * HOUR_MICROS;
  private static final int MAX_INDEX_ROWS = 100_000;

  private final CqlSession session;
  private final PreparedStatement selectTrace;
  private final PreparedStatement selectServices;
  private final PreparedStatement selectOperations;
  private final PreparedStatement selectOperationsByKind;
  private final PreparedStatement byServiceName;
  private final PreparedStatement byServiceOperation;
  private final PreparedStatement byTag;
  private final PreparedStatement byDuration;

  CassandraSpanReader(CqlSession session, String keyspace) {
    this.session = session;
    String ks = keyspace + ".";
    selectTrace = session.prepare("SELECT " + SpanRows.SELECT_COLUMNS + " FROM " + ks + "traces WHERE trace_id = ?");
    selectServices = session.prepare("SELECT service_name FROM " + ks + "service_names");
    selectOperations = session.prepare("SELECT span_kind, operation_name FROM " + ks
        + "operation_names_v2 WHERE service_name = ?");
    selectOperationsByKind = session.prepare("SELECT span_kind, operation_name FROM " + ks
        + "operation_names_v2 WHERE service_name = ? AND span_kind = ?");
    byServiceName = session.prepare("SELECT trace_id, start_time FROM " + ks + "service_name_index"
        + " WHERE service_name = ? AND bucket = ? AND start_time >= ? AND start_time <= ? LIMIT ?");
    byServiceOperation = session.prepare("SELECT trace_id, start_time FROM " + ks + "service_operation_index"
        + " WHERE service_name = ? AND operation_name = ? AND start_time >= ? AND start_time <= ? LIMIT ?");
    byTag = session.prepare("SELECT trace_id, span_id, start_time FROM " + ks + "tag_index"
        + " WHERE service_name = ? AND tag_key = ? AND tag_value = ? AND start_time >= ? AND start_time <= ?"
        + " LIMIT ?");
    byDuration = session.prepare("SELECT trace_id, start_time FROM " + ks + "duration_index"
        + " WHERE service_name = ? AND operation_name = ? AND bucket = ? AND duration >= ? AND duration <= ?"
        + " LIMIT ?");
  }

  // ------------------------------------------------------------------------------------------ simple reads

  @Override
  public Optional<Trace> getTrace(GetTraceQuery query) {
    return join(readTrace(query.traceId()));
  }

  private CompletableFuture<Optional<Trace>> readTrace(TraceId id) {
    List<Span> spans = new ArrayList<>();
    return all(selectTrace.bind(SpanRows.traceId(id)), row -> spans.add(SpanRows.span(row)))
        .thenApply(v -> spans.isEmpty() ? Optional.<Trace>empty() : Optional.of(Trace.of(spans)))
        .toCompletableFuture();
  }

  @Override
  public List<String> getServices(String tenant) {
    Tenants.require(tenant);
    List<String> out = new ArrayList<>();
    join(all(selectServices.bind(), row -> out.add(row.getString(0))));
    return out;
  }

  @Override
  public List<Operation> getOperations(OperationQuery query) {
    BoundStatement st = query.spanKind().isEmpty() ? selectOperations.bind(query.serviceName())
        : selectOperationsByKind.bind(query.serviceName(), query.spanKind());
    List<Operation> out = new ArrayList<>();
    join(all(st, row -> out.add(new Operation(row.getString("operation_name"), nullToEmpty(row.getString(0))))));
    return out;
  }

  // ---------------------------------------------------------------------------------------------- search

  @Override
  public List<Trace> findTraces(TraceQuery query) {
    List<Trace> out = new ArrayList<>();
    for (Map.Entry<TraceId, Optional<Trace>> e : search(query, true).entrySet()) {
      e.getValue().ifPresent(out::add);
    }
    return out;
  }

  @Override
  public List<TraceId> findTraceIds(TraceQuery query) {
    return new ArrayList<>(search(query, false).keySet());
  }

  /**
   * The matching trace IDs, latest first, with their traces. Traces are loaded when {@code load} is set or when
   * the candidates have to be checked span by span; otherwise the values are empty.
   */
  private Map<TraceId, Optional<Trace>> search(TraceQuery q, boolean load) {
    q.validate();
    int limit = q.numTraces() > 0 ? q.numTraces() : 100;
    int rowLimit = (int) Math.min(MAX_INDEX_ROWS, Math.max(1000L, limit * 10L));
    long min = q.startTimeMinMicros();
    long max = q.startTimeMaxMicros();
    boolean duration = q.durationMinMicros() != 0 || q.durationMaxMicros() != 0;
    boolean operation = !q.operationName().isEmpty();
    boolean tags = !q.tags().isEmpty();

    // candidate trace → latest indexed start time of a matching row
    Map<TraceId, Long> candidates;
    if (duration) {
      candidates = durationCandidates(q, rowLimit);
    } else if (operation) {
      candidates = collect(byServiceOperation.bind(q.serviceName(), q.operationName(), min, max, rowLimit));
    } else if (tags) {
      candidates = null;
    } else {
      List<CompletableFuture<Void>> parts = new ArrayList<>();
      Map<TraceId, Long> merged = new HashMap<>();
      for (int bucket = 0; bucket < 10; bucket++) {
        parts.add(all(byServiceName.bind(q.serviceName(), bucket, min, max, rowLimit),
            row -> merge(merged, row)).toCompletableFuture());
      }
      join(CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])));
      candidates = merged;
    }
    if (tags) {
      Map<TraceId, Long> tagged = tagCandidates(q, rowLimit);
      if (candidates == null) {
        candidates = tagged;
      } else {
        candidates.keySet().retainAll(tagged.keySet());
      }
    }
    boolean verify = tags && (duration || operation);

    List<Map.Entry<TraceId, Long>> ordered = new ArrayList<>(candidates.entrySet());
    ordered.sort((a, b) -> {
      int c = Long.compare(b.getValue(), a.getValue());
      return c != 0 ? c : a.getKey().compareTo(b.getKey());
    });
    Map<TraceId, Optional<Trace>> out = new LinkedHashMap<>();
    if (!load && !verify) {
      for (int j = 0; j < ordered.size() && out.size() < limit; j++) {
        out.put(ordered.get(j).getKey(), Optional.empty());
      }
      return out;
    }
    int i = 0;
    while (i < ordered.size() && out.size() < limit) {
      // load a window of candidates in parallel
      int end = Math.min(ordered.size(), i + Math.max(8, limit - out.size()));
      List<TraceId> ids = new ArrayList<>();
      List<CompletableFuture<Optional<Trace>>> loads = new ArrayList<>();
      for (int j = i; j < end; j++) {
        TraceId id = ordered.get(j).getKey();
        ids.add(id);
        loads.add(readTrace(id).exceptionally(e -> {
          log.warn("skipping trace {} in search results: {}", id, e.toString());
          return Optional.empty();
        }));
      }
      for (int j = 0; j < ids.size() && out.size() < limit; j++) {
        Optional<Trace> t = join(loads.get(j));
        if (t.isEmpty()) {
          continue;
        }
        if (!verify || anySpanMatches(t.get(), q)) {
          out.put(ids.get(j), t);
        }
      }
      i = end;
    }
    return out;
  }

  private Map<TraceId, Long> durationCandidates(TraceQuery q, int rowLimit) {
    long dMin = q.durationMinMicros();
    long dMax = q.durationMaxMicros() != 0 ? q.durationMaxMicros() : DEFAULT_MAX_DURATION;
    long first = CassandraSpanWriter.roundToHour(q.startTimeMinMicros() / 1000);
    long last = CassandraSpanWriter.roundToHour(q.startTimeMaxMicros() / 1000);
    Map<TraceId, Long> merged = new HashMap<>();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    long min = q.startTimeMinMicros();
    long max = q.startTimeMaxMicros();
    for (long bucket = last; bucket >= first; bucket -= 3_600_000L) {
      parts.add(all(byDuration.bind(q.serviceName(), q.operationName(), Instant.ofEpochMilli(bucket), dMin, dMax,
          rowLimit), row -> {
            long start = row.getLong(1);
            if (start >= min && start <= max) {
              merge(merged, row);
            }
          }).toCompletableFuture());
    }
    join(CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])));
    return merged;
  }

  /** Traces where one span has every tag: per tag the (trace, span) pairs, intersected. */
  private Map<TraceId, Long> tagCandidates(TraceQuery q, int rowLimit) {
    List<Map<String, Long>> perTag = new ArrayList<>();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    for (Map.Entry<String, String> tag : q.tags().entrySet()) {
      Map<String, Long> spans = new HashMap<>();
      perTag.add(spans);
      parts.add(all(byTag.bind(q.serviceName(), tag.getKey(), tag.getValue(), q.startTimeMinMicros(),
          q.startTimeMaxMicros(), rowLimit), row -> {
            TraceId id = SpanRows.traceId(row.getByteBuffer(0));
            synchronized (spans) {
              spans.merge(id.toHex32() + "/" + row.getLong(1), row.getLong(2), Math::max);
            }
          }).toCompletableFuture());
    }
    join(CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])));
    Set<String> common = new LinkedHashSet<>(perTag.get(0).keySet());
    for (Map<String, Long> m : perTag) {
      common.retainAll(m.keySet());
    }
    Map<TraceId, Long> out = new HashMap<>();
    for (String key : common) {
      TraceId id = TraceId.parse(key.substring(0, key.indexOf('/')));
      out.merge(id, perTag.get(0).get(key), Math::max);
    }
    return out;
  }

  private Map<TraceId, Long> collect(BoundStatement st) {
    Map<TraceId, Long> out = new HashMap<>();
    join(all(st, row -> merge(out, row)));
    return out;
  }

  private static void merge(Map<TraceId, Long> into, Row row) {
    TraceId id = SpanRows.traceId(row.getByteBuffer(0));
    long start = row.getLong(1);
    synchronized (into) {
      into.merge(id, start, Math::max);
    }
  }

  /** One span of the trace satisfies every condition of the query (the SPI's matching rule). */
  static boolean anySpanMatches(Trace t, TraceQuery q) {
    for (Span s : t.spans()) {
      if (spanMatches(s, q)) {
        return true;
      }
    }
    return false;
  }

  static boolean spanMatches(Span s, TraceQuery q) {
    if (!s.process().serviceName().equals(q.serviceName())) {
      return false;
    }
    if (!q.operationName().isEmpty() && !s.operationName().equals(q.operationName())) {
      return false;
    }
    if (q.startTimeMinMicros() != 0 && s.startTimeMicros() < q.startTimeMinMicros()) {
      return false;
    }
    if (q.startTimeMaxMicros() != 0 && s.startTimeMicros() > q.startTimeMaxMicros()) {
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
    if (has(s.tags(), key, value) || has(s.process().tags(), key, value)) {
      return true;
    }
    for (Log l : s.logs()) {
      if (has(l.fields(), key, value)) {
        return true;
      }
    }
    return false;
  }

  private static boolean has(List<KeyValue> kvs, String key, String value) {
    for (KeyValue kv : kvs) {
      if (kv.key().equals(key) && kv.asString().equals(value)) {
        return true;
      }
    }
    return false;
  }

  // --------------------------------------------------------------------------------------------- plumbing

  /** Runs the statement and feeds every row of every page to {@code sink}, asynchronously. */
  private CompletableFuture<Void> all(BoundStatement st, Consumer<Row> sink) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    session.executeAsync(st.setIdempotent(true)).whenComplete((rs, e) -> page(rs, e, sink, done));
    return done;
  }

  private static void page(AsyncResultSet rs, Throwable e, Consumer<Row> sink, CompletableFuture<Void> done) {
    if (e != null) {
      done.completeExceptionally(e);
      return;
    }
    try {
      for (Row row : rs.currentPage()) {
        sink.accept(row);
      }
    } catch (RuntimeException ex) {
      done.completeExceptionally(ex);
      return;
    }
    if (rs.hasMorePages()) {
      rs.fetchNextPage().whenComplete((next, err) -> page(next, err, sink, done));
    } else {
      done.complete(null);
    }
  }

  /** Waits, rethrowing the driver's own exception. */
  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause()
          : e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
