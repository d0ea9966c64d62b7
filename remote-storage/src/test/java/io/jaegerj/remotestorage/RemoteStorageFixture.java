// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.jaegerj.config.Settings;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageFactory;
import io.jaegerj.storage.grpc.GrpcStorageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** jaeger-remote-storage started in this JVM on free loopback ports, and grpc clients of it. */
final class RemoteStorageFixture implements AutoCloseable {
  final JaegerMain.Running running;
  final int grpcPort;

  RemoteStorageFixture(Map<String, String> env, String... args) throws Exception {
    grpcPort = freePort();
    List<String> a = new ArrayList<>(List.of("--grpc.host-port=127.0.0.1:" + grpcPort,
        "--admin.http.host-port=127.0.0.1:0"));
    a.addAll(List.of(args));
    running = JaegerMain.start(RemoteStorageMain.spec(), a.toArray(new String[0]), env);
  }

  String address() {
    return "127.0.0.1:" + grpcPort;
  }

  /** A {@code SPAN_STORAGE_TYPE=grpc} backend pointing here, with extra {@code grpc-storage.*} settings. */
  StorageFactory client(Map<String, String> extra) {
    return client(address(), extra);
  }

  static StorageFactory client(String address, Map<String, String> extra) {
    GrpcStorageProvider p = new GrpcStorageProvider();
    Map<String, String> m = new HashMap<>(extra);
    m.put("grpc-storage.server", address);
    return p.open("grpc", Settings.defaults(p.flags(), m),
        new StorageContext(new SimpleMeterRegistry(), Clock.systemUTC()));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    running.close();
  }
}
