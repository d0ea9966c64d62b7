// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import io.jaegerj.config.Flag;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cassandra.*} and {@code cassandra-archive.*} flag families with Jaeger 1.74's names, defaults and help
 * texts, built from one table; the archive family adds {@code enabled}. {@code schema.create} is our own addition
 * (listed in the golden extensions): it creates the keyspace at start when it is missing.
 */
final class CassandraFlags {
  static final String PRIMARY = "cassandra";
  static final String ARCHIVE = "cassandra-archive";

  /** Our addition; not a Jaeger 1.74 flag. */
  static final String SCHEMA_CREATE = "schema.create";

  private static final String AUTHENTICATORS_USAGE = "The comma-separated list of allowed password authenticators for"
      + " Cassandra.If none are specified, there is a default 'approved' list that is used"
      + " (https://github.com/gocql/gocql/blob/34fdeebefcbf183ed7f916f931aa0586fdaa1b40/conn.go#L27). If a non-empty"
      + " list is provided, only specified authenticators are allowed.";

  /** Flag names without the family prefix. */
  private static final List<Flag> TABLE = List.of(
      Flag.string("basic.allowed-authenticators", "", AUTHENTICATORS_USAGE),
      Flag.duration("connect-timeout", "0s", "Timeout used for connections to Cassandra Servers"),
      Flag.integer("connections-per-host", 2, "The number of Cassandra connections from a single backend instance"),
      Flag.string("consistency", "", "The Cassandra consistency level, e.g. ANY, ONE, TWO, THREE, QUORUM, ALL,"
          + " LOCAL_QUORUM, EACH_QUORUM, LOCAL_ONE (default LOCAL_ONE)"),
      Flag.bool("disable-compression", false, "Disables the use of the default Snappy Compression while connecting"
          + " to the Cassandra Cluster if set to true. This is useful for connecting to Cassandra Clusters(like Azure"
          + " Cosmos Db with Cassandra API) that do not support SnappyCompression"),
      Flag.bool("index.logs", true, "Controls log field indexing. Set to false to disable."),
      Flag.bool("index.process-tags", true, "Controls process tag indexing. Set to false to disable."),
      Flag.string("index.tag-blacklist", "", "The comma-separated list of span tags to blacklist from being indexed."
          + " All other tags will be indexed. Mutually exclusive with the whitelist option."),
      Flag.string("index.tag-whitelist", "", "The comma-separated list of span tags to whitelist for being indexed."
          + " All other tags will not be indexed. Mutually exclusive with the blacklist option."),
      Flag.bool("index.tags", true, "Controls tag indexing. Set to false to disable."),
      Flag.string("keyspace", "jaeger_dc1", "The Cassandra keyspace for Jaeger data"),
      Flag.string("local-dc", "", "The name of the Cassandra local data center for DC Aware host selection"),
      Flag.integer("max-retry-attempts", 3, "The number of attempts when reading from Cassandra"),
      Flag.string("password", "", "Password for password authentication for Cassandra"),
      Flag.integer("port", 9042, "The port for cassandra"),
      Flag.integer("proto-version", 4, "The Cassandra protocol version"),
      Flag.duration("reconnect-interval", "1m0s", "Reconnect interval to retry connecting to downed hosts"),
      Flag.string("servers", "127.0.0.1", "The comma-separated list of Cassandra servers"),
      Flag.duration("socket-keep-alive", "0s", "Cassandra's keepalive period to use, enabled if > 0"),
      Flag.duration("span-store-write-cache-ttl", "12h0m0s",
          "The duration to wait before rewriting an existing service or operation name"),
      Flag.duration("timeout", "0s", "Timeout used for queries. A Timeout of zero means no timeout"),
      Flag.string("tls.ca", "", "Path to a TLS CA (Certification Authority) file used to verify the remote server(s)"
          + " (by default will use the system truststore)"),
      Flag.string("tls.cert", "", "Path to a TLS Certificate file, used to identify this process to the remote"
          + " server(s)"),
      Flag.bool("tls.enabled", false, "Enable TLS when talking to the remote server(s)"),
      Flag.string("tls.key", "", "Path to a TLS Private Key file, used to identify this process to the remote"
          + " server(s)"),
      Flag.string("tls.server-name", "", "Override the TLS server name we expect in the certificate of the remote"
          + " server(s)"),
      Flag.bool("tls.skip-host-verify", false, "(insecure) Skip server's certificate chain and host name"
          + " verification"),
      Flag.string("username", "", "Username for password authentication for Cassandra"),
      Flag.bool(SCHEMA_CREATE, false, "(jaegerj) Create the keyspace and Jaeger's schema v004 tables at start when"
          + " the keyspace does not exist (test mode replication: SimpleStrategy, factor 1; trace TTL 2 days)")
  );

  private CassandraFlags() {}

  static List<Flag> family(String prefix) {
    List<Flag> out = new ArrayList<>(TABLE.size() + 1);
    for (Flag f : TABLE) {
      out.add(f.renamed(prefix + "." + f.name()));
    }
    if (prefix.equals(ARCHIVE)) {
      out.add(Flag.bool(prefix + ".enabled", false, "Enable extra storage"));
    }
    return out;
  }

  static List<Flag> all() {
    List<Flag> out = new ArrayList<>(family(PRIMARY));
    out.addAll(family(ARCHIVE));
    return out;
  }
}
