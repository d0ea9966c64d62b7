// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.UdtValue;
import io.jaegerj.model.DependencyLink;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.Tenants;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code dependencies_v2} (spec A.9): one partition per UTC day ({@code ts_bucket}), rows by {@code ts}, read
 * at consistency ONE; the links of every row are concatenated, an empty {@code source} reads as {@code jaeger}.
 * Rows are written by the spark-dependencies job (or {@link #insert} in tests).
 */
final class CassandraDependencyReader implements DependencyReader {
  private static final long DAY_MILLIS = 86_400_000L;

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final String keyspace;

  CassandraDependencyReader(CqlSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
    select = session.prepare("SELECT ts, dependencies FROM " + keyspace + ".dependencies_v2"
        + " WHERE ts_bucket = ? AND ts >= ? AND ts < ?");
    insert = session.prepare("INSERT INTO " + keyspace + ".dependencies_v2 (ts, ts_bucket, dependencies)"
        + " VALUES (?, ?, ?)");
  }

  @Override
  public List<DependencyLink> getDependencies(String tenant, long endTsMicros, long lookbackMicros) {
    Tenants.require(tenant);
    long endMillis = endTsMicros / 1000;
    long startMillis = (endTsMicros - lookbackMicros) / 1000;
    List<DependencyLink> out = new ArrayList<>();
    for (long day = Math.floorDiv(startMillis, DAY_MILLIS) * DAY_MILLIS; day < endMillis; day += DAY_MILLIS) {
      for (Row row : session.execute(select.bind(Instant.ofEpochMilli(day), Instant.ofEpochMilli(startMillis),
          Instant.ofEpochMilli(endMillis)).setConsistencyLevel(ConsistencyLevel.ONE).setIdempotent(true))) {
        for (UdtValue d : row.getList("dependencies", UdtValue.class)) {
          String source = d.getString("source");
          out.add(new DependencyLink(d.getString("parent"), d.getString("child"), d.getLong("call_count"),
              source == null || source.isEmpty() ? "jaeger" : source));
        }
      }
    }
    return out;
  }

  /** Writes one row as the spark-dependencies job does: {@code ts_bucket} is the UTC day of {@code ts}. */
  void insert(long tsMillis, List<DependencyLink> links) {
    var type = session.getMetadata().getKeyspace(keyspace).flatMap(k -> k.getUserDefinedType("dependency"))
        .orElseThrow(() -> new IllegalStateException("type " + keyspace + ".dependency missing"));
    List<UdtValue> values = new ArrayList<>();
    for (DependencyLink l : links) {
      values.add(type.newValue().setString("parent", l.parent()).setString("child", l.child())
          .setLong("call_count", l.callCount()).setString("source", l.source()));
    }
    session.execute(insert.bind(Instant.ofEpochMilli(tsMillis),
        Instant.ofEpochMilli(Math.floorDiv(tsMillis, DAY_MILLIS) * DAY_MILLIS), values));
  }
}
