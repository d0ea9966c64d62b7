// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.StorageProvider;
import io.jaegerj.tls.ClientTlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code SPAN_STORAGE_TYPE=grpc}: spans stored by a remote storage server (jaeger-remote-storage or any Jaeger storage
 * plugin) over Jaeger's storage API v1. Flags {@code grpc-storage.*} and {@code grpc-storage-archive.*} as in Jaeger
 * 1.74. Discovered through {@link java.util.ServiceLoader}.
 */
public final class GrpcStorageProvider implements StorageProvider {
  static final String PRIMARY = "grpc-storage";
  static final String ARCHIVE = "grpc-storage-archive";

  @Override
  public List<String> types() {
    return List.of("grpc");
  }

  @Override
  public List<Flag> flags() {
    List<Flag> f = new ArrayList<>(endpointFlags(PRIMARY));
    f.add(Flag.bool(ARCHIVE + ".enabled", false, "Enable extra storage"));
    f.addAll(endpointFlags(ARCHIVE));
    return f;
  }

  private static List<Flag> endpointFlags(String prefix) {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.string(prefix + ".server", "", "The remote storage gRPC server address as host:port"));
    f.add(Flag.duration(prefix + ".connection-timeout", "5s", "The remote storage gRPC server connection timeout"));
    f.addAll(ClientTlsConfig.flags(prefix));
    return f;
  }

  @Override
  public StorageFactory open(String type, Settings settings, StorageContext context) {
    if (!"grpc".equals(type)) {
      throw new IllegalArgumentException("type: " + type + " (expected: grpc)");
    }
    String tenancyHeader = context.tenantHeader();
    GrpcStorageConfig primary = config(settings, PRIMARY, tenancyHeader);
    if (primary.server().isEmpty()) {
      throw new IllegalArgumentException("--" + PRIMARY + ".server is required with SPAN_STORAGE_TYPE=grpc"
          + " (host:port of the remote storage server)");
    }
    Optional<GrpcStorageConfig> archive = Optional.empty();
    if (settings.getBool(ARCHIVE + ".enabled")) {
      archive = Optional.of(config(settings, ARCHIVE, tenancyHeader));
    }
    return GrpcStorageFactory.open(primary, archive, context);
  }

  private static GrpcStorageConfig config(Settings s, String prefix, String tenancyHeader) {
    Duration timeout = s.getDuration(prefix + ".connection-timeout");
    return new GrpcStorageConfig(s.getString(prefix + ".server").trim(), timeout, ClientTlsConfig.from(s, prefix),
        tenancyHeader);
  }
}
