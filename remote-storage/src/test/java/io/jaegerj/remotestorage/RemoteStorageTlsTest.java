// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jaegerj.model.TraceId;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.grpc.RemoteStorageException;
import io.jaegerj.tls.TestPki;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grpc.tls.* on the server with grpc-storage.tls.* on the client: TLS, mutual TLS, server name, refusals. */
class RemoteStorageTlsTest {
  @TempDir
  static Path dir;
  static TestPki server;
  static TestPki client;
  static TestPki stranger;

  @BeforeAll
  static void certs() throws Exception {
    server = TestPki.create(dir, "remote-storage", "dns:localhost,ip:127.0.0.1,dns:storage.example");
    client = TestPki.create(dir, "collector", "dns:collector");
    stranger = TestPki.create(dir, "stranger", "dns:stranger");
  }

  private static void roundTrip(StorageFactory c) throws Exception {
    TraceId id = RemoteStorageTest.newTraceId();
    c.spanWriter().write("", List.of(RemoteStorageTest.span(id, "tls-svc", "op"))).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(c.spanReader().getTrace(GetTraceQuery.of(id))).isPresent();
  }

  @Test
  void tls_clientTrustingTheCa_readsAndWrites_plaintextClientIsRefused() throws Exception {
    try (RemoteStorageFixture rs = new RemoteStorageFixture(Map.of(), "--grpc.tls.enabled=true",
        "--grpc.tls.cert=" + server.cert(), "--grpc.tls.key=" + server.key())) {
      try (StorageFactory c = rs.client(Map.of("grpc-storage.tls.enabled", "true",
          "grpc-storage.tls.ca", server.cert().toString()))) {
        roundTrip(c);
      }
      // The certificate names storage.example too: a client that expects that name connects by IP.
      try (StorageFactory c = rs.client(Map.of("grpc-storage.tls.enabled", "true",
          "grpc-storage.tls.ca", server.cert().toString(), "grpc-storage.tls.server-name", "storage.example"))) {
        roundTrip(c);
      }
      try (StorageFactory c = rs.client(Map.of("grpc-storage.connection-timeout", "300ms"))) {
        assertThatThrownBy(() -> c.spanReader().getServices("")).isInstanceOf(RemoteStorageException.class);
      }
      try (StorageFactory c = rs.client(Map.of("grpc-storage.connection-timeout", "300ms",
          "grpc-storage.tls.enabled", "true", "grpc-storage.tls.ca", stranger.cert().toString()))) {
        assertThatThrownBy(() -> c.spanReader().getServices("")).isInstanceOf(RemoteStorageException.class)
            .hasMessageContaining("UNAVAILABLE");
      }
      try (StorageFactory c = rs.client(Map.of("grpc-storage.connection-timeout", "300ms",
          "grpc-storage.tls.enabled", "true", "grpc-storage.tls.skip-host-verify", "true"))) {
        roundTrip(c);
      }
    }
  }

  @Test
  void mutualTls_onlyClientsWithATrustedCertificateGetIn() throws Exception {
    try (RemoteStorageFixture rs = new RemoteStorageFixture(Map.of(), "--grpc.tls.enabled=true",
        "--grpc.tls.cert=" + server.cert(), "--grpc.tls.key=" + server.key(),
        "--grpc.tls.client-ca=" + client.cert())) {
      try (StorageFactory c = rs.client(Map.of("grpc-storage.tls.enabled", "true",
          "grpc-storage.tls.ca", server.cert().toString(), "grpc-storage.tls.cert", client.cert().toString(),
          "grpc-storage.tls.key", client.key().toString()))) {
        roundTrip(c);
      }
      try (StorageFactory c = rs.client(Map.of("grpc-storage.connection-timeout", "300ms",
          "grpc-storage.tls.enabled", "true", "grpc-storage.tls.ca", server.cert().toString(),
          "grpc-storage.tls.cert", stranger.cert().toString(), "grpc-storage.tls.key", stranger.key().toString()))) {
        assertThatThrownBy(() -> c.spanReader().getServices("")).isInstanceOf(RemoteStorageException.class);
      }
      try (StorageFactory c = rs.client(Map.of("grpc-storage.connection-timeout", "300ms",
          "grpc-storage.tls.enabled", "true", "grpc-storage.tls.ca", server.cert().toString()))) {
        assertThatThrownBy(() -> c.spanReader().getServices("")).isInstanceOf(RemoteStorageException.class);
      }
    }
  }
}
