// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.storage.DependencyWriter;
import io.jaegerj.storage.Tenants;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends dependency records to {@code dependencies_v2} (spec A.9) as the spark-dependencies job does: one row
 * {@code (ts, ts_bucket = UTC day of ts, dependencies list<frozen<dependency>>)} per call, read by Jaeger's reader
 * and {@link CassandraDependencyReader}. A non-default tenant's rows go to its own keyspace ({@code <ks>__<enc>}),
 * which its span writes created; a tenant without a keyspace is refused.
 *
 * <p>The row key is {@code (ts_bucket, ts)} at millisecond precision, so two writers (two collectors flushing in
 * the same millisecond, or two runs of the batch job for one day) would overwrite each other's record. Records are
 * appended instead: the row is inserted {@code IF NOT EXISTS}, and on a clash {@code ts} moves 1 ms later (up to
 * {@value #MAX_SHIFTS_MILLIS} times, staying in the same day). One lightweight transaction per tenant per flush.
 */
final class CassandraDependencyWriter implements DependencyWriter {
  static final int MAX_SHIFTS_MILLIS = 1000;
  private static final long DAY_MILLIS = 86_400_000L;

  private final CassandraStore store;
  private final ConcurrentHashMap<String, Prepared> prepared = new ConcurrentHashMap<>();

  private record Prepared(PreparedStatement insert, UserDefinedType dependency) {}

  CassandraDependencyWriter(CassandraStore store) {
    this.store = store;
  }

  @Override
  public void writeDependencies(String tenant, long timestampMicros, List<DependencyLink> links) throws IOException {
    Tenants.require(tenant);
    if (links.isEmpty()) {
      return;
    }
    String keyspace;
    try {
      keyspace = store.keyspaceOf(tenant);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedOperationException(e.getMessage(), e);
    }
    try {
      Prepared p = prepared.computeIfAbsent(keyspace, this::prepare);
      List<UdtValue> values = new ArrayList<>(links.size());
      for (DependencyLink l : links) {
        values.add(p.dependency().newValue().setString("parent", l.parent()).setString("child", l.child())
            .setLong("call_count", l.callCount()).setString("source", l.source()));
      }
      long ts = Math.floorDiv(timestampMicros, 1000);
      long bucket = Math.floorDiv(ts, DAY_MILLIS) * DAY_MILLIS;
      for (int shift = 0; shift <= MAX_SHIFTS_MILLIS && ts + shift < bucket + DAY_MILLIS; shift++) {
        boolean applied = store.session().execute(p.insert().bind(Instant.ofEpochMilli(ts + shift),
            Instant.ofEpochMilli(bucket), values)).wasApplied();
        if (applied) {
          return;
        }
      }
      throw new IOException("no free dependencies_v2 row in " + keyspace + " within " + MAX_SHIFTS_MILLIS
          + " ms after " + Instant.ofEpochMilli(ts));
    } catch (DriverException e) {
      throw new IOException("writing dependencies to " + keyspace + ".dependencies_v2 failed: " + e.getMessage(), e);
    }
  }

  private Prepared prepare(String keyspace) {
    CqlSession session = store.session();
    Optional<KeyspaceMetadata> ks = session.getMetadata().getKeyspace(keyspace);
    if (ks.isEmpty() || ks.get().getUserDefinedType("dependency").isEmpty()) {
      ks = session.refreshSchema().getKeyspace(keyspace);
    }
    UserDefinedType type = ks.flatMap(k -> k.getUserDefinedType("dependency")).orElseThrow(
        () -> new UnsupportedOperationException("keyspace " + keyspace + " (or its dependency type) does not exist:"
            + " dependencies are stored only where spans of the tenant were stored"));
    PreparedStatement insert = session.prepare("INSERT INTO " + keyspace + ".dependencies_v2 (ts, ts_bucket,"
        + " dependencies) VALUES (?, ?, ?) IF NOT EXISTS");
    return new Prepared(insert, type);
  }
}
