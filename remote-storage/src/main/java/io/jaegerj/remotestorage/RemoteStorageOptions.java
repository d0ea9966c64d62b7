// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.jaegerj.config.Settings;
import io.jaegerj.server.net.HostPort;
import java.util.List;
import java.util.Objects;

/**
 * Validated settings of the remote storage gRPC server.
 *
 * @param grpcHostPort {@code grpc.host-port}
 * @param tenancyEnabled {@code multi-tenancy.enabled}
 * @param tenancyHeader {@code multi-tenancy.header}
 * @param tenants {@code multi-tenancy.tenants}; empty accepts any tenant
 */
record RemoteStorageOptions(HostPort grpcHostPort, boolean tenancyEnabled, String tenancyHeader,
    List<String> tenants) {
  RemoteStorageOptions {
    Objects.requireNonNull(grpcHostPort, "grpcHostPort");
    Objects.requireNonNull(tenancyHeader, "tenancyHeader");
    tenants = List.copyOf(tenants);
    if (tenancyEnabled && tenancyHeader.isBlank()) {
      throw new IllegalArgumentException("multi-tenancy.header: \"\" (expected: a header name)");
    }
  }

  static RemoteStorageOptions from(Settings s, HostPort address) {
    return new RemoteStorageOptions(address, s.getBool("multi-tenancy.enabled"), s.getString("multi-tenancy.header"),
        s.getList("multi-tenancy.tenants"));
  }
}
