// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.ConnectionInitException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Log;
import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Writes spans the way Jaeger 1.74's Cassandra writer does (spec A.6): the {@code traces} row, service and
 * operation names (de-duplicated for {@code span-store-write-cache-ttl}), {@code service_name_index},
 * {@code service_operation_index}, and unless the span is a firehose span, {@code tag_index} (filtered by
 * {@link TagFilter}) and two {@code duration_index} rows. No {@code USING TTL}: expiry is the tables' default TTL.
 *
 * <p>All statements are prepared and idempotent; the rows of one write call are grouped by table and partition key
 * and each partition goes out as one unlogged single-partition batch (see {@link Rows}), asynchronously through an
 * {@link InFlightLimiter}. The call's stage completes when every row is written, or exceptionally with the first
 * driver error (after the retries of {@link BoundedRetryPolicy}). Names are only remembered in the cache once
 * written.
 */
final class CassandraSpanWriter implements SpanWriter {
  private static final int MAX_INDEX_BYTES = 256;
  private static final long HOUR_MILLIS = 3_600_000L;
  private static final int SERVICE_CACHE_SIZE = 10_000;
  private static final int OPERATION_CACHE_SIZE = 100_000;
  static final int MAX_BATCH_ROWS = 100;
  static final long MAX_BATCH_BYTES = 256 * 1024;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final CqlSession session;
  private final SpanRows rows;
  private final TagFilter filter;
  private final long cacheTtlMillis;
  private final Clock clock;
  private final InFlightLimiter limiter;
  private final Map<String, Long> services = new ConcurrentHashMap<>();
  private final Map<String, Long> operations = new ConcurrentHashMap<>();
  private final Counter tagIndexSkipped;
  private final Counter statementsWritten;
  private final Counter requestsSent;
  private final Counter requestsRetried;

  private final PreparedStatement insertSpan;
  private final PreparedStatement insertService;
  private final PreparedStatement insertOperation;
  private final PreparedStatement insertServiceNameIndex;
  private final PreparedStatement insertServiceOperationIndex;
  private final PreparedStatement insertTagIndex;
  private final PreparedStatement insertDurationIndex;

  CassandraSpanWriter(CqlSession session, String keyspace, SpanRows rows, CassandraConfig config,
      InFlightLimiter limiter, MeterRegistry meters, Clock clock, String role) {
    this.session = session;
    this.rows = rows;
    this.filter = config.tagFilter();
    this.cacheTtlMillis = config.writeCacheTtl().toMillis();
    this.clock = clock;
    this.limiter = limiter;
    this.tagIndexSkipped = Counter.builder("jaeger_cassandra_tag_index_skipped")
        .description("Tag index rows not written: key or value too long, not UTF-8, or a JSON object value")
        .tag("role", role).register(meters);
    this.statementsWritten = Counter.builder("jaegerj_cassandra_rows_written")
        .description("Rows (INSERT statements) sent to Cassandra by the span writer").tag("role", role)
        .register(meters);
    this.requestsSent = Counter.builder("jaegerj_cassandra_write_requests")
        .description("Requests the span writer sent for those rows: single-partition unlogged batches or single"
            + " statements").tag("role", role).register(meters);
    this.requestsRetried = Counter.builder("jaegerj_cassandra_write_retries")
        .description("Write requests sent again after a backoff because Cassandra was unreachable, paused,"
            + " overloaded or timed out").tag("role", role).register(meters);
    String ks = keyspace + ".";
    insertSpan = prepare("INSERT INTO " + ks + "traces (trace_id, span_id, span_hash, parent_id, operation_name,"
        + " flags, start_time, duration, tags, logs, refs, process) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertService = prepare("INSERT INTO " + ks + "service_names (service_name) VALUES (?)");
    insertOperation = prepare("INSERT INTO " + ks + "operation_names_v2 (service_name, span_kind, operation_name)"
        + " VALUES (?, ?, ?)");
    insertServiceNameIndex = prepare("INSERT INTO " + ks + "service_name_index (service_name, bucket, start_time,"
        + " trace_id) VALUES (?, ?, ?, ?)");
    insertServiceOperationIndex = prepare("INSERT INTO " + ks + "service_operation_index (service_name,"
        + " operation_name, start_time, trace_id) VALUES (?, ?, ?, ?)");
    insertTagIndex = prepare("INSERT INTO " + ks + "tag_index (trace_id, span_id, service_name, start_time, tag_key,"
        + " tag_value) VALUES (?, ?, ?, ?, ?, ?)");
    insertDurationIndex = prepare("INSERT INTO " + ks + "duration_index (service_name, operation_name, bucket,"
        + " duration, start_time, trace_id) VALUES (?, ?, ?, ?, ?, ?)");
  }

  private PreparedStatement prepare(String cql) {
    return session.prepare(cql);
  }

  @Override
  public CompletionStage<Void> write(String tenant, List<Span> spans) {
    Tenants.require(tenant);
    if (spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Rows rows = new Rows();
    long now = clock.millis();
    // the same span twice in one call would be two inserts of one row in one batch, with one timestamp: Cassandra
    // then merges their list cells (tags, logs, refs twice over); one insert per span is the same write
    Set<Span> seen = spans.size() > 1 ? new HashSet<>(spans.size() * 2) : null;
    for (Span s : spans) {
      if (seen == null || seen.add(s)) {
        writeSpan(s, now, rows);
      }
    }
    return rows.send();
  }

  private void writeSpan(Span s, long now, Rows out) {
    ByteBuffer traceId = SpanRows.traceId(s.traceId());
    long hash = SpanRows.spanHash(s);
    String service = s.process().serviceName();
    out.add(insertSpan.bind(traceId, s.spanId(), hash, 0L, s.operationName(), s.flags(), s.startTimeMicros(),
        s.durationMicros(), rows.tags(s), rows.logs(s.logs()), rows.refs(s.references()),
        rows.process(s.process())));

    if (out.firstInBatch(service) && due(services, SERVICE_CACHE_SIZE, service, now)) {
      out.add(insertService.bind(service), remember(services, service, now));
    }
    String kind = s.spanKind();
    String opKey = service + "|" + kind + "|" + s.operationName();
    if (out.firstInBatch(opKey) && due(operations, OPERATION_CACHE_SIZE, opKey, now)) {
      out.add(insertOperation.bind(service, kind, s.operationName()), remember(operations, opKey, now));
    }
    int bucket = (int) Long.remainderUnsigned(hash, 10);
    out.add(insertServiceNameIndex.bind(service, bucket, s.startTimeMicros(), traceId));
    out.add(insertServiceOperationIndex.bind(service, s.operationName(), s.startTimeMicros(), traceId));
    if ((s.flags() & Span.FLAG_FIREHOSE) != 0) {
      return;
    }
    for (KeyValue kv : indexedTags(s)) {
      String value = kv.asString();
      if (!indexable(kv.key()) || !indexable(value) || looksLikeJsonObject(value)) {
        tagIndexSkipped.increment();
        continue;
      }
      out.add(insertTagIndex.bind(traceId, s.spanId(), service, s.startTimeMicros(), kv.key(), value));
    }
    Instant hourBucket = Instant.ofEpochMilli(roundToHour(s.startTimeMicros() / 1000));
    out.add(insertDurationIndex.bind(service, "", hourBucket, s.durationMicros(), s.startTimeMicros(), traceId));
    out.add(insertDurationIndex.bind(service, s.operationName(), hourBucket, s.durationMicros(),
        s.startTimeMicros(), traceId));
  }

  /** A partition of one table: its rows may share one single-partition batch. */
  private record PartitionKey(PreparedStatement statement, ByteBuffer routingKey) {}

  /**
   * The rows of one write call, grouped by partition. Rows of the same table and partition key go to Cassandra as
   * unlogged batches (one request, one mutation on the replica; single-partition batches are exempt from Cassandra's
   * batch size warnings), at most {@link #MAX_BATCH_ROWS} rows or about {@link #MAX_BATCH_BYTES} bytes each; a
   * partition with one row is sent as a plain statement. Every request is idempotent and passes the
   * {@link InFlightLimiter}.
   */
  private final class Rows {
    private final Map<PartitionKey, List<BoundStatement>> partitions = new LinkedHashMap<>();
    private final List<Runnable> onSuccess = new ArrayList<>(2);
    private final Set<String> names = new HashSet<>();
    private int statements;

    /** True the first time {@code name} is seen in this write call: one name row per batch is enough. */
    boolean firstInBatch(String name) {
      return names.add(name);
    }

    void add(BoundStatement st) {
      statements++;
      ByteBuffer key = st.getRoutingKey();
      partitions.computeIfAbsent(new PartitionKey(st.getPreparedStatement(), key == null ? ByteBuffer.allocate(0)
          : key), k -> new ArrayList<>(4)).add(st);
    }

    void add(BoundStatement st, Runnable afterWrite) {
      add(st);
      if (afterWrite != null) {
        onSuccess.add(afterWrite);
      }
    }

    CompletableFuture<Void> send() {
      List<CompletableFuture<?>> requests = new ArrayList<>(partitions.size());
      for (List<BoundStatement> rows : partitions.values()) {
        if (rows.size() == 1) {
          requests.add(CassandraSpanWriter.this.send(rows.get(0).setIdempotent(true)));
          continue;
        }
        int from = 0;
        while (from < rows.size()) {
          int to = from;
          long bytes = 0;
          while (to < rows.size() && to - from < MAX_BATCH_ROWS && (to == from || bytes < MAX_BATCH_BYTES)) {
            bytes += valueBytes(rows.get(to));
            to++;
          }
          requests.add(CassandraSpanWriter.this.send(to - from == 1 ? rows.get(from).setIdempotent(true)
              : BatchStatement.newInstance(DefaultBatchType.UNLOGGED,
                  new ArrayList<BatchableStatement<?>>(rows.subList(from, to))).setIdempotent(true)));
          from = to;
        }
      }
      statementsWritten.increment(statements);
      requestsSent.increment(requests.size());
      CompletableFuture<Void> all = CompletableFuture.allOf(requests.toArray(new CompletableFuture<?>[0]));
      if (onSuccess.isEmpty()) {
        return all;
      }
      return all.thenRun(() -> onSuccess.forEach(Runnable::run));
    }
  }

  private static long valueBytes(BoundStatement st) {
    long n = 0;
    for (ByteBuffer v : st.getValues()) {
      n += v == null ? 4 : 4 + v.remaining();
    }
    return n;
  }

  /** Nearest hour, half up, as Go's {@code time.Round(time.Hour)}. */
  static long roundToHour(long millis) {
    return Math.floorDiv(millis + HOUR_MILLIS / 2, HOUR_MILLIS) * HOUR_MILLIS;
  }

  /**
   * Sends a request through the in-flight limiter. A request that failed because Cassandra cannot take it right now
   * (no node reachable, a node paused or overloaded, timeouts after the {@link BoundedRetryPolicy} retries) is sent
   * again after a backoff of 50 ms doubling up to 2 s, for as long as the session is open: the batch is held, not
   * failed (the BACKPRESSURE contract), so nothing the collector acknowledged is dropped while Cassandra is down;
   * the collector stops taking from its queue and the receivers refuse new spans. Any other error fails the batch.
   */
  private CompletableFuture<AsyncResultSet> send(Statement<?> st) {
    CompletableFuture<AsyncResultSet> result = new CompletableFuture<>();
    attempt(st, result, 0);
    return result;
  }

  private void attempt(Statement<?> st, CompletableFuture<AsyncResultSet> result, int failures) {
    limiter.submit(() -> session.executeAsync(st)).whenComplete((rs, e) -> {
      if (e == null) {
        result.complete(rs);
        return;
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (!unavailable(cause) || session.isClosed()) {
        result.completeExceptionally(cause);
        return;
      }
      requestsRetried.increment();
      long delay = Math.min(MAX_BACKOFF_MILLIS, 50L << Math.min(failures, 6));
      CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> attempt(st, result,
          failures + 1));
    });
  }

  /** Errors that say "not now" rather than "never": the same request may succeed once Cassandra is back. */
  static boolean unavailable(Throwable e) {
    return e instanceof NoNodeAvailableException || e instanceof AllNodesFailedException
        || e instanceof DriverTimeoutException || e instanceof WriteTimeoutException
        || e instanceof UnavailableException || e instanceof OverloadedException
        || e instanceof BootstrappingException || e instanceof ClosedConnectionException
        || e instanceof HeartbeatException || e instanceof BusyConnectionException
        || e instanceof ConnectionInitException;
  }

  private boolean due(Map<String, Long> cache, int maxSize, String key, long now) {
    if (cacheTtlMillis <= 0) {
      return true;
    }
    Long until = cache.get(key);
    if (until != null && until > now) {
      return false;
    }
    if (cache.size() >= maxSize) {
      cache.clear();
    }
    return true;
  }

  /** Remembers a name once its row is written (null when the cache is off). */
  private Runnable remember(Map<String, Long> cache, String key, long now) {
    if (cacheTtlMillis <= 0) {
      return null;
    }
    return () -> cache.put(key, now + cacheTtlMillis);
  }

  /**
   * Filtered process tags, span tags and log fields; sorted, exact duplicates dropped. Unlike Jaeger, binary values
   * are indexed too (as lower-case hex, their AsString), so that a search for them finds them.
   */
  private List<KeyValue> indexedTags(Span s) {
    List<KeyValue> candidates = new ArrayList<>();
    if (filter.processTags()) {
      addFiltered(candidates, s.process().tags());
    }
    if (filter.spanTags()) {
      addFiltered(candidates, s.tags());
    }
    if (filter.logs()) {
      for (Log l : s.logs()) {
        addFiltered(candidates, l.fields());
      }
    }
    candidates.sort(Comparator.comparing(KeyValue::key).thenComparing(KeyValue::type)
        .thenComparing(KeyValue::asString));
    List<KeyValue> out = new ArrayList<>(candidates.size());
    KeyValue prev = null;
    for (KeyValue kv : candidates) {
      if (prev == null || !prev.equals(kv)) {
        out.add(kv);
      }
      prev = kv;
    }
    return out;
  }

  private void addFiltered(List<KeyValue> out, List<KeyValue> kvs) {
    for (KeyValue kv : kvs) {
      if (filter.keyIndexed(kv.key())) {
        out.add(kv);
      }
    }
  }

  /** Shorter than 256 bytes of UTF-8 and free of unpaired surrogates (which are not valid UTF-8). */
  static boolean indexable(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        bytes += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      } else {
        bytes += 3;
      }
      if (bytes >= MAX_INDEX_BYTES) {
        return false;
      }
    }
    return true;
  }

  /** Jaeger skips values that start with '{' and parse as JSON; we take a closing '}' as the sign of an object. */
  static boolean looksLikeJsonObject(String v) {
    return v.startsWith("{") && v.strip().endsWith("}");
  }
}
