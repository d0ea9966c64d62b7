// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server;

import io.jaegerj.server.net.HostPort;
import io.jaegerj.server.net.HttpListener;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server: health on {@code /} and every unregistered path, Prometheus text on the metrics route,
 * build information on {@code /version}. The scrape runs off the event loop (it can take milliseconds).
 */
final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpListener listener;

  private AdminServer(HttpListener listener) {
    this.listener = listener;
  }

  /**
   * @param prometheus the registry to scrape, or null when {@code metrics-backend=none}
   */
  static AdminServer start(HostPort address, Optional<SslContext> tls, Health health,
      PrometheusMeterRegistry prometheus, String metricsRoute, Executor scrapeExecutor) {
    return start(address, tls, health, prometheus, metricsRoute, scrapeExecutor, HttpListener.Limits.defaults());
  }

  /** As above with explicit limits (Jaeger has no timeout flags for the admin port: the defaults of such ports). */
  static AdminServer start(HostPort address, Optional<SslContext> tls, Health health,
      PrometheusMeterRegistry prometheus, String metricsRoute, Executor scrapeExecutor, HttpListener.Limits limits) {
    Handler handler = new Handler(health, prometheus, metricsRoute, scrapeExecutor);
    LOG.info("Starting HTTP server on {} (admin, tls={})", address, tls.isPresent());
    HttpListener listener = HttpListener.bind("admin", CommonFlags.ADMIN_HOST_PORT, address, tls,
        limits.withHeaderBounds(4096, 8192, 8192), prometheus, p -> {
          p.addLast(new HttpObjectAggregator(64 * 1024));
          p.addLast(handler);
        });
    LOG.info("Admin server listening on port {}", listener.port());
    return new AdminServer(listener);
  }

  int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }

  @ChannelHandler.Sharable
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Health health;
    private final PrometheusMeterRegistry prometheus;
    private final String metricsRoute;
    private final Executor scrapeExecutor;

    Handler(Health health, PrometheusMeterRegistry prometheus, String metricsRoute, Executor scrapeExecutor) {
      this.health = health;
      this.prometheus = prometheus;
      this.metricsRoute = metricsRoute;
      this.scrapeExecutor = scrapeExecutor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req) && !req.decoderResult().isFailure();
      boolean head = HttpMethod.HEAD.equals(req.method());
      String path = new QueryStringDecoder(req.uri()).path();
      if (prometheus != null && path.equals(metricsRoute)) {
        scrapeExecutor.execute(() -> {
          String text;
          try {
            text = prometheus.scrape();
          } catch (RuntimeException e) {
            LOG.warn("Metrics scrape failed", e);
            ctx.executor().execute(() -> send(ctx, 500, "text/plain; charset=utf-8", "scrape failed\n", keepAlive,
                head));
            return;
          }
          ctx.executor().execute(() -> send(ctx, 200, PROMETHEUS_TEXT, text, keepAlive, head));
        });
        return;
      }
      if (path.equals("/version")) {
        send(ctx, 200, "application/json", BuildInfo.get().json(), keepAlive, head);
        return;
      }
      Health.Response r = health.response();
      send(ctx, r.status(), "application/json", r.body(), keepAlive, head);
    }

    private static void send(ChannelHandlerContext ctx, int status, String type, String body, boolean keepAlive,
        boolean head) {
      ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
          content);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH,
          head ? body.getBytes(StandardCharsets.UTF_8).length : content.readableBytes());
      if (keepAlive) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(res);
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("Admin connection error", cause);
      ctx.close();
    }
  }
}
