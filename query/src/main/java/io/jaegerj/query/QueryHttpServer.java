// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.server.net.NettyTransport;
import io.jaegerj.server.net.PortBinding;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP listener of port 16686. Request bodies are bounded ({@link #MAX_BODY_BYTES}, 413 beyond), as are the
 * request line and headers; requests are handled on a separate executor group because storage reads block.
 */
final class QueryHttpServer implements AutoCloseable {
  /** OpenTelemetry's confighttp default request body limit, as Jaeger uses. */
  static final int MAX_BODY_BYTES = 20 * 1024 * 1024;
  static final int MAX_INITIAL_LINE = 64 * 1024;
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Channel channel;
  private final EventExecutorGroup handlers;

  QueryHttpServer(QueryOptions options, HttpApiHandler handler, Optional<SslContext> tls) {
    NettyTransport transport = NettyTransport.shared();
    handlers = new DefaultEventExecutorGroup(Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
        new DefaultThreadFactory("jaeger-query-http", true));
    ServerBootstrap b = new ServerBootstrap()
        .group(transport.boss(), transport.workers())
        .channel(transport.serverChannelClass())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(ctx -> p.addLast("tls", ctx.newHandler(ch.alloc())));
            p.addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192));
            p.addLast("continue", new HttpServerExpectContinueHandler());
            p.addLast("decompress", new HttpContentDecompressor());
            p.addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES));
            p.addLast(handlers, "api", handler);
          }
        });
    try {
      channel = PortBinding.bind(b, QueryOptions.HTTP_HOST_PORT, options.httpHostPort());
    } catch (RuntimeException e) {
      handlers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  int port() {
    return PortBinding.port(channel);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    handlers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
