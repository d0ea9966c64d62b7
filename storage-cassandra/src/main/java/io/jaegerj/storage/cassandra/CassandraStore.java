// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One keyspace (primary or archive) on its own session: checks that the schema is there (creating it when
 * {@code schema.create} is set), then prepares the writer, reader, dependency reader and sampling store.
 */
final class CassandraStore implements ArchiveStorage, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CassandraStore.class);
  /** Statements in flight per store; the driver allows 1024 per connection. */
  static final int MAX_IN_FLIGHT = 1024;

  private final CqlSession session;
  private final String keyspace;
  private final CassandraSpanWriter writer;
  private final CassandraSpanReader reader;
  private final CassandraDependencyReader dependencies;
  private final CassandraSamplingStore sampling;
  private final InFlightLimiter limiter;

  CassandraStore(CassandraConfig config, StorageContext context, String role) {
    this.keyspace = config.keyspace();
    this.session = Sessions.open(config, "jaegerj-" + role);
    try {
      KeyspaceMetadata ks = ensureSchema(config);
      SpanRows rows = new SpanRows(udt(ks, "keyvalue"), udt(ks, "log"), udt(ks, "span_ref"), udt(ks, "process"));
      this.limiter = new InFlightLimiter(MAX_IN_FLIGHT);
      this.writer = new CassandraSpanWriter(session, keyspace, rows, config, limiter, context.meters(),
          context.clock(), role);
      this.reader = new CassandraSpanReader(session, keyspace);
      this.dependencies = new CassandraDependencyReader(session, keyspace);
      this.sampling = new CassandraSamplingStore(session, keyspace, context.clock());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private KeyspaceMetadata ensureSchema(CassandraConfig config) {
    Optional<KeyspaceMetadata> ks = session.getMetadata().getKeyspace(keyspace);
    if (ks.isEmpty() || ks.get().getTable("traces").isEmpty()) {
      if (!config.createSchema()) {
        throw new IllegalStateException("keyspace " + keyspace + " (or its traces table) does not exist: create it"
            + " with the schema tool (storage-cassandra README) or start with --cassandra.schema.create=true");
      }
      log.info("creating keyspace {} with Jaeger's schema v004", keyspace);
      SchemaTool.apply(session, Schema.forTests(keyspace));
      session.refreshSchema();
      ks = session.getMetadata().getKeyspace(keyspace);
    }
    if (ks.isEmpty()) {
      throw new IllegalStateException("keyspace " + keyspace + " not visible after creating it");
    }
    for (String table : new String[] {"traces", "service_names", "operation_names_v2", "service_name_index",
        "service_operation_index", "duration_index", "tag_index", "dependencies_v2"}) {
      if (ks.get().getTable(table).isEmpty()) {
        throw new IllegalStateException("table " + keyspace + "." + table + " is missing: this storage needs"
            + " Jaeger's schema v003 or v004 (apply it with the schema tool)");
      }
    }
    return ks.get();
  }

  private UserDefinedType udt(KeyspaceMetadata ks, String name) {
    return ks.getUserDefinedType(name).orElseThrow(() -> new IllegalStateException(
        "type " + keyspace + "." + name + " is missing: apply Jaeger's schema v004 with the schema tool"));
  }

  CqlSession session() {
    return session;
  }

  String keyspace() {
    return keyspace;
  }

  @Override
  public SpanWriter writer() {
    return writer;
  }

  @Override
  public SpanReader reader() {
    return reader;
  }

  CassandraDependencyReader dependencies() {
    return dependencies;
  }

  CassandraSamplingStore sampling() {
    return sampling;
  }

  InFlightLimiter limiter() {
    return limiter;
  }

  void check() {
    session.execute("SELECT release_version FROM system.local");
  }

  @Override
  public void close() {
    session.close();
  }
}
