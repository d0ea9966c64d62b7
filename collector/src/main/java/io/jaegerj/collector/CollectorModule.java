// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.jaegerj.collector.agent.AgentReceivers;
import io.jaegerj.collector.grpc.GrpcServers;
import io.jaegerj.collector.http.HttpServerConfig;
import io.jaegerj.collector.http.NettyHttpServer;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.http.RequestDurations;
import io.jaegerj.collector.jaeger.JaegerGrpcService;
import io.jaegerj.collector.jaeger.JaegerHttpHandler;
import io.jaegerj.collector.otlp.OtlpGrpcService;
import io.jaegerj.collector.otlp.OtlpHttpHandler;
import io.jaegerj.collector.pipeline.AckMode;
import io.jaegerj.collector.pipeline.CollectorTags;
import io.jaegerj.collector.pipeline.PipelineOptions;
import io.jaegerj.collector.pipeline.SpanPipeline;
import io.jaegerj.collector.sampling.FileStrategyProvider;
import io.jaegerj.collector.sampling.SamplingGrpcService;
import io.jaegerj.collector.sampling.SamplingHttp;
import io.jaegerj.collector.sampling.StrategyProvider;
import io.jaegerj.collector.zipkin.ZipkinReceiver;
import io.jaegerj.config.Flag;
import io.jaegerj.dependencies.AggregatorOptions;
import io.jaegerj.dependencies.DependencyAggregation;
import io.jaegerj.config.Settings;
import io.jaegerj.proto.api_v2.CollectorServiceGrpc;
import io.jaegerj.proto.api_v2.SamplingManagerGrpc;
import io.jaegerj.sampling.adaptive.AdaptiveFlags;
import io.jaegerj.sampling.adaptive.AdaptiveOptions;
import io.jaegerj.sampling.adaptive.AdaptiveSampling;
import io.jaegerj.server.DownsamplingOptions;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.ServerModule;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.server.net.HttpListener;
import io.jaegerj.server.tls.ServerTls;
import io.jaegerj.spm.MetricsStorage;
import io.jaegerj.spm.SpanMetrics;
import io.jaegerj.storage.SpanWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector: the span pipeline, OTLP gRPC/HTTP (4317/4318), Jaeger gRPC (14250: spans, sampling, health,
 * reflection) and HTTP (14268: Thrift spans, sampling), the legacy agent sampling port (5778), and the Zipkin and
 * agent UDP receivers. On shutdown: listeners close (STOP_ACCEPTING), the queue drains into storage (DRAIN), workers
 * and the sampling reloader stop (CLOSE).
 */
public final class CollectorModule implements ServerModule {
  private static final Logger LOG = LoggerFactory.getLogger(CollectorModule.class);
  /** How long the DRAIN phase waits for queued spans to reach storage. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

  /** Span metrics beyond the caps count under the overflow label. */
  static final int SPAN_METRICS_MAX_SERVICES = 1000;
  static final int SPAN_METRICS_MAX_OPERATIONS = 500;

  private final Function<String, String> env;
  private volatile Started started;
  private volatile String metricsType = "";
  /** {@code SAMPLING_CONFIG_TYPE=adaptive}, as seen by {@link #flags(Map)}. */
  private volatile boolean adaptive;
  private volatile AdaptiveSampling adaptiveSampling;

  /** What {@link #start} opened; for tests. */
  record Started(SpanPipeline pipeline, List<Server> grpcServers, List<NettyHttpServer> httpServers) {}

  public CollectorModule() {
    this(System::getenv);
  }

  /** @param env looks up environment variables for {@code ${VAR}} references in {@code collector.tags} */
  CollectorModule(Function<String, String> env) {
    this.env = env;
  }

  @Override
  public List<Flag> flags() {
    List<Flag> flags = new ArrayList<>(CollectorFlags.all());
    flags.addAll(ZipkinReceiver.flags());
    flags.addAll(AgentReceivers.flags());
    flags.addAll(AggregatorOptions.flags());
    return flags;
  }

  /**
   * Validates {@code SAMPLING_CONFIG_TYPE}: {@code file} (the default) declares the file provider's flags,
   * {@code adaptive} the adaptive provider's instead (as Jaeger does); anything else is refused as Jaeger does.
   */
  @Override
  public List<Flag> flags(Map<String, String> env) {
    String type = env.getOrDefault("SAMPLING_CONFIG_TYPE", "");
    if (!type.isEmpty() && !type.equals("file") && !type.equals("adaptive")) {
      throw new IllegalArgumentException("unknown sampling strategy store type " + type);
    }
    adaptive = type.equals("adaptive");
    metricsType = env.getOrDefault(MetricsStorage.ENV, "").trim();
    if (!adaptive) {
      return flags();
    }
    List<Flag> flags = new ArrayList<>(flags());
    flags.removeIf(f -> CollectorFlags.FILE_SAMPLING_FLAGS.contains(f.name()));
    flags.addAll(AdaptiveFlags.all());
    return flags;
  }

  @Override
  public void start(ServerContext context) throws Exception {
    Settings s = context.settings();
    Lifecycle lifecycle = context.lifecycle();
    PipelineOptions options = pipelineOptions(s, env)
        .withAckMode(ackMode(s.getString(CollectorFlags.ACKNOWLEDGE), context.storage().localDurable()));
    LOG.info("Receivers acknowledge spans once {}", options.ackMode().flagValue());
    SpanMetrics spanMetrics = spanMetrics(s.getBool(CollectorFlags.SPAN_METRICS), context);
    SpanWriter writer = context.storage().writer();
    Optional<DependencyAggregation> deps = DependencyAggregation.start(AggregatorOptions.from(s),
        context.storage().dependencyWriter(), () -> context.storage().reader(), context.clock(), context.meters());
    if (deps.isPresent()) {
      writer = deps.get().wrap(writer);
      lifecycle.onShutdown(Lifecycle.Phase.CLOSE, "dependency aggregator", deps.get()::close);
    }
    SpanPipeline pipeline = SpanPipeline.start(options, writer, context.meters(), spanMetrics);
    lifecycle.onShutdown(Lifecycle.Phase.CLOSE, "span pipeline workers", pipeline::close);
    lifecycle.onShutdown(Lifecycle.Phase.DRAIN, "span pipeline queue", () -> pipeline.drain(DRAIN_TIMEOUT));

    StrategyProvider sampling = adaptive ? adaptiveSampling(s, context, pipeline) : fileSampling(s, lifecycle);
    SamplingHttp samplingHttp = new SamplingHttp(sampling, context.meters());

    Tenancy tenancy = Tenancy.from(s);
    List<Server> grpc = new ArrayList<>();
    List<NettyHttpServer> http = new ArrayList<>();
    try {
      if (s.getBool(CollectorFlags.OTLP_ENABLED)) {
        ReceiverErrors otlpGrpcErrors = new ReceiverErrors(context.meters(), "otlp-grpc");
        OtlpGrpcService otlp = new OtlpGrpcService(pipeline, otlpGrpcErrors, tenancy);
        Server otlpGrpc = GrpcServers.start(s, CollectorFlags.OTLP_GRPC, CollectorFlags.OTLP_GRPC,
            List.of(ServerInterceptors.intercept(otlp.definition(), tenancy.recordingInterceptor())), otlpGrpcErrors);
        grpc.add(otlpGrpc);
        register(lifecycle, "OTLP gRPC server", otlpGrpc);
        ReceiverErrors otlpHttpErrors = new ReceiverErrors(context.meters(), "otlp-http");
        NettyHttpServer otlpHttp = NettyHttpServer.start(
            httpConfig(s, "otlp-http", CollectorFlags.OTLP_HTTP, CollectorFlags.OTLP_HTTP, true,
                OtlpHttpHandler.MAX_BODY_BYTES),
            new OtlpHttpHandler(pipeline, otlpHttpErrors, OtlpHttpHandler.MAX_BODY_BYTES, tenancy),
            otlpHttpErrors);
        http.add(otlpHttp);
        lifecycle.onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "OTLP HTTP server", otlpHttp::close);
      }

      HealthStatusManager health = new HealthStatusManager();
      health.setStatus("", ServingStatus.SERVING);
      health.setStatus(CollectorServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
      health.setStatus(SamplingManagerGrpc.SERVICE_NAME, ServingStatus.SERVING);
      ReceiverErrors jaegerGrpcErrors = new ReceiverErrors(context.meters(), "jaeger-grpc");
      JaegerGrpcService jaeger = new JaegerGrpcService(pipeline, jaegerGrpcErrors, tenancy);
      List<ServerServiceDefinition> services = List.of(
          ServerInterceptors.intercept(jaeger.definition(), tenancy.recordingInterceptor()),
          new SamplingGrpcService(sampling).bindService(),
          health.getHealthService().bindService(),
          ProtoReflectionServiceV1.newInstance().bindService(),
          reflectionV1Alpha());
      Server jaegerGrpc = GrpcServers.start(s, CollectorFlags.GRPC_SERVER, CollectorFlags.GRPC_TLS, services,
          jaegerGrpcErrors);
      grpc.add(jaegerGrpc);
      lifecycle.onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "gRPC health", health::enterTerminalState);
      register(lifecycle, "Jaeger gRPC server", jaegerGrpc);

      ReceiverErrors jaegerHttpErrors = new ReceiverErrors(context.meters(), "jaeger-http");
      NettyHttpServer jaegerHttp = NettyHttpServer.start(
          httpConfig(s, "jaeger-http", CollectorFlags.HTTP_SERVER, CollectorFlags.HTTP_TLS, false,
              OtlpHttpHandler.MAX_BODY_BYTES),
          new JaegerHttpHandler(pipeline, samplingHttp, jaegerHttpErrors,
              new RequestDurations(context.meters()), tenancy), jaegerHttpErrors);
      http.add(jaegerHttp);
      lifecycle.onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "Jaeger HTTP server", jaegerHttp::close);

      String agentHttp = s.getString(CollectorFlags.AGENT_HTTP).trim();
      if (!agentHttp.isEmpty()) {
        NettyHttpServer agent = NettyHttpServer.start(new HttpServerConfig("agent-sampling",
                CollectorFlags.AGENT_HTTP, HostPort.parse(CollectorFlags.AGENT_HTTP, agentHttp), Optional.empty(),
                HttpListener.Limits.defaults(), List.of(), List.of(), 1 << 20),
            samplingHttp.agentHandler(), new ReceiverErrors(context.meters(), "agent-sampling"));
        http.add(agent);
        lifecycle.onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "agent sampling HTTP server", agent::close);
      }

      ZipkinReceiver.start(context, pipeline, tenancy);
      AgentReceivers.start(context, pipeline, tenancy);
    } catch (Exception | Error e) {
      for (NettyHttpServer h : http) {
        h.close();
      }
      for (Server g : grpc) {
        g.shutdownNow();
      }
      throw e;
    }
    started = new Started(pipeline, List.copyOf(grpc), List.copyOf(http));
  }

  Started started() {
    return started;
  }

  private static StrategyProvider fileSampling(Settings s, Lifecycle lifecycle) throws Exception {
    FileStrategyProvider file = FileStrategyProvider.create(s.getString(CollectorFlags.STRATEGIES_FILE),
        s.getDuration(CollectorFlags.STRATEGIES_RELOAD), s.getDouble(CollectorFlags.DEFAULT_PROBABILITY));
    lifecycle.onShutdown(Lifecycle.Phase.CLOSE, "sampling strategies reloader", file::close);
    return file;
  }

  /** {@code SAMPLING_CONFIG_TYPE=adaptive}: root spans of the Jaeger path feed the aggregator. */
  /** The probabilities adaptive sampling serves now; empty when it is off. For tests. */
  Map<String, Map<String, Double>> adaptiveProbabilities() {
    AdaptiveSampling a = adaptiveSampling;
    return a == null ? Map.of() : a.probabilities();
  }

  private StrategyProvider adaptiveSampling(Settings s, ServerContext context, SpanPipeline pipeline) {
    AdaptiveOptions options = AdaptiveOptions.from(s);
    var store = context.storage().samplingStore(options.aggregationBuckets()).orElseThrow(
        () -> new IllegalArgumentException(
            "sampling store factory is nil. Please configure a backend that supports adaptive sampling"));
    AdaptiveSampling a = AdaptiveSampling.start(options, store, context.meters(),
        AdaptiveSampling.ownerId(), context.clock());
    context.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "adaptive sampling", a::close);
    pipeline.observeJaegerPathSpans(a::observe);
    adaptiveSampling = a;
    return a::strategy;
  }

  /**
   * Span metrics when {@code collector.span-metrics.enabled} is set or {@code METRICS_STORAGE_TYPE=in-process}
   * reads them, registered on the admin /metrics; else null.
   */
  private SpanMetrics spanMetrics(boolean enabled, ServerContext context) {
    if (!enabled && !metricsType.equals(MetricsStorage.IN_PROCESS)) {
      return null;
    }
    SpanMetrics m = new SpanMetrics(SPAN_METRICS_MAX_SERVICES, SPAN_METRICS_MAX_OPERATIONS);
    MeterRegistry meters = context.meters();
    if (meters instanceof PrometheusMeterRegistry p) {
      p.getPrometheusRegistry().register(m);
    } else {
      LOG.warn("Span metrics are computed but not exposed: --metrics-backend is not prometheus");
    }
    SpanMetrics.share(m);
    context.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "span metrics", () -> SpanMetrics.share(null));
    LOG.info("Span metrics enabled (at most {} services, {} operations per service)", SPAN_METRICS_MAX_SERVICES,
        SPAN_METRICS_MAX_OPERATIONS);
    return m;
  }

  /** grpc-go registers both reflection versions; grpcurl and older tools use v1alpha. */
  @SuppressWarnings("deprecation")
  private static ServerServiceDefinition reflectionV1Alpha() {
    return ProtoReflectionService.newInstance().bindService();
  }

  private static void register(Lifecycle lifecycle, String name, Server server) {
    lifecycle.onShutdown(Lifecycle.Phase.STOP_ACCEPTING, name, () -> GrpcServers.stop(server));
  }

  /**
   * Resolves {@code collector.acknowledge}: {@code auto} is {@code stored} when the only span storage is locally
   * durable (badger not ephemeral: a local write that survives a crash of the process costs microseconds), else
   * {@code queued} (remote or volatile storage: Jaeger's answer).
   */
  static AckMode ackMode(String value, boolean localDurableStorage) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "queued":
        return AckMode.QUEUED;
      case "stored":
        return AckMode.STORED;
      case "auto":
      case "":
        return localDurableStorage ? AckMode.STORED : AckMode.QUEUED;
      default:
        throw new IllegalArgumentException(
            CollectorFlags.ACKNOWLEDGE + ": \"" + value + "\" (expected: queued, stored or auto)");
    }
  }

  static PipelineOptions pipelineOptions(Settings s, Function<String, String> env) {
    long memMiB = s.getLong(CollectorFlags.QUEUE_SIZE_MEMORY);
    DownsamplingOptions downsampling = DownsamplingOptions.from(s);
    return new PipelineOptions(s.getInt(CollectorFlags.QUEUE_SIZE), s.getInt(CollectorFlags.NUM_WORKERS),
        memMiB * (1L << 20), s.getBool(CollectorFlags.SPAN_SIZE_METRICS),
        CollectorTags.parse(s.getString(CollectorFlags.TAGS), env), downsampling.ratio(),
        downsampling.hashSalt());
  }

  private static HttpServerConfig httpConfig(Settings s, String name, String prefix, String tlsPrefix, boolean cors,
      int maxBody) {
    String flag = prefix + ".host-port";
    return new HttpServerConfig(name, flag, HostPort.parse(flag, s.getString(flag)),
        ServerTls.serverContext(s, tlsPrefix, false),
        NettyHttpServer.receiverLimits().withTimeouts(s.getDuration(prefix + ".read-header-timeout"),
            s.getDuration(prefix + ".read-timeout"), s.getDuration(prefix + ".idle-timeout")),
        cors ? Settings.parseList(s.getString(prefix + ".cors.allowed-origins")) : List.of(),
        cors ? Settings.parseList(s.getString(prefix + ".cors.allowed-headers")) : List.of(),
        maxBody);
  }
}
