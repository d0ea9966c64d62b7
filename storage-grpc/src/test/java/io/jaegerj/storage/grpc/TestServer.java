// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.jaegerj.config.Settings;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.memory.MemoryStorageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gRPC server on a free loopback port (or a given one) serving {@link StorageServices} over a backend. */
final class TestServer implements AutoCloseable {
  final Server server;

  TestServer(int port, List<BindableService> services) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port));
    // as jaeger-remote-storage without multi-tenancy: a tenant named by the caller is kept apart
    services.forEach(svc -> b.addService(ServerInterceptors.intercept(svc,
        StorageServices.tenantFromHeader(StorageServices.DEFAULT_TENANT_HEADER))));
    server = b.build().start();
  }

  static TestServer over(StorageFactory backend, int port, int maxSpansInFlight) throws IOException {
    StorageServices s = new StorageServices(backend.spanReader(), backend.spanWriter(), backend.dependencyReader(),
        maxSpansInFlight);
    List<BindableService> all = new ArrayList<>(s.v1());
    all.addAll(s.v2());
    return new TestServer(port, all);
  }

  static StorageFactory memory() {
    MemoryStorageProvider p = new MemoryStorageProvider();
    return p.open("memory", Settings.defaults(p.flags(), Map.of()), context());
  }

  static StorageContext context() {
    return new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC());
  }

  /** A {@code grpc} client of {@code host:port} with the given extra settings. */
  static StorageFactory client(String server, Map<String, String> extra) {
    GrpcStorageProvider p = new GrpcStorageProvider();
    Map<String, String> m = new HashMap<>(extra);
    m.put("grpc-storage.server", server);
    return p.open("grpc", Settings.defaults(p.flags(), m), context());
  }

  int port() {
    return server.getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
