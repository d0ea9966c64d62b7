// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.jaegerj.tls.ClientTlsConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One remote storage endpoint ({@code grpc-storage.*} or {@code grpc-storage-archive.*}).
 *
 * @param server {@code host:port} of the remote storage server
 * @param connectionTimeout how long opening waits for the server's capabilities before going on without them
 * @param tls client TLS when enabled
 * @param tenancyHeader the metadata key a caller's tenant is sent under ({@code multi-tenancy.header}), or "" when
 *     {@code multi-tenancy.enabled} is false
 */
record GrpcStorageConfig(String server, Duration connectionTimeout, Optional<ClientTlsConfig> tls,
    String tenancyHeader) {
  GrpcStorageConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(tenancyHeader, "tenancyHeader");
    if (connectionTimeout.isNegative()) {
      throw new IllegalArgumentException("connectionTimeout: " + connectionTimeout + " (expected: >= 0)");
    }
  }
}
