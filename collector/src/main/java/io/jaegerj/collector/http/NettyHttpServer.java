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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on the shared Netty transport: TLS, Go-style timeouts, CORS, a bounded aggregated body
 * (413 above it), then one {@link HttpHandler} called on the event loop. A handler may return a
 * {@link PendingResponse}: its response is written when it completes, and the responses of one connection are
 * written in request order (HTTP/1.1 pipelining). Closing stops the listener and every open connection.
 */
public final class NettyHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NettyHttpServer.class);
  /** Go's DefaultMaxHeaderBytes. */
  private static final int MAX_HEADER_BYTES = 1 << 20;
  /** How long {@link #close} lets pending answers finish, as the gRPC servers wait for calls in flight. */
  private static final long ANSWER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Channel channel;
  private final ChannelGroup connections;
  private final HttpServerConfig config;
  private final AtomicInteger pendingAnswers;

  private NettyHttpServer(Channel channel, ChannelGroup connections, HttpServerConfig config,
      AtomicInteger pendingAnswers) {
    this.channel = channel;
    this.connections = connections;
    this.config = config;
    this.pendingAnswers = pendingAnswers;
  }

  /** Binds and returns once the port accepts connections. */
  public static NettyHttpServer start(HttpServerConfig config, HttpHandler handler, ReceiverErrors errors) {
    NettyTransport transport = NettyTransport.shared();
    ChannelGroup connections = new DefaultChannelGroup(config.name(), GlobalEventExecutor.INSTANCE);
    AtomicInteger pendingAnswers = new AtomicInteger();
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
            p.addLast("handler", new Dispatch(handler, errors, pendingAnswers));
          }
        });
    Channel ch = PortBinding.bind(b, config.flag(), config.address());
    LOG.info("Starting HTTP server {} on port {}", config.name(), PortBinding.port(ch));
    return new NettyHttpServer(ch, connections, config, pendingAnswers);
  }

  public int port() {
    return PortBinding.port(channel);
  }

  /**
   * Stops accepting, lets pending answers (acknowledge=stored) be written for up to 5 s, and closes open
   * connections.
   */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + ANSWER_GRACE_NANOS;
    while (pendingAnswers.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (pendingAnswers.get() > 0) {
      LOG.warn("Closing HTTP server {} with {} answers still waiting for storage", config.name(),
          pendingAnswers.get());
    }
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    LOG.info("Stopped HTTP server {}", config.name());
  }

  /** One per connection; every method runs on the connection's event loop. */
  private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HttpHandler handler;
    private final ReceiverErrors errors;
    /** Answers not written yet, oldest first; only non-empty while a pending response is outstanding. */
    private final ArrayDeque<Answer> answers = new ArrayDeque<>();
    private boolean inactive;
    /** Pending answers of the whole server, for {@link NettyHttpServer#close}. */
    private final AtomicInteger pendingAnswers;

    Dispatch(HttpHandler handler, ReceiverErrors errors, AtomicInteger pendingAnswers) {
      this.handler = handler;
      this.errors = errors;
      this.pendingAnswers = pendingAnswers;
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
      pendingAnswers.incrementAndGet();
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
            try {
              if (inactive) {
                ReferenceCountUtil.release(answer);
                return;
              }
              a.response = answer;
              flush(ctx);
            } finally {
              pendingAnswers.decrementAndGet();
            }
          });
        } catch (RejectedExecutionException e) {
          pendingAnswers.decrementAndGet();
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
