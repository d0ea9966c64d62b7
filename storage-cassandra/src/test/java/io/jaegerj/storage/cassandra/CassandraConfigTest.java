// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CassandraConfigTest {
  private static CassandraConfig config(Map<String, String> overrides) {
    return CassandraConfig.from(Settings.defaults(CassandraFlags.all(), overrides), "cassandra");
  }

  @Test
  void from_defaults_areJaegers() {
    CassandraConfig c = config(Map.of());
    assertThat(c.servers()).containsExactly("127.0.0.1");
    assertThat(c.port()).isEqualTo(9042);
    assertThat(c.keyspace()).isEqualTo("jaeger_dc1");
    assertThat(c.consistency()).isEqualTo("LOCAL_ONE");
    assertThat(c.connectionsPerHost()).isEqualTo(2);
    assertThat(c.protoVersion()).isEqualTo(4);
    assertThat(c.maxRetryAttempts()).isEqualTo(3);
    assertThat(c.writeCacheTtl()).isEqualTo(Duration.ofHours(12));
    assertThat(c.reconnectInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.tagFilter()).isEqualTo(TagFilter.ALL);
    assertThat(c.tls()).isEmpty();
    assertThat(c.createSchema()).isFalse();
  }

  @Test
  void from_serversWithSpacesAfterCommas_areTrimmed() {
    CassandraConfig c = config(Map.of("cassandra.servers", "1.2.3.4, 5.6.7.8 ,  cass-3:9142"));
    assertThat(c.servers()).containsExactly("1.2.3.4", "5.6.7.8", "cass-3:9142");
    InetSocketAddress a = Sessions.address("cass-3:9142", 9042);
    assertThat(a.getHostString()).isEqualTo("cass-3");
    assertThat(a.getPort()).isEqualTo(9142);
    assertThat(Sessions.address("5.6.7.8", 9042).getPort()).isEqualTo(9042);
  }

  @Test
  void from_envNames_matchJaegers() {
    List<String> env = CassandraFlags.all().stream().map(Flag::envName).toList();
    assertThat(env).contains("CASSANDRA_SERVERS", "CASSANDRA_TLS_ENABLED", "CASSANDRA_TLS_SERVER_NAME",
        "CASSANDRA_BASIC_ALLOWED_AUTHENTICATORS", "CASSANDRA_ARCHIVE_ENABLED", "CASSANDRA_SPAN_STORE_WRITE_CACHE_TTL");
  }

  @Test
  void from_tagLists_spacesRemoved_andExclusive() {
    CassandraConfig c = config(Map.of("cassandra.index.tag-blacklist", "a, b ,c", "cassandra.index.logs", "false"));
    assertThat(c.tagFilter().deny()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(c.tagFilter().logs()).isFalse();
    assertThat(c.tagFilter().keyIndexed("a")).isFalse();
    assertThat(c.tagFilter().keyIndexed("d")).isTrue();
    assertThat(config(Map.of("cassandra.index.tag-whitelist", "x")).tagFilter().keyIndexed("y")).isFalse();
    assertThatThrownBy(() -> config(Map.of("cassandra.index.tag-blacklist", "a",
        "cassandra.index.tag-whitelist", "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only one of TagIndexBlacklist and TagIndexWhitelist can be specified");
  }

  @Test
  void from_invalidValues_nameTheFlag() {
    assertThatThrownBy(() -> config(Map.of("cassandra.consistency", "MOST")))
        .hasMessageContaining("cassandra.consistency");
    assertThatThrownBy(() -> config(Map.of("cassandra.keyspace", "bad-name")))
        .hasMessageContaining("cassandra.keyspace");
    assertThatThrownBy(() -> config(Map.of("cassandra.tls.ca", "/x.pem")))
        .hasMessageContaining("cassandra.tls.* options cannot be used when cassandra.tls.enabled is false");
    assertThat(config(Map.of("cassandra.consistency", "local_quorum")).consistency()).isEqualTo("LOCAL_QUORUM");
  }

  @Test
  void archive_inheritsUnsetConnectionSettings() {
    Settings s = Settings.defaults(CassandraFlags.all(), Map.of("cassandra.servers", "db1, db2",
        "cassandra.username", "u", "cassandra.password", "p", "cassandra-archive.keyspace", "jaeger_archive"));
    CassandraConfig primary = CassandraConfig.from(s, "cassandra");
    CassandraConfig archive = CassandraConfig.from(s, "cassandra-archive").inheritFrom(primary, s,
        "cassandra-archive");
    assertThat(archive.servers()).containsExactly("db1", "db2");
    assertThat(archive.username()).isEqualTo("u");
    assertThat(archive.keyspace()).isEqualTo("jaeger_archive");
  }

  @Test
  void writer_roundToHour_halfUp() {
    long h = 3_600_000L;
    assertThat(CassandraSpanWriter.roundToHour(10 * h + h / 2 - 1)).isEqualTo(10 * h);
    assertThat(CassandraSpanWriter.roundToHour(10 * h + h / 2)).isEqualTo(11 * h);
    assertThat(CassandraSpanWriter.indexable("x".repeat(255))).isTrue();
    assertThat(CassandraSpanWriter.indexable("x".repeat(256))).isFalse();
    assertThat(CassandraSpanWriter.indexable("a\uD800b")).isFalse();
    assertThat(CassandraSpanWriter.looksLikeJsonObject("{\"a\":1}")).isTrue();
  }
}
