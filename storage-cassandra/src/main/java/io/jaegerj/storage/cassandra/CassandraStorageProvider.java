// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import java.util.List;
import java.util.Set;

/**
 * {@code SPAN_STORAGE_TYPE=cassandra}: Jaeger's Cassandra schema v004 (v003 tables read the same) over the DataStax
 * Java driver 4.x. Flags {@code cassandra.*} and {@code cassandra-archive.*}; the archive keyspace opens when
 * {@code cassandra-archive.enabled=true} and inherits unset connection settings from the primary family.
 */
public final class CassandraStorageProvider implements StorageProvider {
  @Override
  public List<String> types() {
    return List.of("cassandra");
  }

  @Override
  public List<Flag> flags() {
    return CassandraFlags.all();
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) {
    if (!types().contains(type)) {
      throw new IllegalArgumentException("type: " + type + " (expected: cassandra)");
    }
    CassandraConfig primaryConfig = CassandraConfig.from(settings, CassandraFlags.PRIMARY);
    boolean archiveOn = settings.has(CassandraFlags.ARCHIVE + ".enabled")
        && settings.getBool(CassandraFlags.ARCHIVE + ".enabled");
    CassandraConfig archiveConfig = archiveOn
        ? CassandraConfig.from(settings, CassandraFlags.ARCHIVE).inheritFrom(primaryConfig, settings,
            CassandraFlags.ARCHIVE)
        : null;
    // a tenant keyspace (<keyspace>__<tenant>) may not take the other family's configured keyspace
    Set<String> archiveKeyspace = archiveConfig == null ? Set.of() : Set.of(archiveConfig.keyspace());
    CassandraStore primary = new CassandraStore(primaryConfig, context, "primary", archiveKeyspace);
    try {
      CassandraStore archive = archiveConfig == null ? null
          : new CassandraStore(archiveConfig, context, "archive", Set.of(primaryConfig.keyspace()));
      return new CassandraStorageFactory(primary, archive);
    } catch (RuntimeException e) {
      primary.close();
      throw e;
    }
  }
}
