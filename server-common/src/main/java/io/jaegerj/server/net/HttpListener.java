// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.server.net;

import com.sun.management.UnixOperatingSystemMXBean;
import io.jaegerj.server.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP/1.1 listener setup of every HTTP port of the process (collector receivers, query, admin): on the
 * shared Netty transport, with
 * <ul>
 *   <li>Go net/http's timeouts (read-header, read, idle; see {@link Limits}), so a client that sends its headers
 *       slowly, or keeps an idle connection, is disconnected;</li>
 *   <li>a connection limit per listener and one for the whole process (below the file descriptor limit), so that
 *       idle or slow connections cannot exhaust the process: connections beyond them are closed at once;</li>
 *   <li>RFC 9112 framing: a request that cannot be framed reliably (both {@code Content-Length} and
 *       {@code Transfer-Encoding}, a transfer coding not ending with {@code chunked}, a malformed request line or
 *       header) is answered 400 with {@code Connection: close}, and the connection closed;</li>
 *   <li>a graceful {@link #close}: no new connections; idle connections close; a request arriving meanwhile gets
 *       503 with {@code Connection: close}; requests in flight get their answer (with {@code Connection: close})
 *       for up to the shutdown grace, then 503 with {@code Connection: close} instead of a reset.</li>
 * </ul>
 * The application adds its handlers (aggregator, handler) after these; it sees only well-framed requests.
 */
public final class HttpListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
  /** Connections open on every listener of the process. */
  private static final AtomicInteger PROCESS_CONNECTIONS = new AtomicInteger();
  /** The bound of {@link #PROCESS_CONNECTIONS}. */
  static final int PROCESS_LIMIT = processLimit();
  private static final RateLimitedLog REFUSED_LOG = new RateLimitedLog(LOG, RateLimitedLog.Level.WARN);
  private static final RateLimitedLog FRAMING_LOG = new RateLimitedLog(LOG, RateLimitedLog.Level.INFO);

  /**
   * The limits of one listener.
   *
   * @param readHeaderTimeout Go's ReadHeaderTimeout: the request line and headers must arrive within it; 0 = none
   * @param readTimeout Go's ReadTimeout: the whole request; 0 = none
   * @param idleTimeout Go's IdleTimeout between keep-alive requests; 0 = the read timeout (0 too: none)
   * @param maxConnections open connections of this listener; more are closed when accepted
   * @param maxInitialLineBytes bound of the request line (400 beyond)
   * @param maxHeaderBytes bound of the headers (400 beyond)
   * @param maxChunkBytes the largest body piece passed on at once
   * @param shutdownGrace how long {@link #close} lets requests in flight finish
   */
  public record Limits(Duration readHeaderTimeout, Duration readTimeout, Duration idleTimeout, int maxConnections,
      int maxInitialLineBytes, int maxHeaderBytes, int maxChunkBytes, Duration shutdownGrace) {
    public Limits {
      Objects.requireNonNull(readHeaderTimeout, "readHeaderTimeout");
      Objects.requireNonNull(readTimeout, "readTimeout");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(shutdownGrace, "shutdownGrace");
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: > 0)");
      }
    }

    /**
     * For ports where Jaeger has no timeout flags (query, admin, Zipkin, agent sampling): the 2 s read-header timeout
     * Jaeger's own servers set, a 60 s read timeout (a slow body cannot hold a connection forever either), a 2 s idle
     * timeout, {@link #defaultMaxConnections()}, 64 KiB request line and headers.
     */
    public static Limits defaults() {
      return new Limits(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2),
          defaultMaxConnections(), 64 * 1024, 64 * 1024, 65536, Duration.ofSeconds(5));
    }

    /** The same limits with Go's three timeouts replaced (e.g. from Jaeger's flags). */
    public Limits withTimeouts(Duration readHeader, Duration read, Duration idle) {
      return new Limits(readHeader, read, idle, maxConnections, maxInitialLineBytes, maxHeaderBytes, maxChunkBytes,
          shutdownGrace);
    }

    public Limits withMaxConnections(int max) {
      return new Limits(readHeaderTimeout, readTimeout, idleTimeout, max, maxInitialLineBytes, maxHeaderBytes,
          maxChunkBytes, shutdownGrace);
    }

    public Limits withHeaderBounds(int initialLine, int headers, int chunk) {
      return new Limits(readHeaderTimeout, readTimeout, idleTimeout, maxConnections, initialLine, headers, chunk,
          shutdownGrace);
    }

    public Limits withShutdownGrace(Duration grace) {
      return new Limits(readHeaderTimeout, readTimeout, idleTimeout, maxConnections, maxInitialLineBytes,
          maxHeaderBytes, maxChunkBytes, grace);
    }

    /**
     * The timeout that closes an idle keep-alive connection, as Go's net/http chooses it: the idle timeout, else the
     * read timeout, else none. The read-header timeout does not apply to idle time (Go waits for the next request's
     * first bytes before starting it), so with Jaeger's receiver defaults (idle and read 0s) an idle connection stays
     * open. Closing it after the read-header timeout raced with clients reusing the connection at that moment: their
     * request was read by nobody and closed without an answer.
     */
    Duration effectiveIdleTimeout() {
      if (!idleTimeout.isZero()) {
        return idleTimeout;
      }
      return readTimeout;
    }
  }

  /** Half of the process budget, so one port alone cannot take every connection of the process. */
  public static int defaultMaxConnections() {
    return Math.max(16, PROCESS_LIMIT / 2);
  }

  /**
   * The connections all listeners together may hold: three quarters of what the file descriptor limit leaves after
   * 256 for storage clients, gRPC and files, at most 65,536.
   */
  private static int processLimit() {
    long fds = 4096;
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      fds = unix.getMaxFileDescriptorCount();
    }
    long budget = (fds - 256) * 3 / 4;
    return (int) Math.max(64, Math.min(65_536, budget));
  }

  private final String name;
  private final Channel channel;
  private final Shared shared;

  /** What the listener and its connections' handlers share. */
  private static final class Shared {
    final String name;
    final Limits limits;
    final ChannelGroup connections;
    final AtomicInteger open = new AtomicInteger();
    final MeterRegistry meters;
    final ConcurrentHashMap<String, Counter> refusals = new ConcurrentHashMap<>();
    volatile boolean draining;

    Shared(String name, Limits limits, MeterRegistry meters) {
      this.name = name;
      this.limits = limits;
      this.meters = meters;
      this.connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
    }

    /** Counts {@code jaeger_http_server_refused_total{server,reason}}. */
    void refused(String reason) {
      if (meters == null) {
        return;
      }
      Counter c = refusals.get(reason);
      if (c == null) {
        c = refusals.computeIfAbsent(reason, r -> Counter.builder("jaeger_http_server_refused")
            .description("connections and requests refused by the HTTP server setup")
            .tags("server", name, "reason", r).register(meters));
      }
      c.increment();
    }

    /** Counts a new connection against both limits; false when it must be closed. */
    boolean admit(Channel ch) {
      if (draining) {
        refused("shutting_down");
        return false;
      }
      int mine = open.incrementAndGet();
      int all = PROCESS_CONNECTIONS.incrementAndGet();
      if (mine > limits.maxConnections() || all > PROCESS_LIMIT) {
        open.decrementAndGet();
        PROCESS_CONNECTIONS.decrementAndGet();
        refused("connection_limit");
        REFUSED_LOG.log("HTTP server {} refused a connection from {}: {} connections open on it, {} in the process "
            + "(limits {} and {})", name, ch.remoteAddress(), mine - 1, all - 1, limits.maxConnections(),
            PROCESS_LIMIT);
        return false;
      }
      ch.closeFuture().addListener(f -> {
        open.decrementAndGet();
        PROCESS_CONNECTIONS.decrementAndGet();
      });
      connections.add(ch);
      return true;
    }
  }

  private HttpListener(String name, Channel channel, Shared shared) {
    this.name = name;
    this.channel = channel;
    this.shared = shared;
  }

  /**
   * Binds and returns once the port accepts connections.
   *
   * @param name for logs, e.g. {@code otlp-http}
   * @param flag the host-port flag, named in bind errors
   * @param meters where refusals are counted ({@code jaeger_http_server_refused_total{server,reason}}); null = not
   * @param application adds the application's handlers at the end of a new connection's pipeline
   */
  public static HttpListener bind(String name, String flag, HostPort address, Optional<SslContext> tls,
      Limits limits, MeterRegistry meters, Consumer<ChannelPipeline> application) {
    NettyTransport transport = NettyTransport.shared();
    Shared shared = new Shared(name, limits, meters);
    ServerBootstrap b = new ServerBootstrap()
        .group(transport.boss(), transport.workers())
        .channel(transport.serverChannelClass())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!shared.admit(ch)) {
              ch.close();
              return;
            }
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(ctx -> p.addLast("tls", ctx.newHandler(ch.alloc())));
            p.addLast("decoder", new StrictRequestDecoder(limits.maxInitialLineBytes(), limits.maxHeaderBytes(),
                limits.maxChunkBytes()));
            p.addLast("encoder", new HttpResponseEncoder());
            p.addLast("timeouts", new TimeoutHandler(limits.readHeaderTimeout(), limits.readTimeout(),
                limits.effectiveIdleTimeout()));
            p.addLast("guard", new Guard(shared));
            application.accept(p);
          }
        });
    Channel ch = PortBinding.bind(b, flag, address);
    return new HttpListener(name, ch, shared);
  }

  public int port() {
    return PortBinding.port(channel);
  }

  /** Connections open now. */
  public int openConnections() {
    return shared.open.get();
  }

  /**
   * Stops accepting and closes every connection: idle ones at once, ones with a request in flight once it is
   * answered (with {@code Connection: close}) or, after the shutdown grace, with 503 and {@code Connection: close}.
   */
  @Override
  public void close() {
    shared.draining = true;
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (Channel c : List.copyOf(shared.connections)) {
      c.eventLoop().execute(() -> {
        Guard g = c.pipeline().get(Guard.class);
        if (g == null || g.idle()) {
          c.close();
        }
      });
    }
    long deadline = System.nanoTime() + shared.limits.shutdownGrace().toNanos();
    while (!shared.connections.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Channel> left = new ArrayList<>(shared.connections);
    if (!left.isEmpty()) {
      LOG.warn("Closing HTTP server {} with {} requests still in flight: answering them 503", name, left.size());
      for (Channel c : left) {
        c.eventLoop().execute(() -> {
          Guard g = c.pipeline().get(Guard.class);
          if (g != null) {
            g.abort(c);
          } else {
            c.close();
          }
        });
      }
    }
    shared.connections.newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shared.connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * One per connection, right after the codec and timeouts; every method runs on the connection's event loop.
   * Answers what must not reach the application (unframeable requests, requests while draining) and tracks the
   * requests in flight.
   */
  private static final class Guard extends ChannelDuplexHandler {
    private final Shared shared;
    /** Requests passed on whose response has not been written completely. */
    private int inFlight;
    /** A response has started (headers written) but not ended. */
    private boolean responding;
    /** Discarding the body of a request that was answered here. */
    private boolean discarding;
    private boolean closing;

    Guard(Shared shared) {
      this.shared = shared;
    }

    boolean idle() {
      return inFlight == 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest req) {
        if (req.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          discarding = true;
          Throwable cause = req.decoderResult().cause();
          shared.refused("malformed_http");
          FRAMING_LOG.log("HTTP server {}: unframeable request from {}: {}", shared.name,
              ctx.channel().remoteAddress(), cause == null ? "bad request" : cause.getMessage());
          answerAndClose(ctx, HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
          return;
        }
        if (shared.draining || closing) {
          shared.refused("shutting_down");
          ReferenceCountUtil.release(msg);
          discarding = true;
          answerAndClose(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down");
          return;
        }
        discarding = false;
        inFlight++;
      } else if (discarding && msg instanceof HttpContent) {
        ReferenceCountUtil.release(msg);
        return;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      boolean draining = shared.draining;
      if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        responding = true;
        if (draining) {
          HttpUtil.setKeepAlive(r, false);
        }
      }
      if (msg instanceof LastHttpContent && responding) {
        responding = false;
        inFlight = Math.max(0, inFlight - 1);
        if (draining && inFlight == 0) {
          ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
          return;
        }
      }
      ctx.write(msg, promise);
    }

    /** The shutdown grace is over: answer a request still waiting with 503, or close. */
    void abort(Channel c) {
      ChannelHandlerContext ctx = c.pipeline().context(this);
      if (ctx == null || !c.isActive()) {
        c.close();
        return;
      }
      if (inFlight > 0 && !responding) {
        answerAndClose(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down");
      } else {
        c.close();
      }
    }

    private void answerAndClose(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
      closing = true;
      inFlight = 0;
      ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      }
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
