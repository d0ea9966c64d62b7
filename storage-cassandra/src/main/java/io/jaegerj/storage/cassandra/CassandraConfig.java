// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import io.jaegerj.config.Settings;
import io.jaegerj.tls.ClientTlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code cassandra.*} (or {@code cassandra-archive.*}) flag family, validated. Server lists tolerate spaces
 * ({@code CASSANDRA_SERVERS="1.2.3.4, 5.6.7.8"}) and accept {@code host:port} entries.
 */
record CassandraConfig(
    List<String> servers,
    int port,
    String keyspace,
    String localDc,
    String consistency,
    int connectionsPerHost,
    int protoVersion,
    Duration timeout,
    Duration connectTimeout,
    Duration reconnectInterval,
    Duration socketKeepAlive,
    int maxRetryAttempts,
    boolean disableCompression,
    String username,
    String password,
    List<String> allowedAuthenticators,
    Duration writeCacheTtl,
    TagFilter tagFilter,
    Optional<ClientTlsConfig> tls,
    boolean createSchema) {

  private static final Set<String> CONSISTENCY = Set.of("ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL",
      "LOCAL_QUORUM", "EACH_QUORUM", "LOCAL_ONE");

  static CassandraConfig from(Settings s, String prefix) {
    String p = prefix + ".";
    List<String> servers = Settings.parseList(s.getString(p + "servers"));
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("--" + p + "servers: empty (expected: a comma-separated list of hosts)");
    }
    int port = s.getInt(p + "port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--" + p + "port: " + port + " (expected: 1-65535)");
    }
    String consistency = s.getString(p + "consistency").trim().toUpperCase(Locale.ROOT);
    if (consistency.isEmpty()) {
      consistency = "LOCAL_ONE";
    } else if (!CONSISTENCY.contains(consistency)) {
      throw new IllegalArgumentException("--" + p + "consistency: " + consistency + " (expected one of "
          + new TreeSet<>(CONSISTENCY) + ")");
    }
    int proto = s.getInt(p + "proto-version");
    if (proto < 3 || proto > 5) {
      throw new IllegalArgumentException("--" + p + "proto-version: " + proto + " (expected: 3, 4 or 5)");
    }
    int connections = s.getInt(p + "connections-per-host");
    if (connections < 1) {
      throw new IllegalArgumentException("--" + p + "connections-per-host: " + connections + " (expected: > 0)");
    }
    String keyspace = s.getString(p + "keyspace");
    if (!keyspace.matches("[a-zA-Z0-9_]+")) {
      throw new IllegalArgumentException("--" + p + "keyspace: \"" + keyspace
          + "\" (expected: letters, digits or underscores)");
    }
    List<String> black = noSpaces(s.getString(p + "index.tag-blacklist"));
    List<String> white = noSpaces(s.getString(p + "index.tag-whitelist"));
    if (!black.isEmpty() && !white.isEmpty()) {
      throw new IllegalArgumentException("only one of TagIndexBlacklist and TagIndexWhitelist can be specified ("
          + p + "index.tag-blacklist, " + p + "index.tag-whitelist)");
    }
    TagFilter filter = new TagFilter(s.getBool(p + "index.tags"), s.getBool(p + "index.process-tags"),
        s.getBool(p + "index.logs"), Set.copyOf(black), Set.copyOf(white));
    return new CassandraConfig(servers, port, keyspace, s.getString(p + "local-dc").trim(), consistency,
        connections, proto, s.getDuration(p + "timeout"), s.getDuration(p + "connect-timeout"),
        s.getDuration(p + "reconnect-interval"), s.getDuration(p + "socket-keep-alive"),
        Math.max(1, s.getInt(p + "max-retry-attempts")), s.getBool(p + "disable-compression"),
        s.getString(p + "username"), s.getString(p + "password"),
        Settings.parseList(s.getString(p + "basic.allowed-authenticators")),
        s.getDuration(p + "span-store-write-cache-ttl"), filter, ClientTlsConfig.from(s, prefix),
        s.has(p + CassandraFlags.SCHEMA_CREATE) && s.getBool(p + CassandraFlags.SCHEMA_CREATE));
  }

  private static List<String> noSpaces(String raw) {
    List<String> out = new ArrayList<>();
    for (String k : raw.replace(" ", "").split(",")) {
      if (!k.isEmpty()) {
        out.add(k);
      }
    }
    return out;
  }

  /** The archive family falls back to the primary family's value where it is left at its zero value. */
  CassandraConfig inheritFrom(CassandraConfig primary, Settings s, String prefix) {
    String p = prefix + ".";
    boolean serversSet = !s.getString(p + "servers").equals("127.0.0.1");
    return new CassandraConfig(serversSet ? servers : primary.servers, port, keyspace,
        localDc.isEmpty() ? primary.localDc : localDc, consistency, connectionsPerHost, protoVersion, timeout,
        connectTimeout, reconnectInterval, socketKeepAlive, maxRetryAttempts, disableCompression,
        username.isEmpty() ? primary.username : username, password.isEmpty() ? primary.password : password,
        allowedAuthenticators.isEmpty() ? primary.allowedAuthenticators : allowedAuthenticators, writeCacheTtl,
        tagFilter, tls.isPresent() ? tls : primary.tls, createSchema);
  }
}
