// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import io.grpc.Server;
import io.jaegerj.collector.http.NettyHttpServer;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.model.Span;
import io.jaegerj.model.Trace;
import io.jaegerj.model.TraceId;
import io.jaegerj.server.JaegerMain;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.Storage;
import io.jaegerj.storage.ArchiveStorage;
import io.jaegerj.storage.DependencyReader;
import io.jaegerj.storage.GetTraceQuery;
import io.jaegerj.storage.Operation;
import io.jaegerj.storage.OperationQuery;
import io.jaegerj.storage.SamplingStore;
import io.jaegerj.storage.SpanReader;
import io.jaegerj.storage.SpanWriter;
import io.jaegerj.storage.TraceQuery;
import io.jaegerj.testing.Poll;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Starts a {@link CollectorModule} on free loopback ports with a small in-memory storage, a Prometheus registry and
 * a recording lifecycle; {@link #close()} runs the shutdown phases in order. Stands in for the runtime until the
 * shared {@code JaegerMain.start} is available in this branch.
 */
final class TestCollector implements AutoCloseable {
  final PrometheusMeterRegistry meters = JaegerMain.prometheusRegistry();
  final MemStorage storage = new MemStorage();
  final CollectorModule module;
  private final Map<Lifecycle.Phase, List<Lifecycle.Step>> steps = new EnumMap<>(Lifecycle.Phase.class);

  TestCollector(Map<String, String> overrides) throws Exception {
    this(overrides, k -> null);
  }

  TestCollector(Map<String, String> overrides, Function<String, String> env) throws Exception {
    this(overrides, env, Map.of(), null);
  }

  /**
   * @param runtimeEnv the environment the flags are chosen by ({@code SAMPLING_CONFIG_TYPE}, ...)
   * @param sampling the sampling store the storage offers, or null for none
   */
  TestCollector(Map<String, String> overrides, Function<String, String> env,
      Map<String, String> runtimeEnv, SamplingStore sampling) throws Exception {
    storage.sampling = sampling;
    module = new CollectorModule(env);
    List<Flag> flags = new ArrayList<>(module.flags(runtimeEnv));
    flags.add(Flag.bool("multi-tenancy.enabled", false, ""));
    flags.add(Flag.string("multi-tenancy.header", "x-tenant", ""));
    flags.add(Flag.string("multi-tenancy.tenants", "", ""));
    flags.add(Flag.floating("downsampling.ratio", "1", ""));
    flags.add(Flag.string("downsampling.hashsalt", "", ""));
    Map<String, String> o = new HashMap<>();
    o.put("collector.otlp.grpc.host-port", "127.0.0.1:0");
    o.put("collector.otlp.http.host-port", "127.0.0.1:0");
    o.put("collector.grpc-server.host-port", "127.0.0.1:0");
    o.put("collector.http-server.host-port", "127.0.0.1:0");
    o.put("agent.http-server.host-port", "127.0.0.1:0");
    o.put("collector.zipkin.host-port", "");
    for (String udp : new String[] {"jaeger-compact", "jaeger-binary", "zipkin-compact"}) {
      o.put("processor." + udp + ".server-host-port", "");
    }
    o.putAll(overrides);
    Settings settings = Settings.defaults(flags, o);
    Lifecycle lifecycle = (phase, name, step) -> steps.computeIfAbsent(phase, p -> new ArrayList<>()).add(step);
    module.start(new ServerContext(settings, meters, storage, lifecycle, Clock.systemUTC(), "jaeger-collector"));
  }

  private List<Server> grpc() {
    return module.started().grpcServers();
  }

  private List<NettyHttpServer> http() {
    return module.started().httpServers();
  }

  /** Ports in start order: OTLP gRPC, Jaeger gRPC (when OTLP is enabled). */
  int otlpGrpcPort() {
    return grpc().get(0).getPort();
  }

  int jaegerGrpcPort() {
    return grpc().get(grpc().size() - 1).getPort();
  }

  int otlpHttpPort() {
    return http().get(0).port();
  }

  int jaegerHttpPort() {
    return http().get(grpc().size() == 2 ? 1 : 0).port();
  }

  int agentHttpPort() {
    return http().get(http().size() - 1).port();
  }

  String scrape() {
    return meters.scrape();
  }

  /** Waits until the trace has {@code count} spans in the default tenant. */
  Trace awaitTrace(TraceId id, int count) throws Exception {
    return awaitTrace("", id, count);
  }

  /** Waits until the trace has {@code count} spans written for {@code tenant}. */
  Trace awaitTrace(String tenant, TraceId id, int count) throws Exception {
    return Poll.until("trace " + id + " with " + count + " spans", Duration.ofSeconds(10),
        () -> storage.reader().getTrace(GetTraceQuery.of(tenant, id)),
        t -> t.isPresent() && t.get().spans().size() >= count).get();
  }

  private boolean closed;

  /** Runs the shutdown phases once; later calls do nothing. */
  @Override
  public synchronized void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    for (Lifecycle.Phase phase : Lifecycle.Phase.values()) {
      List<Lifecycle.Step> list = steps.getOrDefault(phase, List.of());
      for (int i = list.size() - 1; i >= 0; i--) {
        list.get(i).run();
      }
    }
    meters.close();
  }

  /** A write whose stage the test completes by hand; the spans are stored when it completes normally. */
  record HeldWrite(List<Span> spans, CompletableFuture<Void> stage) {}

  /**
   * Spans by trace in arrival order; an optional gate lets tests hold the writer to fill the queue, and
   * {@link #hold} makes every write return a stage that the test completes (see {@link #nextHeld}).
   */
  static final class MemStorage implements Storage, SpanReader, SpanWriter {
    final Map<TraceId, List<Span>> traces = new ConcurrentHashMap<>();
    /** The tenant each trace was last written for. */
    final Map<TraceId, String> tenants = new ConcurrentHashMap<>();
    final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>();
    volatile SamplingStore sampling;
    final BlockingQueue<HeldWrite> held = new LinkedBlockingQueue<>();
    volatile boolean hold;

    /** The next write handed to storage while {@link #hold} is set; fails after 10 s. */
    HeldWrite nextHeld() throws InterruptedException {
      HeldWrite w = held.poll(10, TimeUnit.SECONDS);
      if (w == null) {
        throw new AssertionError("no write reached storage");
      }
      return w;
    }

    @Override
    public CompletableFuture<Void> write(String tenant, List<Span> spans) {
      if (hold) {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        held.add(new HeldWrite(spans, stage));
        return stage.thenRun(() -> store(tenant, spans));
      }
      CompletableFuture<Void> g = gate.get();
      if (g != null) {
        g.join();
      }
      store(tenant, spans);
      return CompletableFuture.completedFuture(null);
    }

    private void store(String tenant, List<Span> spans) {
      for (Span s : spans) {
        tenants.put(s.traceId(), tenant);
        traces.computeIfAbsent(s.traceId(), k -> new CopyOnWriteArrayList<>()).add(s);
      }
    }

    @Override
    public Optional<Trace> getTrace(GetTraceQuery query) {
      List<Span> spans = traces.get(query.traceId());
      return spans == null || !query.tenant().equals(tenants.get(query.traceId()))
          ? Optional.empty() : Optional.of(Trace.of(spans));
    }

    int spanCount() {
      int n = 0;
      for (List<Span> l : traces.values()) {
        n += l.size();
      }
      return n;
    }

    @Override
    public List<String> getServices(String tenant) {
      return List.of();
    }

    @Override
    public List<Operation> getOperations(OperationQuery query) {
      return List.of();
    }

    @Override
    public List<Trace> findTraces(TraceQuery query) {
      return List.of();
    }

    @Override
    public List<TraceId> findTraceIds(TraceQuery query) {
      return List.of();
    }

    @Override
    public SpanWriter writer() {
      return this;
    }

    @Override
    public SpanReader reader() {
      return this;
    }

    @Override
    public DependencyReader dependencyReader() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ArchiveStorage> archive() {
      return Optional.empty();
    }

    @Override
    public Optional<SamplingStore> samplingStore() {
      return Optional.ofNullable(sampling);
    }

    @Override
    public void close() {}
  }
}
