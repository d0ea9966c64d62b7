// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.config.Settings;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.server.tls.ServerTls;
import io.jaegerj.storage.StorageContext;
import io.jaegerj.storage.StorageRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a binary from a resolved {@link Configuration} and stops it in order. */
final class Launcher implements JaegerMain.Running {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  static final Duration GRACE = Duration.ofSeconds(10);

  private final BinarySpec spec;
  private final MeterRegistry meters;
  private final Health health;
  private final ShutdownSequence shutdown = new ShutdownSequence(GRACE);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ExecutorService scrapeExecutor;
  private final NettyTransport transport = NettyTransport.shared().retain();
  private volatile CompletableFuture<Void> binders = CompletableFuture.completedFuture(null);
  private volatile JvmGcMetrics gcMetrics;
  private AdminServer admin;
  private OpenedStorage storage;
  private boolean closing;

  private Launcher(BinarySpec spec, MeterRegistry meters, Clock clock) {
    this.spec = spec;
    this.meters = meters;
    this.health = new Health(clock);
    this.scrapeExecutor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-scrape");
      t.setDaemon(true);
      return t;
    });
  }

  static Launcher start(BinarySpec spec, Configuration config, StorageRegistry registry, Clock clock)
      throws Exception {
    Settings s = config.settings();
    Logging.configure(s.getString(CommonFlags.LOG_LEVEL), s.getString(CommonFlags.LOG_ENCODING));
    BuildInfo build = BuildInfo.get();
    LOG.info("application version: git-commit={}, git-version={}, build-date={}", build.gitCommit(),
        build.gitVersion(), build.buildDate());
    boolean prometheus = s.getString(CommonFlags.METRICS_BACKEND).equals("prometheus");
    MeterRegistry meters;
    if (prometheus) {
      meters = JaegerMain.prometheusRegistry();
    } else {
      meters = new CompositeMeterRegistry();
    }
    Launcher l = new Launcher(spec, meters, clock);
    try {
      l.startAll(config, registry, clock);
      return l;
    } catch (Exception | Error e) {
      l.close();
      throw e;
    }
  }

  private void startAll(Configuration config, StorageRegistry registry, Clock clock) throws Exception {
    Settings s = config.settings();
    // The JVM and process binders take a few hundred milliseconds of class loading: run them beside the start-up.
    binders = CompletableFuture.runAsync(this::bindMeters, r -> {
      Thread t = new Thread(r, "bind-meters");
      t.setDaemon(true);
      t.start();
    });
    HostPort adminAddress = HostPort.parse(CommonFlags.ADMIN_HOST_PORT, s.getString(CommonFlags.ADMIN_HOST_PORT));
    admin = AdminServer.start(adminAddress, ServerTls.serverContext(s, CommonFlags.ADMIN_TLS, false), health,
        meters instanceof PrometheusMeterRegistry p ? p : null, s.getString(CommonFlags.METRICS_ROUTE),
        scrapeExecutor);
    Tenancy tenancy = spec.tenancyFlags() ? Tenancy.from(s) : Tenancy.disabled();
    storage = OpenedStorage.open(config.selection(), registry, s,
        new StorageContext(meters, clock, tenancy.enabled() ? tenancy.header() : ""));
    // Registered first, so it runs last in CLOSE: modules flush into storage before it closes.
    shutdown.onShutdown(Lifecycle.Phase.CLOSE, "storage", storage::close);
    GrpcFailureLog.install(meters);
    ServerContext ctx = new ServerContext(s, meters, storage, shutdown, clock, spec.name());
    for (ServerModule m : spec.modules()) {
      LOG.debug("Starting module {}", m.getClass().getSimpleName());
      m.start(ctx);
    }
    binders.get(30, TimeUnit.SECONDS);
    health.ready();
    LOG.info("{} started; admin port {}", spec.name(), admin.port());
  }

  private void bindMeters() {
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    new FileDescriptorMetrics().bindTo(meters);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(meters);
    if (meters instanceof PrometheusMeterRegistry p) {
      // Prometheus reserves the _info suffix for info metrics, so this one is registered natively.
      BuildInfo b = BuildInfo.get();
      Info.builder()
          .name(buildInfoName(spec.name()))
          .help("A metric with a constant '1' value labeled by version, revision and build date")
          .labelNames("build_date", "revision", "version")
          .register(p.getPrometheusRegistry())
          .addLabelValues(b.buildDate(), b.gitCommit(), b.gitVersion());
    }
  }

  /** {@code jaeger_collector_build_info}, {@code jaeger_query_build_info}; the all-in-one uses {@code jaeger_}. */
  static String buildInfoName(String binary) {
    String component = binary.startsWith("jaeger-") ? binary.substring("jaeger-".length()) : binary;
    if (component.equals("all-in-one")) {
      return "jaeger_build_info";
    }
    return "jaeger_" + component.replace('-', '_') + "_build_info";
  }

  @Override
  public int adminPort() {
    return admin.port();
  }

  boolean isHealthy() {
    return health.isReady();
  }

  @Override
  public Storage storage() {
    return storage;
  }

  @Override
  public MeterRegistry meters() {
    return meters;
  }

  /** Blocks until {@link #close()} has finished. */
  void awaitClosed() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    boolean first;
    synchronized (this) {
      first = !closing;
      closing = true;
    }
    if (!first) {
      // A second caller (e.g. the shutdown hook after an explicit close) waits for the first.
      try {
        closed.await(GRACE.toSeconds() * 4, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      health.unavailable();
      LOG.info("Shutting down {}", spec.name());
      shutdown.run();
      if (admin != null) {
        admin.close();
      }
      scrapeExecutor.shutdownNow();
      try {
        binders.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("Meter binders did not finish", e);
      }
      if (gcMetrics != null) {
        gcMetrics.close();
      }
      meters.close();
      transport.release();
      LOG.info("{} stopped", spec.name());
    } finally {
      closed.countDown();
    }
  }
}
