// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.http.NettyHttpServer;
import io.jaegerj.server.tenancy.Tenancy;

/** Starts the package-private Zipkin receiver for tests of other packages; the server closes with the collector. */
public final class ZipkinTestAccess {
  private ZipkinTestAccess() {}

  /** Starts the receiver on the collector's settings and {@code tenancy}, and returns its port. */
  public static int start(TestCollector collector, Tenancy tenancy) {
    NettyHttpServer server = ZipkinReceiver.startServer(collector.context, collector, tenancy).orElseThrow();
    collector.onClose(server::close);
    return server.port();
  }
}
