// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import java.util.List;
import java.util.Map;

/**
 * A part of a binary that owns flags and servers: the collector's receivers, the query service. A binary is a list
 * of modules plus the shared runtime (configuration, storage, admin server, lifecycle).
 */
public interface ServerModule {
  /** The module's flags with Jaeger's names and defaults. */
  List<Flag> flags();

  /**
   * The module's flags for this process environment. Override when an environment-only selector decides which flags
   * exist (Jaeger registers {@code prometheus.*} only with {@code METRICS_STORAGE_TYPE=prometheus}, the adaptive
   * sampling flags only with {@code SAMPLING_CONFIG_TYPE=adaptive}); throw {@link IllegalArgumentException} for an
   * invalid selector value. Business code still reads values from {@link ServerContext#settings()} only.
   */
  default List<Flag> flags(Map<String, String> env) {
    return flags();
  }

  /**
   * Reads its settings from the context, validates them (throwing {@link IllegalArgumentException} naming the flag),
   * binds its listeners and registers what must be stopped with {@link ServerContext#lifecycle()}. Returns once the
   * servers accept connections.
   */
  void start(ServerContext context) throws Exception;
}
