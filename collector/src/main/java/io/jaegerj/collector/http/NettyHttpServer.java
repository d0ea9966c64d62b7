// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.server.net.PortBinding;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on the shared Netty transport: TLS, Go-style timeouts, CORS, a bounded aggregated body
 * (413 above it), then one {@link HttpHandler} called on the event loop. Closing stops the listener and every open
 * connection.
 */
public final class NettyHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NettyHttpServer.class);
  /** Go's DefaultMaxHeaderBytes. */
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private final Channel channel;
  private final ChannelGroup connections;
  private final HttpServerConfig config;

  private NettyHttpServer(Channel channel, ChannelGroup connections, HttpServerConfig config) {
    this.channel = channel;
    this.connections = connections;
    this.config = config;
  }

  /** Binds and returns once the port accepts connections. */
  public static NettyHttpServer start(HttpServerConfig config, HttpHandler handler, ReceiverErrors errors) {
    NettyTransport transport = NettyTransport.shared();
    ChannelGroup connections = new DefaultChannelGroup(config.name(), GlobalEventExecutor.INSTANCE);
    ServerBootstrap b = new ServerBootstrap()
        .group(transport.boss(), transport.workers())
        .channel(transport.serverChannelClass())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ChannelPipeline p = ch.pipeline();
            config.tls().ifPresent(ctx -> p.addLast("tls", ctx.newHandler(ch.alloc())));
            p.addLast("codec", new HttpServerCodec(8192, MAX_HEADER_BYTES, 65536));
            p.addLast("timeouts", new TimeoutHandler(config.readHeaderTimeout(), config.readTimeout(),
                config.effectiveIdleTimeout()));
            p.addLast("keepalive", new HttpServerKeepAliveHandler());
            p.addLast("aggregator", new HttpObjectAggregator(config.maxBodyBytes()) {
              @Override
              protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage
                  oversized) throws Exception {
                errors.count("too_large");
                super.handleOversizedMessage(ctx, oversized);
              }
            });
            if (!config.corsAllowedOrigins().isEmpty()) {
              p.addLast("cors", new CorsHandler(config.corsAllowedOrigins(), config.corsAllowedHeaders()));
            }
            p.addLast("handler", new Dispatch(handler, errors));
          }
        });
    Channel ch = PortBinding.bind(b, config.flag(), config.address());
    LOG.info("Starting HTTP server {} on port {}", config.name(), PortBinding.port(ch));
    return new NettyHttpServer(ch, connections, config);
  }

  public int port() {
    return PortBinding.port(channel);
  }

  /** Stops accepting and closes open connections. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    LOG.info("Stopped HTTP server {}", config.name());
  }

  private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HttpHandler handler;
    private final ReceiverErrors errors;

    Dispatch(HttpHandler handler, ReceiverErrors errors) {
      this.handler = handler;
      this.errors = errors;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.decoderResult().isFailure()) {
        errors.count("malformed_http");
        FullHttpResponse r = HttpResponses.text(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      FullHttpResponse r;
      try {
        r = handler.handle(req, ctx.alloc());
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        LOG.warn("HTTP handler failed", t);
        errors.count("internal");
        r = HttpResponses.text(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
      }
      HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(req));
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("HTTP connection error", cause);
      ctx.close();
    }
  }
}
