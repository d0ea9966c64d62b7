// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.grpc;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.config.Settings;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.server.net.PortBinding;
import io.jaegerj.server.tls.ServerTls;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the collector's gRPC servers from a flag family ({@code <prefix>.host-port}, max size, connection age). */
public final class GrpcServers {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServers.class);
  private static final int MIB = 1 << 20;
  private static final int GRPC_DEFAULT_MAX = 4 * MIB;

  private GrpcServers() {}

  /**
   * Jaeger converts the byte flag to whole MiB; below 1 MiB that is 0, which gRPC reads as its default of 4 MiB.
   */
  public static int maxMessageBytes(long flagValue) {
    long mib = flagValue / MIB;
    return mib <= 0 ? GRPC_DEFAULT_MAX : (int) Math.min(Integer.MAX_VALUE, mib * MIB);
  }

  /**
   * Starts a server with the given services, on the shared Netty transport, handling calls on the event loop
   * (handlers only decode and enqueue).
   *
   * @param prefix e.g. {@code collector.otlp.grpc}: reads {@code .host-port}, {@code .max-message-size},
   *     {@code .max-connection-age}, {@code .max-connection-age-grace}
   * @param tlsPrefix the TLS flag family, e.g. {@code collector.grpc}
   */
  public static Server start(Settings settings, String prefix, String tlsPrefix, List<ServerServiceDefinition> services)
      throws IOException {
    return start(settings, prefix, tlsPrefix, services, null);
  }

  /**
   * As {@link #start(Settings, String, String, List)}, counting messages that the gRPC runtime refuses as too large
   * (they never reach a handler) as {@code too_large} in {@code errors}.
   */
  public static Server start(Settings settings, String prefix, String tlsPrefix, List<ServerServiceDefinition> services,
      ReceiverErrors errors) throws IOException {
    String flag = prefix + ".host-port";
    HostPort address = HostPort.parse(flag, settings.getString(flag));
    NettyTransport transport = NettyTransport.shared();
    NettyServerBuilder b = NettyServerBuilder.forAddress(address.bindAddress())
        .bossEventLoopGroup(transport.boss())
        .workerEventLoopGroup(transport.workers())
        .channelType(transport.serverChannelClass())
        .directExecutor()
        .decompressorRegistry(ExtraCodecs.registry())
        .maxInboundMessageSize(maxMessageBytes(settings.getLong(prefix + ".max-message-size")));
    Duration age = settings.getDuration(prefix + ".max-connection-age");
    if (!age.isZero()) {
      b.maxConnectionAge(age.toNanos(), TimeUnit.NANOSECONDS);
    }
    Duration grace = settings.getDuration(prefix + ".max-connection-age-grace");
    if (!grace.isZero()) {
      b.maxConnectionAgeGrace(grace.toNanos(), TimeUnit.NANOSECONDS);
    }
    ServerTls.serverContext(settings, tlsPrefix, true).ifPresent(b::sslContext);
    if (errors != null) {
      b.addStreamTracerFactory(new ServerStreamTracer.Factory() {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
          return new ServerStreamTracer() {
            @Override
            public void streamClosed(io.grpc.Status status) {
              if (status.getCode() == io.grpc.Status.Code.RESOURCE_EXHAUSTED && status.getDescription() != null
                  && status.getDescription().contains("exceeds maximum")) {
                errors.count("too_large");
              }
            }
          };
        }
      });
    }
    for (ServerServiceDefinition s : services) {
      b.addService(s);
    }
    Server server = b.build();
    try {
      server.start();
    } catch (IOException e) {
      throw PortBinding.failure(flag, address, e);
    }
    LOG.info("Starting gRPC server {} on port {}", prefix, server.getPort());
    return server;
  }

  /** Convenience for bindable services. */
  public static ServerServiceDefinition definition(BindableService s) {
    return s.bindService();
  }

  /** Stops accepting, waits briefly for calls in flight, then forces the rest closed. */
  public static void stop(Server server) throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** {@code UNAVAILABLE} with a {@code RetryInfo} detail, the OTLP way to say "retry after a second". */
  /**
   * Answers a unary call: {@code ok} then completion when {@code refusal} is null, else {@code refusal} as the call's
   * error. A call the client cancelled meanwhile is only logged (at debug, naming {@code what}).
   */
  public static <R> void reply(StreamObserver<R> response, R ok, StatusRuntimeException refusal, String what) {
    try {
      if (refusal != null) {
        response.onError(refusal);
      } else {
        response.onNext(ok);
        response.onCompleted();
      }
    } catch (RuntimeException e) {
      LOG.debug("{} answered after its call ended", what, e); // cancelled by the client meanwhile
    }
  }

  public static StatusRuntimeException unavailableRetryable(String message) {
    com.google.rpc.Status s = com.google.rpc.Status.newBuilder()
        .setCode(io.grpc.Status.Code.UNAVAILABLE.value())
        .setMessage(message)
        .addDetails(Any.pack(RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build()))
        .build();
    return StatusProto.toStatusRuntimeException(s);
  }
}
