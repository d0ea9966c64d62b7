// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.cassandra.dbmodel.SpanRows;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer, reader and dependency reader of one keyspace with Jaeger's schema (the configured keyspace of the
 * default tenant, or a tenant's own keyspace), on the session of its {@link CassandraStore}.
 */
final class KeyspaceStore {
  private static final Logger log = LoggerFactory.getLogger(KeyspaceStore.class);
  private static final String[] TABLES = {"traces", "service_names", "operation_names_v2", "service_name_index",
      "service_operation_index", "duration_index", "tag_index", "dependencies_v2"};

  private final String keyspace;
  private final CassandraSpanWriter writer;
  private final CassandraSpanReader reader;
  private final CassandraDependencyReader dependencies;

  /**
   * Checks the schema of {@code keyspace} (creating it when {@code create} is set and it is missing) and prepares
   * the statements. Blocks on the session: never call it on a driver thread.
   *
   * @param createHint how to create the keyspace, for the message when it is missing
   */
  KeyspaceStore(CqlSession session, String keyspace, boolean create, String createHint, CassandraConfig config,
      InFlightLimiter limiter, StorageContext context, String role) {
    this.keyspace = keyspace;
    KeyspaceMetadata ks = ensureSchema(session, keyspace, create, createHint);
    SpanRows rows = new SpanRows(udt(ks, "keyvalue"), udt(ks, "log"), udt(ks, "span_ref"), udt(ks, "process"));
    this.writer = new CassandraSpanWriter(session, keyspace, rows, config, limiter, context.meters(),
        context.clock(), role);
    this.reader = new CassandraSpanReader(session, keyspace);
    this.dependencies = new CassandraDependencyReader(session, keyspace);
  }

  private static KeyspaceMetadata ensureSchema(CqlSession session, String keyspace, boolean create,
      String createHint) {
    Optional<KeyspaceMetadata> ks = session.getMetadata().getKeyspace(keyspace);
    if (ks.isEmpty() || ks.get().getTable("traces").isEmpty()) {
      // the driver refreshes its schema metadata lazily after a change made elsewhere (the schema tool, another
      // process): ask the server once before deciding that the keyspace is missing
      ks = session.refreshSchema().getKeyspace(keyspace);
    }
    if (ks.isEmpty() || ks.get().getTable("traces").isEmpty()) {
      if (!create) {
        throw new IllegalStateException("keyspace " + keyspace + " (or its traces table) does not exist: "
            + createHint);
      }
      log.info("creating keyspace {} with Jaeger's schema v004", keyspace);
      SchemaTool.apply(session, Schema.forTests(keyspace));
      session.refreshSchema();
      ks = session.getMetadata().getKeyspace(keyspace);
    }
    if (ks.isEmpty()) {
      throw new IllegalStateException("keyspace " + keyspace + " not visible after creating it");
    }
    for (String table : TABLES) {
      if (ks.get().getTable(table).isEmpty()) {
        throw new IllegalStateException("table " + keyspace + "." + table + " is missing: this storage needs"
            + " Jaeger's schema v003 or v004 (apply it with the schema tool)");
      }
    }
    return ks.get();
  }

  private static UserDefinedType udt(KeyspaceMetadata ks, String name) {
    return ks.getUserDefinedType(name).orElseThrow(() -> new IllegalStateException(
        "type " + ks.getName().asInternal() + "." + name + " is missing: apply Jaeger's schema v004 with the schema"
            + " tool"));
  }

  String keyspace() {
    return keyspace;
  }

  CassandraSpanWriter writer() {
    return writer;
  }

  CassandraSpanReader reader() {
    return reader;
  }

  CassandraDependencyReader dependencies() {
    return dependencies;
  }
}
