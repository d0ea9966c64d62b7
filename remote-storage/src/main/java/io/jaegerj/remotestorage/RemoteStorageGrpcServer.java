// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.remotestorage;

import io.grpc.BindableService;
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
import io.jaegerj.server.net.PortBinding;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.storage.CallerCredentials;
import io.jaegerj.storage.grpc.StorageServices;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;

/**
 * The listener of port 17271: storage API v1 and v2, OTLP trace export, gRPC health (SERVING for the overall
 * server and every storage service Jaeger lists) and reflection, behind the bearer-token and tenancy interceptors.
 */
final class RemoteStorageGrpcServer implements AutoCloseable {
  /** Requests are single spans (v1) or OTLP batches (v2 writes); 4 MiB is gRPC's and Jaeger's default bound. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;
  /**
   * HTTP/2 flow-control window per stream and connection: gRPC's 1 MiB default makes a 2 MiB {@code WriteSpans}
   * call wait for window updates from us mid-message; 8 MiB lets a few calls in flight arrive without stalls.
   */
  static final int FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;
  static final Metadata.Key<String> BEARER_TOKEN = Metadata.Key.of("bearer.token", Metadata.ASCII_STRING_MARSHALLER);

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ForkJoinPool executor = new ForkJoinPool(Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
      pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("remote-storage-call-" + t.getPoolIndex());
        return t;
      }, null, true);

  RemoteStorageGrpcServer(RemoteStorageOptions options, StorageServices services, Optional<SslContext> tls)
      throws IOException {
    NettyTransport transport = NettyTransport.shared();
    List<ServerInterceptor> interceptors = new ArrayList<>();
    interceptors.add(new BearerInterceptor());
    if (options.tenancy().enabled()) {
      interceptors.add(new TenancyInterceptor(options.tenancy()));
    } else {
      // tenancy off here: a caller that still names a tenant keeps it apart from the default tenant's data
      interceptors.add(StorageServices.tenantFromHeader(options.tenancy().header()));
    }
    NettyServerBuilder b = NettyServerBuilder.forAddress(options.grpcHostPort().bindAddress())
        .bossEventLoopGroup(transport.boss())
        .workerEventLoopGroup(transport.workers())
        .channelType(transport.serverChannelClass())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
        .maxInboundMetadataSize(64 * 1024)
        // Calls run on a work-stealing pool rather than gRPC's default cached pool: backends may block (badger's
        // writes, reads of any backend), so not on the event loops, but the hand-off per message is cheaper.
        .executor(executor);
    List<BindableService> all = new ArrayList<>(services.v1());
    all.addAll(services.v2());
    for (BindableService s : all) {
      b.addService(ServerInterceptors.intercept(s, interceptors));
    }
    // Health and reflection answer without a tenant, as probes carry none.
    b.addService(health.getHealthService());
    b.addService(ProtoReflectionServiceV1.newInstance());
    b.addService(ProtoReflectionService.newInstance());
    tls.ifPresent(b::sslContext);
    health.setStatus("", ServingStatus.SERVING);
    for (String name : StorageServices.healthServiceNames()) {
      health.setStatus(name, ServingStatus.SERVING);
    }
    server = b.build();
    try {
      server.start();
    } catch (IOException e) {
      throw PortBinding.failure(RemoteStorageModule.GRPC_HOST_PORT, options.grpcHostPort(), e);
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
    executor.shutdown();
  }

  /** Metadata {@code bearer.token}: at most one, bound to {@link CallerCredentials} while the call runs. */
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
      return new CredentialsListener<>(next.startCall(call, headers), new CallerCredentials.Credentials(token, ""));
    }
  }

  static final class CredentialsListener<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
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
  }

  /**
   * The binary's one tenancy rule ({@link Tenancy#resolve(Metadata)}, Jaeger's texts and the query's statuses: an
   * absent header is {@code UNAUTHENTICATED}); the tenant goes into the call's context as
   * {@link StorageServices#TENANT}.
   */
  static final class TenancyInterceptor implements ServerInterceptor {
    private final Tenancy tenancy;

    TenancyInterceptor(Tenancy tenancy) {
      this.tenancy = tenancy;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      Tenancy.Decision d = tenancy.resolve(headers);
      if (!d.allowed()) {
        call.close(Tenancy.grpcStatus(d.failure(), Status.Code.UNAUTHENTICATED), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(Context.current().withValue(StorageServices.TENANT, d.tenant()), call, headers,
          next);
    }
  }
}
