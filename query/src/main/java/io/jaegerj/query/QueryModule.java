// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.config.Flag;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.ServerModule;
import java.util.List;

/** The query service: HTTP /api and /api/v3, gRPC query services, UI hosting. */
public final class QueryModule implements ServerModule {
  @Override
  public List<Flag> flags() {
    return List.of();
  }

  @Override
  public void start(ServerContext context) {
    // Servers arrive with issue #4.
  }
}
