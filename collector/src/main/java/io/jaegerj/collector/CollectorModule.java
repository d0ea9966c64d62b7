// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import io.jaegerj.config.Flag;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.ServerModule;
import java.util.List;

/** The collector: every ingestion receiver, the span pipeline and remote sampling. */
public final class CollectorModule implements ServerModule {
  @Override
  public List<Flag> flags() {
    return List.of();
  }

  @Override
  public void start(ServerContext context) {
    // Receivers arrive with issue #3.
  }
}
