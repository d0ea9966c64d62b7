// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.jaegerj.model.Span;
import io.jaegerj.storage.SpanScanner;
import io.jaegerj.storage.Tenants;
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the spans of a time range for the dependencies job through Jaeger's own time index instead of a scan of the
 * whole {@code traces} table: for every service of {@code service_names} and each of the 10 buckets of
 * {@code service_name_index}, the trace IDs whose spans started in the range (driver-paged), then each such trace
 * once by its partition key, keeping its spans that started in the range. Memory: one page of spans plus the set of
 * trace IDs already read in this call (about 100 bytes per trace of the range; the job calls it per hour).
 */
final class CassandraSpanScanner implements SpanScanner {
  private static final int BUCKETS = 10;

  private final CassandraStore store;

  CassandraSpanScanner(CassandraStore store) {
    this.store = store;
  }

  @Override
  public void scan(String tenant, long startMicros, long endMicros, int pageSize, Consumer<List<Span>> pages)
      throws IOException {
    Tenants.require(tenant);
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize " + pageSize + " (must be at least 1)");
    }
    CqlSession session = store.session();
    String ks;
    try {
      ks = store.keyspaceOf(tenant);
    } catch (IllegalArgumentException e) {
      return; // a tenant that cannot have a keyspace stored nothing
    }
    if (!Tenants.isDefault(tenant) && session.getMetadata().getKeyspace(ks).isEmpty()
        && session.refreshSchema().getKeyspace(ks).isEmpty()) {
      return; // the tenant never wrote anything
    }
    try {
      PreparedStatement services = session.prepare("SELECT service_name FROM " + ks + ".service_names");
      PreparedStatement ids = session.prepare("SELECT trace_id FROM " + ks + ".service_name_index"
          + " WHERE service_name = ? AND bucket = ? AND start_time >= ? AND start_time < ?");
      PreparedStatement trace = session.prepare("SELECT " + SpanRows.SELECT_COLUMNS + " FROM " + ks
          + ".traces WHERE trace_id = ?");
      Set<ByteBuffer> seen = new HashSet<>();
      List<Span> page = new ArrayList<>(Math.min(pageSize, 4096));
      List<String> names = new ArrayList<>();
      for (Row r : session.execute(services.bind().setIdempotent(true))) {
        names.add(r.getString(0));
      }
      for (String service : names) {
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
          for (Row r : session.execute(ids.bind(service, bucket, startMicros, endMicros).setIdempotent(true)
              .setPageSize(pageSize))) {
            ByteBuffer id = r.getByteBuffer(0);
            if (id == null || !seen.add(id)) {
              continue;
            }
            for (Row s : session.execute(trace.bind(id).setIdempotent(true).setPageSize(pageSize))) {
              Span span = SpanRows.span(s);
              if (span.startTimeMicros() >= startMicros && span.startTimeMicros() < endMicros) {
                page.add(span);
                if (page.size() >= pageSize) {
                  pages.accept(List.copyOf(page));
                  page.clear();
                }
              }
            }
          }
        }
      }
      if (!page.isEmpty()) {
        pages.accept(List.copyOf(page));
      }
    } catch (DriverException e) {
      throw new IOException("reading spans of " + ks + " failed: " + e.getMessage(), e);
    }
  }
}
