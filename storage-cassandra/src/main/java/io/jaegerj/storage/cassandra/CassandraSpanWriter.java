// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes spans the way Jaeger 1.74's Cassandra writer does (spec A.6): the {@code traces} row, service and
 * operation names (de-duplicated for {@code span-store-write-cache-ttl}), {@code service_name_index},
 * {@code service_operation_index}, and unless the span is a firehose span, {@code tag_index} (filtered by
 * {@link TagFilter}) and two {@code duration_index} rows. No {@code USING TTL}: expiry is the tables' default TTL.
 *
 * <p>All statements are prepared, idempotent and sent asynchronously through an {@link InFlightLimiter}; the batch's
 * stage completes when every row is written, or exceptionally with the first driver error (after the driver's
 * retries). Names are only remembered in the cache once written.
 */
final class CassandraSpanWriter implements SpanWriter {
  private static final int MAX_INDEX_BYTES = 256;
  private static final long HOUR_MILLIS = 3_600_000L;
  private static final int SERVICE_CACHE_SIZE = 10_000;
  private static final int OPERATION_CACHE_SIZE = 100_000;

  private final CqlSession session;
  private final SpanRows rows;
  private final TagFilter filter;
  private final long cacheTtlMillis;
  private final Clock clock;
  private final InFlightLimiter limiter;
  private final Map<String, Long> services = new ConcurrentHashMap<>();
  private final Map<String, Long> operations = new ConcurrentHashMap<>();
  private final Counter tagIndexSkipped;

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
    if (!Tenants.isDefault(tenant)) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException(
          "cassandra storage does not store tenants other than the default one yet (tenant: " + tenant + ")"));
    }
    if (spans.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<?>> all = new ArrayList<>(spans.size() * 8);
    long now = clock.millis();
    for (Span s : spans) {
      writeSpan(s, now, all);
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  private void writeSpan(Span s, long now, List<CompletableFuture<?>> out) {
    ByteBuffer traceId = SpanRows.traceId(s.traceId());
    long hash = SpanRows.spanHash(s);
    String service = s.process().serviceName();
    out.add(send(insertSpan.bind(traceId, s.spanId(), hash, 0L, s.operationName(), s.flags(), s.startTimeMicros(),
        s.durationMicros(), rows.tags(s), rows.logs(s.logs()), rows.refs(s.references()),
        rows.process(s.process()))));

    if (due(services, SERVICE_CACHE_SIZE, service, now)) {
      out.add(remember(send(insertService.bind(service)), services, service, now));
    }
    String kind = s.spanKind();
    String opKey = service + "|" + kind + "|" + s.operationName();
    if (due(operations, OPERATION_CACHE_SIZE, opKey, now)) {
      out.add(remember(send(insertOperation.bind(service, kind, s.operationName())), operations, opKey, now));
    }
    int bucket = (int) Long.remainderUnsigned(hash, 10);
    out.add(send(insertServiceNameIndex.bind(service, bucket, s.startTimeMicros(), traceId)));
    out.add(send(insertServiceOperationIndex.bind(service, s.operationName(), s.startTimeMicros(), traceId)));
    if ((s.flags() & Span.FLAG_FIREHOSE) != 0) {
      return;
    }
    for (KeyValue kv : indexedTags(s)) {
      String value = kv.asString();
      if (!indexable(kv.key()) || !indexable(value) || looksLikeJsonObject(value)) {
        tagIndexSkipped.increment();
        continue;
      }
      out.add(send(insertTagIndex.bind(traceId, s.spanId(), service, s.startTimeMicros(), kv.key(), value)));
    }
    Instant hourBucket = Instant.ofEpochMilli(roundToHour(s.startTimeMicros() / 1000));
    out.add(send(insertDurationIndex.bind(service, "", hourBucket, s.durationMicros(), s.startTimeMicros(),
        traceId)));
    out.add(send(insertDurationIndex.bind(service, s.operationName(), hourBucket, s.durationMicros(),
        s.startTimeMicros(), traceId)));
  }

  /** Nearest hour, half up, as Go's {@code time.Round(time.Hour)}. */
  static long roundToHour(long millis) {
    return Math.floorDiv(millis + HOUR_MILLIS / 2, HOUR_MILLIS) * HOUR_MILLIS;
  }

  private CompletableFuture<AsyncResultSet> send(BoundStatement st) {
    BoundStatement idempotent = st.setIdempotent(true);
    return limiter.submit(() -> session.executeAsync(idempotent));
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

  private CompletableFuture<?> remember(CompletableFuture<?> f, Map<String, Long> cache, String key, long now) {
    if (cacheTtlMillis <= 0) {
      return f;
    }
    return f.thenRun(() -> cache.put(key, now + cacheTtlMillis));
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
