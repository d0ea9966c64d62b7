// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.zipkin;

import io.jaegerj.collector.http.HttpServerConfig;
import io.jaegerj.collector.http.NettyHttpServer;
import io.jaegerj.collector.http.ReceiverErrors;
import io.jaegerj.collector.pipeline.SpanConsumer;
import io.jaegerj.config.Flag;
import io.jaegerj.config.Settings;
import io.jaegerj.server.Lifecycle;
import io.jaegerj.server.ServerContext;
import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.tenancy.Tenancy;
import io.jaegerj.server.net.HttpListener;
import io.jaegerj.server.tls.ServerTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Zipkin v1/v2 HTTP receiver on {@code collector.zipkin.host-port} (off when the flag is empty). */
public final class ZipkinReceiver {
  static final String PREFIX = "collector.zipkin";
  static final String HOST_PORT = PREFIX + ".host-port";
  static final String KEEP_ALIVE = PREFIX + ".keep-alive";
  static final String CORS_ORIGINS = PREFIX + ".cors.allowed-origins";
  static final String CORS_HEADERS = PREFIX + ".cors.allowed-headers";

  private ZipkinReceiver() {}

  /** The collector.zipkin.* flags. */
  public static List<Flag> flags() {
    List<Flag> f = new ArrayList<>();
    f.add(Flag.string(CORS_HEADERS, "", "Comma-separated CORS allowed headers. See"
        + " https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Headers"));
    f.add(Flag.string(CORS_ORIGINS, "", "Comma-separated CORS allowed origins. See"
        + " https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Origin"));
    f.add(Flag.hostPort(HOST_PORT, "",
        "The host:port (e.g. 127.0.0.1:9411 or :9411) of the collector's Zipkin server (disabled by default)"));
    f.add(Flag.bool(KEEP_ALIVE, true,
        "KeepAlive configures allow Keep-Alive for Zipkin HTTP server (enabled by default)"));
    f.addAll(ServerTls.flags(PREFIX));
    return f;
  }

  /**
   * Starts the receiver when enabled; registers its shutdown with the context's lifecycle. Requests are checked
   * against the collector's {@code tenancy}.
   */
  public static void start(ServerContext context, SpanConsumer consumer, Tenancy tenancy) {
    Optional<NettyHttpServer> server = startServer(context, consumer, tenancy);
    server.ifPresent(s -> context.lifecycle().onShutdown(Lifecycle.Phase.STOP_ACCEPTING, "zipkin receiver",
        s::close));
  }

  /** Starts and returns the server, or empty when {@code collector.zipkin.host-port} is empty. */
  static Optional<NettyHttpServer> startServer(ServerContext context, SpanConsumer consumer, Tenancy tenancy) {
    Settings settings = context.settings();
    String hostPort = settings.getString(HOST_PORT).trim();
    if (hostPort.isEmpty()) {
      return Optional.empty();
    }
    // collector.zipkin.keep-alive is read for validation only: Jaeger 1.74 parses it and ignores it.
    settings.getBool(KEEP_ALIVE);
    HttpServerConfig config = new HttpServerConfig(
        "zipkin",
        HOST_PORT,
        HostPort.parse(HOST_PORT, hostPort),
        ServerTls.serverContext(settings, PREFIX, false),
        // Jaeger has no timeout flags for this port: the defaults of every such port (2 s to send the headers).
        HttpListener.Limits.defaults(),
        Settings.parseList(settings.getString(CORS_ORIGINS)),
        Settings.parseList(settings.getString(CORS_HEADERS)),
        ZipkinHttpHandler.MAX_BODY_BYTES);
    ReceiverErrors errors = new ReceiverErrors(context.meters(), "zipkin");
    ZipkinHttpHandler handler = new ZipkinHttpHandler(consumer, errors, context.clock(), tenancy);
    return Optional.of(NettyHttpServer.start(config, handler, errors));
  }
}
