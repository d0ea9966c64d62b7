// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.http.NettyHttpServer;

/** Starts the package-private Zipkin receiver for tests of other packages; the server closes with the collector. */
public final class ZipkinTestAccess {
  private ZipkinTestAccess() {}

  /** Starts the receiver on the collector's settings and returns its port. */
  public static int start(TestCollector collector) {
    NettyHttpServer server = ZipkinReceiver.startServer(collector.context, collector).orElseThrow();
    collector.onClose(server::close);
    return server.port();
  }
}
