// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.agent;

import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.config.Flag;
import io.jaegerj.server.ServerContext;
import java.util.List;

/** Legacy jaeger-agent UDP receivers: 6831 (compact emitBatch), 6832 (binary emitBatch), 5775 (Zipkin compact). */
public final class AgentReceivers {
  private AgentReceivers() {}

  /** Flags that move or disable each UDP port. */
  public static List<Flag> flags() {
    return List.of();
  }

  /** Binds the enabled UDP ports; registers their shutdown with the context's lifecycle. */
  public static void start(ServerContext context, SpanConsumer consumer) {
    // Implemented with issue #3.
  }
}
