// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import java.util.List;

/**
 * A part of a binary that owns flags and servers: the collector's receivers, the query service. A binary is a list
 * of modules plus the shared runtime (configuration, storage, admin server, lifecycle).
 */
public interface ServerModule {
  /** The module's flags with Jaeger's names and defaults. */
  List<Flag> flags();

  /**
   * Reads its settings from the context, validates them (throwing {@link IllegalArgumentException} naming the flag),
   * binds its listeners and registers what must be stopped with {@link ServerContext#lifecycle()}. Returns once the
   * servers accept connections.
   */
  void start(ServerContext context) throws Exception;
}
