// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.config.Flag;
import io.jaegerj.server.ServerContext;
import java.util.List;

/** Zipkin v1/v2 HTTP receiver on {@code collector.zipkin.host-port} (off when the flag is empty). */
public final class ZipkinReceiver {
  private ZipkinReceiver() {}

  /** The collector.zipkin.* flags. */
  public static List<Flag> flags() {
    return List.of();
  }

  /** Starts the receiver when enabled; registers its shutdown with the context's lifecycle. */
  public static void start(ServerContext context, SpanConsumer consumer) {
    // Implemented with issue #3.
  }
}
