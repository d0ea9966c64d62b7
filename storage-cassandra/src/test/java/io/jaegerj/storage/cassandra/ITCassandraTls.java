// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Process;
import io.jaegerj.model.Span;
import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code cassandra.tls.*} and {@code cassandra.basic.*} / credential flags against the shared real node, which
 * requires a password (PasswordAuthenticator) and, for TLS connections, a client certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ITCassandraTls {
  private static final String TLS_USER = "jaeger_tls";
  private static final String TLS_PASSWORD = "s3cret";

  private CassandraTestServer server;
  private String ks;

  @BeforeAll
  void setUp() throws Exception {
    server = CassandraTestServer.shared();
    ks = CassandraTestSupport.uniqueKeyspace("tls");
    try (CassandraStorageFactory admin = CassandraTestSupport.open(CassandraTestSupport.settings(server, ks,
        Map.of()))) {
      admin.primary().session().execute("CREATE ROLE IF NOT EXISTS " + TLS_USER + " WITH PASSWORD = '"
          + TLS_PASSWORD + "' AND LOGIN = true");
    }
  }

  private Map<String, String> tls(boolean clientCert) {
    Map<String, String> m = new HashMap<>();
    m.put("cassandra.username", TLS_USER);
    m.put("cassandra.password", TLS_PASSWORD);
    m.put("cassandra.schema.create", "false");
    m.put("cassandra.tls.enabled", "true");
    m.put("cassandra.tls.ca", server.serverPki().cert().toString());
    m.put("cassandra.tls.server-name", "localhost");
    if (clientCert) {
      m.put("cassandra.tls.cert", server.clientPki().cert().toString());
      m.put("cassandra.tls.key", server.clientPki().key().toString());
    }
    return m;
  }

  @Test
  void tlsWithClientCertificateAndPassword_writesAndReads() throws Exception {
    try (CassandraStorageFactory f = CassandraTestSupport.open(CassandraTestSupport.settings(server, ks,
        tls(true)))) {
      TraceId id = new TraceId(0, ThreadLocalRandom.current().nextLong());
      Span span = Span.builder().traceId(id).spanId(1).operationName("secure")
          .startTimeMicros(System.currentTimeMillis() * 1000).durationMicros(10)
          .addTag(KeyValue.string("k", "v")).process(Process.of("tls-svc")).build();
      f.spanWriter().write("", List.of(span)).toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(f.spanReader().getTrace(GetTraceQuery.of(id)).orElseThrow().spans()).hasSize(1);
      // every connection of this user is encrypted, as the server itself reports
      List<Row> clients = f.primary().session().execute("SELECT ssl_enabled, username FROM system_views.clients")
          .all();
      List<Boolean> ours = clients.stream().filter(r -> TLS_USER.equals(r.getString("username")))
          .map(r -> r.getBoolean("ssl_enabled")).toList();
      assertThat(ours).isNotEmpty().containsOnly(true);
    }
  }

  @Test
  void tlsWithoutClientCertificate_isRefusedByTheServer() {
    assertThatThrownBy(() -> CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, tls(false))))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void tlsWithWrongServerName_isRefused() {
    Map<String, String> m = tls(true);
    m.remove("cassandra.tls.server-name");
    // the certificate names localhost only, and 127.0.0.1 is not it
    assertThatThrownBy(() -> CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, m)))
        .isInstanceOf(RuntimeException.class);
    m.put("cassandra.tls.server-name", "not-the-server.example");
    assertThatThrownBy(() -> CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, m)))
        .isInstanceOf(RuntimeException.class);
    m.put("cassandra.tls.skip-host-verify", "true");
    m.remove("cassandra.tls.ca");
    CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, m)).close();
  }

  @Test
  void wrongPassword_isRefused() {
    Map<String, String> m = tls(true);
    m.put("cassandra.password", "wrong");
    assertThatThrownBy(() -> CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, m)))
        .hasStackTraceContaining("Provided username " + TLS_USER + " and/or password are incorrect");
  }

  @Test
  void allowedAuthenticators_restrictWhichServerIsAnswered() {
    Map<String, String> m = tls(true);
    m.put("cassandra.basic.allowed-authenticators", "com.example.SomeOtherAuthenticator");
    assertThatThrownBy(() -> CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, m)))
        .hasStackTraceContaining("is not in cassandra.basic.allowed-authenticators");
    m.put("cassandra.basic.allowed-authenticators",
        "com.example.SomeOtherAuthenticator, org.apache.cassandra.auth.PasswordAuthenticator");
    CassandraTestSupport.open(CassandraTestSupport.settings(server, ks, m)).close();
  }
}
