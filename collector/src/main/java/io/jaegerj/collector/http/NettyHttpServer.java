// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.http;

import io.jaegerj.server.net.HttpListener;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiver's HTTP/1.1 server on the shared {@link HttpListener} setup (timeouts, connection limits, RFC 9112
 * framing, graceful close), with TLS, CORS, a bounded aggregated body (413 above it), then one {@link HttpHandler}
 * called on the event loop. A handler may return a {@link PendingResponse}: its response is written when it
 * completes, and the responses of one connection are written in request order (HTTP/1.1 pipelining).
 */
public final class NettyHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NettyHttpServer.class);
  /** Go's DefaultMaxHeaderBytes. */
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private final HttpListener listener;
  private final HttpServerConfig config;

  private NettyHttpServer(HttpListener listener, HttpServerConfig config) {
    this.listener = listener;
    this.config = config;
  }

  /** The limits of the receivers' ports before their timeout flags are applied: Go's header bound of 1 MiB. */
  public static HttpListener.Limits receiverLimits() {
    return HttpListener.Limits.defaults().withHeaderBounds(8192, MAX_HEADER_BYTES, 65536);
  }

  /** Binds and returns once the port accepts connections. */
  public static NettyHttpServer start(HttpServerConfig config, HttpHandler handler, ReceiverErrors errors) {
    HttpListener listener = HttpListener.bind(config.name(), config.flag(), config.address(), config.tls(),
        config.limits(), errors.registry(), p -> {
          p.addLast("keepalive", new HttpServerKeepAliveHandler());
          p.addLast("aggregator", new HttpObjectAggregator(config.maxBodyBytes()) {
            @Override
            protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
                throws Exception {
              errors.count("too_large");
              super.handleOversizedMessage(ctx, oversized);
            }
          });
          if (!config.corsAllowedOrigins().isEmpty()) {
            p.addLast("cors", new CorsHandler(config.corsAllowedOrigins(), config.corsAllowedHeaders()));
          }
          p.addLast("handler", new Dispatch(handler, errors));
        });
    LOG.info("Starting HTTP server {} on port {}", config.name(), listener.port());
    return new NettyHttpServer(listener, config);
  }

  public int port() {
    return listener.port();
  }

  /** Connections open now. */
  public int openConnections() {
    return listener.openConnections();
  }

  /**
   * Stops accepting, lets answers in flight (acknowledge=stored) be written for up to the shutdown grace (5 s), then
   * answers what is left 503 with {@code Connection: close}.
   */
  @Override
  public void close() {
    listener.close();
    LOG.info("Stopped HTTP server {}", config.name());
  }

  /** One per connection; every method runs on the connection's event loop. */
  private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HttpHandler handler;
    private final ReceiverErrors errors;
    /** Answers not written yet, oldest first; only non-empty while a pending response is outstanding. */
    private final ArrayDeque<Answer> answers = new ArrayDeque<>();
    private boolean inactive;
    Dispatch(HttpHandler handler, ReceiverErrors errors) {
      this.handler = handler;
      this.errors = errors;
    }

    /** A response in request order; {@code response} is null until it is known. */
    private static final class Answer {
      final boolean keepAlive;
      FullHttpResponse response;

      Answer(boolean keepAlive, FullHttpResponse response) {
        this.keepAlive = keepAlive;
        this.response = response;
      }
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
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (!(r instanceof PendingResponse pending)) {
        if (answers.isEmpty()) {
          write(ctx, r, keepAlive);
        } else {
          answers.add(new Answer(keepAlive, r));
        }
        return;
      }
      Answer a = new Answer(keepAlive, null);
      answers.add(a);
      pending.response().whenComplete((response, failure) -> {
        FullHttpResponse done = response;
        if (failure != null || response == null) {
          LOG.warn("HTTP handler failed", failure);
          errors.count("internal");
          done = HttpResponses.text(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
        }
        FullHttpResponse answer = done;
        try {
          ctx.executor().execute(() -> {
            if (inactive) {
              ReferenceCountUtil.release(answer);
              return;
            }
            a.response = answer;
            flush(ctx);
          });
        } catch (RejectedExecutionException e) {
          ReferenceCountUtil.release(answer); // the event loop is gone, and the connection with it
        }
      });
    }

    /** Writes the answers that are known, up to the first that is not. */
    private void flush(ChannelHandlerContext ctx) {
      Answer head;
      while ((head = answers.peek()) != null && head.response != null) {
        answers.poll();
        write(ctx, head.response, head.keepAlive);
      }
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
      HttpUtil.setKeepAlive(r, keepAlive);
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      inactive = true;
      for (Answer a : answers) {
        if (a.response != null) {
          ReferenceCountUtil.release(a.response);
        }
      }
      answers.clear();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("HTTP connection error", cause);
      ctx.close();
    }
  }
}
