// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/** The shared runtime of every binary: command line, configuration, storage, admin server and lifecycle. */
public final class JaegerMain {
  private JaegerMain() {}

  /** A started binary, for tests and embedding. */
  public interface Running extends AutoCloseable {
    Storage storage();

    MeterRegistry meters();

    /** Graceful stop: stop accepting, drain, close. */
    @Override
    void close();
  }

  /**
   * Runs the command line (the default command starts the servers and blocks until SIGTERM; sub-commands print and
   * return). Returns the process exit code; mains pass it to {@code System.exit}.
   */
  public static int run(BinarySpec spec, String[] args, Map<String, String> env) {
    throw new UnsupportedOperationException("runtime arrives with issue #2");
  }

  /** Starts the servers with the given arguments and environment and returns once they accept connections. */
  public static Running start(BinarySpec spec, String[] args, Map<String, String> env) throws Exception {
    throw new UnsupportedOperationException("runtime arrives with issue #2");
  }
}
