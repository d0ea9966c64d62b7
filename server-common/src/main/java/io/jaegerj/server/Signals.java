// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM and SIGINT so that a graceful stop ends with exit code 0 (a JVM stopped by a signal through
 * shutdown hooks alone exits 143). Falls back to the shutdown hook where signals cannot be handled.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  @SuppressWarnings("restriction")
  static void onTermination(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
          LOG.info("Received signal SIG{}, shutting down", name);
          action.run();
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("Cannot handle SIG{}; relying on the shutdown hook", name, e);
      }
    }
  }
}
