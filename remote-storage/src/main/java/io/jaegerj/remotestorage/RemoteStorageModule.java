// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.ServerModule;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.tls.ServerTls;
import io.jaegerj.storage.grpc.StorageServices;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The gRPC server of {@code jaeger-remote-storage}: flags {@code grpc.host-port} and {@code grpc.tls.*}. */
final class RemoteStorageModule implements ServerModule {
  static final String GRPC_HOST_PORT = "grpc.host-port";
  static final String GRPC_TLS = "grpc";
  /** Spans that may wait for the backend at once before writes are refused with RESOURCE_EXHAUSTED. */
  static final int MAX_SPANS_IN_FLIGHT = 50_000;

  @Override
  public List<Flag> flags() {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.hostPort(GRPC_HOST_PORT, ":17271",
        "The host:port (e.g. 127.0.0.1:17271 or :17271) of the gRPC server"));
    f.addAll(ServerTls.flags(GRPC_TLS));
    return f;
  }

  @Override
  public void start(ServerContext context) throws Exception {
    Settings s = context.settings();
    HostPort address = HostPort.parse(GRPC_HOST_PORT, s.getString(GRPC_HOST_PORT));
    Optional<SslContext> tls = ServerTls.serverContext(s, GRPC_TLS, true);
    RemoteStorageOptions options = RemoteStorageOptions.from(s, address);
    StorageServices services = new StorageServices(context.storage().reader(), context.storage().writer(),
        context.storage().dependencyReader(), MAX_SPANS_IN_FLIGHT);
    RemoteStorageGrpcServer server = new RemoteStorageGrpcServer(options, services, tls);
    context.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "remote storage gRPC server", server::close);
  }
}
