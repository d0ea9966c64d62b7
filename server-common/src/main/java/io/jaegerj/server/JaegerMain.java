// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Flag;
import io.jaegerj.storage.StorageRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shared runtime of every binary: command line, configuration, storage, admin server and lifecycle. */
public final class JaegerMain {
  private static final Logger LOG = LoggerFactory.getLogger(JaegerMain.class);

  private JaegerMain() {}

  /** A started binary, for tests and embedding. */
  public interface Running extends AutoCloseable {
    Storage storage();

    MeterRegistry meters();

    /** Graceful stop: stop accepting, drain, close. */
    @Override
    void close();

    /** The port the admin server listens on (useful with {@code --admin.http.host-port=:0}). */
    default int adminPort() {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * Runs the command line (the default command starts the servers and blocks until SIGTERM; sub-commands print and
   * return). Returns the process exit code; mains pass it to {@code System.exit}.
   */
  public static int run(BinarySpec spec, String[] args, Map<String, String> env) {
    return run(spec, args, env, System.out, System.err);
  }

  /**
   * As {@link #run(BinarySpec, String[], Map)} with explicit output streams: any configuration or start-up error is
   * printed as one {@code Error: ...} line on {@code err} and gives exit code 1.
   */
  public static int run(BinarySpec spec, String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    // Until the flags are read, log at info in JSON to stderr (logback's own default is DEBUG on stdout).
    Logging.configure("info", "json");
    try {
      StorageRegistry registry = StorageRegistry.load(JaegerMain.class.getClassLoader());
      Cli.Invocation inv = Cli.parse(spec, args, env, registry);
      return Cli.execute(spec, inv, env, registry, out, err);
    } catch (IllegalArgumentException e) {
      LOG.debug("Invalid configuration", e);
      err.println("Error: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (Exception e) {
      LOG.debug("Start-up failed", e);
      err.println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    }
  }

  /**
   * A new Prometheus registry shaped as the binaries' {@code /metrics}: {@code jaeger_*} timers keep Jaeger's names
   * and are histograms in seconds with Prometheus' default buckets (see {@link JaegerNaming}).
   */
  public static PrometheusMeterRegistry prometheusRegistry() {
    PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    p.config().namingConvention(new JaegerNaming());
    p.config().meterFilter(JaegerNaming.defaultBuckets());
    return p;
  }

  /** Starts the servers with the given arguments and environment and returns once they accept connections. */
  public static Running start(BinarySpec spec, String[] args, Map<String, String> env) throws Exception {
    Logging.configure("info", "json");
    StorageRegistry registry = StorageRegistry.load(JaegerMain.class.getClassLoader());
    Cli.Invocation inv = Cli.parse(spec, args, env, registry);
    if (inv.command() != Cli.Command.MAIN) {
      throw new IllegalArgumentException("start() runs the main command, not " + inv.command());
    }
    for (String w : inv.selection().warnings()) {
      LOG.warn(w);
    }
    Configuration c = Configuration.resolve(inv.flags(), inv.selection(), inv.values(), env, true);
    return Launcher.start(spec, c, registry, Clock.systemUTC());
  }

  /**
   * Every flag the binary registers for this environment (storage flags depend on {@code SPAN_STORAGE_TYPE}), in
   * registration order; for docs and the golden test.
   */
  public static List<Flag> flags(BinarySpec spec, Map<String, String> env) {
    StorageRegistry registry = StorageRegistry.load(JaegerMain.class.getClassLoader());
    StorageSelection sel = StorageSelection.resolve(spec, new String[0], env, registry);
    return Configuration.flags(spec, sel, registry, env);
  }
}
