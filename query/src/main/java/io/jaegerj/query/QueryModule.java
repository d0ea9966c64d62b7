// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.config.Flag;
import io.jaegerj.model.adjust.Adjusters;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.ServerModule;
import io.jaegerj.server.Storage;
import io.jaegerj.server.net.HttpListener;
import io.jaegerj.server.tls.ServerTls;
import io.jaegerj.spm.MetricsReader;
import io.jaegerj.spm.MetricsStorage;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The query service: HTTP /api and /api/v3 plus the UI on 16686, gRPC api_v2/api_v3/health/reflection on 16685. */
public final class QueryModule implements ServerModule {
  private static final Logger LOG = LoggerFactory.getLogger(QueryModule.class);

  private volatile int httpPort = -1;
  private volatile int grpcPort = -1;

  private volatile String metricsType = "";

  @Override
  public List<Flag> flags() {
    return QueryOptions.flags();
  }

  /** Adds the metrics store's flags ({@code prometheus.*}) selected by {@code METRICS_STORAGE_TYPE}. */
  @Override
  public List<Flag> flags(Map<String, String> env) {
    metricsType = MetricsStorage.type(env);
    List<Flag> f = new ArrayList<>(flags());
    f.addAll(MetricsStorage.flags(metricsType));
    return f;
  }

  /** The bound HTTP port after {@link #start} (useful with port 0), else -1. */
  public int httpPort() {
    return httpPort;
  }

  /** The bound gRPC port after {@link #start} (useful with port 0), else -1. */
  public int grpcPort() {
    return grpcPort;
  }

  @Override
  public void start(ServerContext context) throws Exception {
    QueryOptions options = QueryOptions.from(context.settings());
    Optional<SslContext> httpTls = ServerTls.serverContext(context.settings(), "query.http", false);
    Optional<SslContext> grpcTls = ServerTls.serverContext(context.settings(), "query.grpc", true);
    Storage storage = context.storage();
    QueryService service = new QueryService(storage.reader(), storage.dependencyReader(), storage.archive(),
        Adjusters.standard(options.maxClockSkewAdjustment()), Adjusters.otlp(options.maxClockSkewAdjustment()));
    UiAssets assets = new UiAssets(options.staticFiles(), options.uiConfig(), options.basePath(),
        service.hasArchive());
    context.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "query UI assets", assets::close);

    MetricsReader metrics = MetricsStorage.open(metricsType, context.settings(), context.meters(), context.clock(),
        context.binaryName());
    if (metrics != null) {
      context.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "metrics reader", metrics::close);
      LOG.info("Metrics querying enabled ({})", metricsType);
    }
    GrpcMetrics grpcMetrics = new GrpcMetrics(metrics, context.clock(), options.tenancy());
    QueryGrpcServer grpc = new QueryGrpcServer(options, service, grpcMetrics, grpcTls);
    context.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "query gRPC server", grpc::close);
    grpcPort = grpc.port();
    LOG.info("Starting GRPC server on port {}", grpcPort);

    HttpRouter router = new HttpRouter(options, new UiAssetHandler(assets, options.logStaticAssetsAccess()),
        List.of(new ApiHandler(service, context.clock(), OtlpTransforms.find()).routes(),
            new ApiV3Handler(service).routes(),
            new MetricsApiHandler(metrics, context.clock()).routes()));
    LiveTailHandler liveTail = new LiveTailHandler(storage.reader(), options.tenancy(), options.basePath(),
        context.clock(), context.meters());
    context.lifecycle().onShutdown(Lifecycle.Phase.CLOSE, "query live tail", liveTail::close);
    TracePageHandler pages = new TracePageHandler(service, options.tenancy(), options.basePath());
    QueryHttpServer http = new QueryHttpServer(options, List.of(liveTail, pages), router, httpTls, context.meters(),
        HttpListener.Limits.defaults());
    context.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "query HTTP server", http::close);
    httpPort = http.port();
    LOG.info("Starting HTTP server on port {} with base path '{}'", httpPort, options.basePath());
  }
}
