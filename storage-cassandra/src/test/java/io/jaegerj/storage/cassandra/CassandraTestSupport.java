// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Opens the provider against the shared test node, each caller on fresh keyspaces. */
final class CassandraTestSupport {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private CassandraTestSupport() {}

  static String uniqueKeyspace(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
  }

  /** Settings for the shared node with {@code schema.create} on; {@code overrides} win. */
  static Settings settings(CassandraTestServer server, String keyspace, Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    m.put("cassandra.servers", "127.0.0.1");
    m.put("cassandra.port", Integer.toString(server.cqlPort()));
    m.put("cassandra.keyspace", keyspace);
    m.put("cassandra.schema.create", "true");
    m.put("cassandra.username", CassandraTestServer.USER);
    m.put("cassandra.password", CassandraTestServer.PASSWORD);
    m.putAll(overrides);
    return Settings.defaults(CassandraFlags.all(), m);
  }

  static CassandraStorageFactory open(Settings settings) {
    return open(settings, new SimpleMeterRegistry());
  }

  static CassandraStorageFactory open(Settings settings, MeterRegistry meters) {
    return (CassandraStorageFactory) new CassandraStorageProvider().open("cassandra", settings,
        new StorageContext(meters, Clock.systemUTC()));
  }
}
