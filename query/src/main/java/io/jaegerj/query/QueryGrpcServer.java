// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.storage.CallerCredentials;
import io.jaegerj.server.net.PortBinding;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC listener of port 16685: api_v2 and api_v3 query services, health (SERVING for the overall server and the
 * services Jaeger lists) and reflection (v1 and v1alpha), behind the tenancy and bearer-token interceptors.
 */
final class QueryGrpcServer implements AutoCloseable {
  static final List<String> HEALTH_SERVICES = List.of("", "jaeger.api_v2.QueryService",
      "jaeger.api_v2.metrics.MetricsQueryService", "jaeger.api_v3.QueryService");
  static final Metadata.Key<String> BEARER_TOKEN = Metadata.Key.of("bearer.token", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> TOKEN = Context.key("jaeger-bearer-token");

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

  QueryGrpcServer(QueryOptions options, QueryService service, Optional<SslContext> tls) throws IOException {
    NettyTransport transport = NettyTransport.shared();
    List<ServerInterceptor> interceptors = options.tenancyEnabled()
        ? List.of(new BearerInterceptor(), new TenancyInterceptor(options))
        : List.of(new BearerInterceptor());
    NettyServerBuilder b = NettyServerBuilder.forAddress(options.grpcHostPort().bindAddress())
        .bossEventLoopGroup(transport.boss())
        .workerEventLoopGroup(transport.workers())
        .channelType(transport.serverChannelClass())
        .maxInboundMessageSize(4 * 1024 * 1024)
        .addService(ServerInterceptors.intercept(new GrpcQueryV2(service), interceptors))
        .addService(ServerInterceptors.intercept(new GrpcQueryV3(service), interceptors))
        .addService(ServerInterceptors.intercept(health.getHealthService(), interceptors))
        .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), interceptors))
        .addService(ServerInterceptors.intercept(ProtoReflectionService.newInstance(), interceptors));
    tls.ifPresent(b::sslContext);
    for (String s : HEALTH_SERVICES) {
      health.setStatus(s, ServingStatus.SERVING);
    }
    server = b.build();
    try {
      server.start();
    } catch (IOException e) {
      throw PortBinding.failure(QueryOptions.GRPC_HOST_PORT, options.grpcHostPort(), e);
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  /** Metadata {@code bearer.token}: at most one value, exposed to the call's context. */
  static final class BearerInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      Iterable<String> values = headers.getAll(BEARER_TOKEN);
      if (values == null) {
        return next.startCall(call, headers);
      }
      Iterator<String> it = values.iterator();
      String token = it.next();
      if (it.hasNext()) {
        call.close(Status.UNAUTHENTICATED.withDescription("malformed token: multiple tokens found"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      ServerCall.Listener<Q> listener =
          Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
      return new CredentialsListener<>(listener, new CallerCredentials.Credentials(token, ""));
    }
  }

  /**
   * Binds the call's token to storage-api's {@link CallerCredentials} while each callback runs (the service methods
   * run inside them), so that storage backends that forward it (es.bearer-token-propagation) see it.
   */
  static final class CredentialsListener<Q> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final CallerCredentials.Credentials credentials;

    CredentialsListener(ServerCall.Listener<Q> delegate, CallerCredentials.Credentials credentials) {
      super(delegate);
      this.credentials = credentials;
    }

    private void bound(Runnable r) {
      CallerCredentials.setCurrent(credentials);
      try {
        r.run();
      } finally {
        CallerCredentials.setCurrent(null);
      }
    }

    @Override
    public void onMessage(Q message) {
      bound(() -> super.onMessage(message));
    }

    @Override
    public void onHalfClose() {
      bound(super::onHalfClose);
    }

    @Override
    public void onCancel() {
      bound(super::onCancel);
    }

    @Override
    public void onComplete() {
      bound(super::onComplete);
    }

    @Override
    public void onReady() {
      bound(super::onReady);
    }
  }

  /** The tenant of the current call, set by {@link TenancyInterceptor}; "" when tenancy is off. */
  private static final Context.Key<String> TENANT = Context.keyWithDefault("jaeger-query-tenant", "");

  /** The tenant the current call was authorized for ("" when multi-tenancy is off). */
  static String tenant() {
    return TENANT.get();
  }

  /** Jaeger's gRPC tenancy checks (spec query.md §1.5); puts the checked tenant into the call's context. */
  static final class TenancyInterceptor implements ServerInterceptor {
    private final Metadata.Key<String> key;
    private final List<String> tenants;

    TenancyInterceptor(QueryOptions options) {
      this.key = Metadata.Key.of(options.tenancyHeader().toLowerCase(java.util.Locale.ROOT),
          Metadata.ASCII_STRING_MARSHALLER);
      this.tenants = options.tenants();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      Iterable<String> values = headers.getAll(key);
      Status fail = null;
      String tenant = null;
      if (values == null) {
        fail = Status.UNAUTHENTICATED.withDescription("missing tenant header");
      } else {
        Iterator<String> it = values.iterator();
        tenant = it.next();
        if (it.hasNext()) {
          fail = Status.PERMISSION_DENIED.withDescription("extra tenant header");
        } else if (tenant.isEmpty()) {
          // Jaeger lets an empty value through (as the default tenant) when no tenant list is set; an empty
          // tenant must never reach the data of the default tenant while tenancy is on.
          fail = Status.UNAUTHENTICATED.withDescription("missing tenant header");
        } else if (!tenants.isEmpty() && !tenants.contains(tenant)) {
          fail = Status.PERMISSION_DENIED.withDescription("unknown tenant");
        }
      }
      if (fail != null) {
        call.close(fail, new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
    }
  }
}
