// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.jaegerj.config.Settings;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.tenancy.Tenancy;
import java.util.Objects;

/**
 * Validated settings of the remote storage gRPC server.
 *
 * @param grpcHostPort {@code grpc.host-port}
 * @param tenancy the binary's {@code multi-tenancy.*} rule, read by the one {@link Tenancy} path
 */
record RemoteStorageOptions(HostPort grpcHostPort, Tenancy tenancy) {
  RemoteStorageOptions {
    Objects.requireNonNull(grpcHostPort, "grpcHostPort");
    Objects.requireNonNull(tenancy, "tenancy");
  }

  static RemoteStorageOptions from(Settings s, HostPort address) {
    return new RemoteStorageOptions(address, Tenancy.from(s));
  }
}
