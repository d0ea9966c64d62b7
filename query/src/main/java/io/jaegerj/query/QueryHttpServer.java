// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.query;

import io.jaegerj.server.net.HttpListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP listener of port 16686 on the shared {@link HttpListener} setup (timeouts, connection limits, RFC 9112
 * framing, graceful close; Jaeger has no flags for them on this port, so {@link HttpListener.Limits#defaults()}).
 * Request bodies are bounded ({@link #MAX_BODY_BYTES}, 413 beyond), as are the request line and headers; requests
 * are handled on a separate executor group because storage reads block.
 */
final class QueryHttpServer implements AutoCloseable {
  /** OpenTelemetry's confighttp default request body limit, as Jaeger uses. */
  static final int MAX_BODY_BYTES = 20 * 1024 * 1024;
  static final int MAX_INITIAL_LINE = 64 * 1024;
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private final HttpListener listener;
  private final EventExecutorGroup handlers;

  /**
   * @param uiHandlers handlers of the UI's own endpoints (live tail, trace pages), ahead of the API handler; each
   *     passes on what it does not serve
   * @param router the API and static-file router, last in the pipeline
   */
  QueryHttpServer(QueryOptions options, List<ChannelHandler> uiHandlers, HttpRouter router,
      Optional<SslContext> tls, MeterRegistry meters, HttpListener.Limits limits) {
    handlers = new DefaultEventExecutorGroup(Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
        new DefaultThreadFactory("jaeger-query-http", true));
    try {
      listener = HttpListener.bind("query-http", QueryOptions.HTTP_HOST_PORT, options.httpHostPort(), tls,
          limits.withHeaderBounds(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192), meters, (ChannelPipeline p) -> {
            p.addLast("continue", new HttpServerExpectContinueHandler());
            p.addLast("decompress", new HttpContentDecompressor());
            p.addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES));
            for (ChannelHandler h : uiHandlers) {
              p.addLast(handlers, h);
            }
            p.addLast(handlers, "api", router);
          });
    } catch (RuntimeException e) {
      handlers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  int port() {
    return listener.port();
  }

  /** Stops accepting, lets requests in flight finish (5 s), then stops the handler threads. */
  @Override
  public void close() {
    listener.close();
    handlers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
